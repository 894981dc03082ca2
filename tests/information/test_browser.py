"""« Mes informations » in a real Chromium, on a phone and on a wide screen."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, assert_no_horizontal_scroll, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [320, 1280])
def test_the_member_reaches_their_information_from_the_menu(
    browser_page, live_server, alice_file, alice_account, width
):
    page = browser_page(width=width)
    sign_in_as(page, alice_account, live_server)
    page.goto(f"{live_server.url}/accueil/")

    menu = page.get_by_role("navigation", name="Menu principal")
    link = menu.get_by_role("link", name="Mes informations")
    expect(link).to_be_hidden()
    page.locator("summary", has_text="Menu").click()
    link.click()

    expect(page).to_have_url(f"{live_server.url}/mes-informations/")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mes informations", use_inner_text=True
    )
    main = page.locator("main").inner_text()
    assert "3 décembre 1984" in main
    assert "01 99 00 10 01" in main
    assert "Lucas Martin" in main and "Paul Martin" in main
    assert "FR76 •••• •••• •••• •••• ••90 189" in main
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    if width == 320:
        page.screenshot(path="/tmp/mes-informations-320.png", full_page=True)

    page.locator("summary", has_text="Menu").click()
    expect(link).to_be_visible()
    assert link.get_attribute("aria-current") == "page"
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_a_member_with_nothing_optional_is_accessible_on_a_phone(
    browser_page, live_server, bob, django_user_model
):
    account = django_user_model.objects.create(username=bob.nir, member=bob)
    page = browser_page(width=320)
    sign_in_as(page, account, live_server)

    page.goto(f"{live_server.url}/mes-informations/")

    expect(page.locator("main")).to_contain_text("Aucun ayant droit.", use_inner_text=True)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
