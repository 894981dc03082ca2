"""« Trouver un médecin » in a real Chromium, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, assert_no_horizontal_scroll, sign_in_as
from tests.directory.test_views import directory  # noqa: F401  (fixture)
from tests.geography.test_forms import communes  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, width):
    assert_accessible(page)
    if width == 320:
        assert_no_horizontal_scroll(page)


def results(page):
    return page.locator("main ol").get_by_role("heading").all_inner_texts()


@pytest.mark.parametrize("width", [320, 1280])
def test_a_member_finds_a_doctor_near_home_widens_the_radius_and_opens_one(
    browser_page,
    live_server,
    directory,  # noqa: F811
    alice_account,
    width,
):
    page = browser_page(width=width)
    sign_in_as(page, alice_account, live_server)
    page.goto(f"{live_server.url}/accueil/")
    page.locator("summary", has_text="Menu").click()
    page.get_by_role("link", name="Trouver un médecin").click()
    assert page.get_by_label("Ville ou code postal").input_value() == "76000 Rouen"
    check(page, width)

    # By postcode, with the keyboard: the select, then Enter in the place.
    page.get_by_label("Profession ou spécialité").select_option("Médecin généraliste")
    location = page.get_by_label("Ville ou code postal")
    location.fill("76000")
    page.get_by_label("Distance maximale").select_option("5")
    location.press("Enter")
    expect(page.locator("main")).to_contain_text(
        "Rouen (76) : 2 résultats à moins de 5 km", use_inner_text=True
    )
    assert results(page) == ["Dr Marie MARTIN", "Dr Paul DURAND"]
    check(page, width)

    page.get_by_label("Distance maximale").select_option("10")
    page.get_by_role("button", name="Rechercher").click()
    assert "radius=10" in page.url
    assert results(page) == ["Dr Marie MARTIN", "Dr Paul DURAND", "Dr Marie MARTIN"]
    check(page, width)

    page.get_by_role("link", name="Dr Paul DURAND").click()
    expect(page.locator("h1")).to_have_text(
        re.compile(re.escape("Dr Paul DURAND") + "$"), use_inner_text=True
    )
    check(page, width)
    page.get_by_role("link", name="Retour aux résultats").click()
    assert len(results(page)) == 3

    page.get_by_role("link", name="Dr Marie MARTIN").first.click()
    expect(page.locator("main")).to_contain_text("Autres lieux d'exercice", use_inner_text=True)
    check(page, width)


def test_the_public_finds_a_doctor_from_the_home_page(browser_page, live_server, directory):  # noqa: F811
    page = browser_page(width=320)
    page.goto(live_server.url)
    page.get_by_role("link", name="Trouver un médecin").click()
    check(page, 320)
    location = page.get_by_label("Ville ou code postal")
    location.fill("76230")
    location.press("Enter")
    assert (
        "Plusieurs communes correspondent à « 76230 »"
        in page.locator(".govuk-error-summary").inner_text()
    )
    check(page, 320)
    page.get_by_role("link", name="Isneauville (76)").click()
    expect(page.locator("main")).to_contain_text(
        "Isneauville (76) : 3 résultats à moins de 10 km", use_inner_text=True
    )
    check(page, 320)


def test_a_radius_typed_by_hand(browser_page, live_server, directory):  # noqa: F811
    page = browser_page(width=320)
    page.goto(f"{live_server.url}/trouver-un-medecin/?location=76000&radius=1000&name=")
    assert (
        "Choisissez une distance dans la liste" in page.locator(".govuk-error-summary").inner_text()
    )
    check(page, 320)
