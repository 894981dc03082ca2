"""The member space's layout in a real Chromium: the menu opens without
JavaScript, signing out is one button away, all of it usable at 320 px."""

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, assert_no_horizontal_scroll, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [320, 1280])
def test_the_menu_opens_without_javascript(browser_page, live_server, alice_account, width):
    page = browser_page(width=width)
    sign_in_as(page, alice_account, live_server)
    page.goto(f"{live_server.url}/accueil/")

    home_link = page.get_by_role("link", name="Accueil", exact=True)
    expect(home_link).to_be_hidden()
    assert_accessible(page)

    menu = page.locator("summary", has_text="Menu")
    menu.focus()
    page.keyboard.press("Enter")

    expect(home_link).to_be_visible()
    assert home_link.get_attribute("aria-current") == "page"
    box = home_link.bounding_box()
    assert box["height"] >= 44
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", [320, 1280])
def test_signing_out_is_one_button_away(browser_page, live_server, alice_account, width):
    page = browser_page(width=width)
    sign_in_as(page, alice_account, live_server)
    page.goto(f"{live_server.url}/accueil/")
    assert "Par sécurité, vous serez déconnecté après 15 minutes d'inactivité." in (
        page.locator("main").inner_text()
    )

    button = page.get_by_role("button", name="Me déconnecter")
    box = button.bounding_box()
    assert box["width"] >= 44 and box["height"] >= 44
    assert box["x"] + box["width"] <= width
    assert_no_horizontal_scroll(page)

    button.click()

    expect(page).to_have_url(f"{live_server.url}/deconnecte/")
    page.goto(f"{live_server.url}/accueil/")
    assert "/connexion/" in page.url
