"""The public pages in a real Chromium: accessible, one <h1>, usable at 320 px."""

import pytest
from django.conf import settings
from django.db import OperationalError
from django.db.backends.base.base import BaseDatabaseWrapper
from playwright.sync_api import expect

from tests.browser import assert_accessible, assert_no_horizontal_scroll

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 320])
def test_the_home_page_is_accessible_at_any_width(browser_page, live_server, width):
    page = browser_page(width=width)
    page.goto(live_server.url)

    expect(page).to_have_title("Accueil – Caisse de démonstration")
    expect(page.get_by_role("link", name="Je crée mon compte")).to_be_visible()
    expect(page.get_by_role("link", name="Je me connecte")).to_be_visible()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_the_stylesheets_are_served_and_styled_the_page(browser_page, live_server):
    page = browser_page()
    page.goto(live_server.url)

    header_colour = page.eval_on_selector(
        ".assure-header", "el => getComputedStyle(el).backgroundColor"
    )
    assert header_colour == "rgb(11, 92, 85)"  # #0b5c55, from /theme.css
    font = page.eval_on_selector(".govuk-body", "el => getComputedStyle(el).fontFamily")
    assert font.startswith("system-ui")


def test_the_fund_colour_comes_from_the_settings(browser_page, live_server, settings):
    settings.ASSURE_PRIMARY_COLOUR = "#1d4e89"
    page = browser_page()
    page.goto(live_server.url)

    button_colour = page.get_by_role("link", name="Je me connecte").evaluate(
        "el => getComputedStyle(el).backgroundColor"
    )
    assert button_colour == "rgb(29, 78, 137)"


@pytest.mark.parametrize("width", [1280, 320])
def test_a_missing_page_is_accessible(browser_page, live_server, width):
    page = browser_page(width=width)
    response = page.goto(f"{live_server.url}/cette-page-n-existe-pas/")

    assert response.status == 404
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Page introuvable", use_inner_text=True
    )
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_the_demo_banner_shows_in_demo_mode(browser_page, live_server, settings):
    settings.ASSURE_DEMO = True
    page = browser_page(width=320)
    page.goto(live_server.url)

    banner = page.locator(".assure-demo-banner")
    expect(banner).to_contain_text("Démonstration — données fictives", use_inner_text=True)
    assert "Ce portail n'est affilié à aucune caisse réelle." in page.content()
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_there_is_no_demo_banner_otherwise(browser_page, live_server, settings):
    settings.ASSURE_DEMO = False
    page = browser_page()
    page.goto(live_server.url)

    expect(page.locator(".assure-demo-banner")).to_have_count(0)


@pytest.mark.parametrize("width", [1280, 320])
def test_the_page_shown_while_the_database_is_down_is_accessible(
    browser_page, live_server, monkeypatch, width
):
    page = browser_page(width=width)
    # A signed-in member's session, which the portal can no longer read.
    page.context.add_cookies(
        [{"name": settings.SESSION_COOKIE_NAME, "value": "x" * 32, "url": live_server.url}]
    )

    def refused(connection):
        raise OperationalError('connection to server at "127.0.0.1", port 5432 failed')

    with monkeypatch.context() as database_down:
        database_down.setattr(BaseDatabaseWrapper, "ensure_connection", refused)
        response = page.goto(f"{live_server.url}/mes-paiements/")

    assert response.status == 503
    assert response.headers["retry-after"] == "60"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Service momentanément indisponible", use_inner_text=True
    )
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
