"""« Trouver un point d'accueil » in a real Chromium, with axe on every page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser import assert_accessible, assert_no_horizontal_scroll
from tests.geography.test_forms import communes  # noqa: F401  (fixture)
from tests.places.test_views import places  # noqa: F401  (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def check(page, width):
    assert_accessible(page)
    if width == 320:
        assert_no_horizontal_scroll(page)


@pytest.mark.parametrize("width", [320, 1280])
def test_finding_a_reception_point_from_the_home_page(browser_page, live_server, places, width):  # noqa: F811
    page = browser_page(width=width)
    page.goto(live_server.url)
    page.get_by_role("link", name="Trouver un point d'accueil").click()
    expect(page.locator("h1")).to_have_text("Trouver un point d'accueil", use_inner_text=True)
    check(page, width)

    # Sent empty: the error summary, and the message next to the field.
    page.get_by_role("button", name="Rechercher").click()
    expect(page).to_have_title(re.compile("^" + re.escape("Erreur : ")))
    assert page.locator(".govuk-error-summary").get_by_role("link").inner_text() == (
        "Indiquez une ville ou un code postal."
    )
    check(page, width)

    # Homonyms: a list of communes to choose from, without JavaScript.
    location = page.get_by_label("Ville ou code postal")
    location.fill("Saint-Denis")
    location.press("Enter")
    expect(page.get_by_role("link", name="Saint-Denis (974)")).to_be_visible()
    check(page, width)
    page.get_by_role("link", name="Saint-Denis (974)").click()
    expect(page.locator("main")).to_contain_text(
        "Saint-Denis (974) : aucun lieu à moins de 50 km", use_inner_text=True
    )
    check(page, width)

    # By postcode, kiosks only: chosen with the keyboard.
    location = page.get_by_label("Ville ou code postal")
    location.fill("76000")
    page.get_by_label("Bornes libre-service seulement").focus()
    page.keyboard.press("Space")
    location.press("Enter")
    main = page.locator("main").inner_text()
    assert "Rouen (76) : 1 lieu à moins de 50 km" in main
    assert "kind=borne" in page.url and "location=76000" in page.url
    check(page, width)

    page.get_by_role("link", name="Borne de Rouen gare").click()
    expect(page.locator("h1")).to_have_text(
        re.compile(re.escape("Borne de Rouen gare") + "$"), use_inner_text=True
    )
    expect(page.locator("table")).to_contain_text("24 h sur 24", use_inner_text=True)
    check(page, width)

    page.get_by_role("link", name="Retour aux résultats").click()
    expect(page.locator("main")).to_contain_text(
        "Rouen (76) : 1 lieu à moins de 50 km", use_inner_text=True
    )
    assert page.get_by_label("Bornes libre-service seulement").is_checked()


def test_a_foreign_postcode_in_the_browser(browser_page, live_server, places):  # noqa: F811
    page = browser_page(width=320)
    page.goto(f"{live_server.url}/trouver-un-point-d-accueil/?location=SW1A+1AA")
    assert (
        "« SW1A 1AA » n'est pas un code postal français"
        in page.locator(".govuk-error-message").inner_text()
    )
    check(page, 320)
