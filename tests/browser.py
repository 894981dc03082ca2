"""Real-browser helpers: Playwright's Chromium (the system's /usr/bin/chromium) and axe.

Use from a test module or conftest:

    from tests.browser import browser, browser_page, live_server, plain_http_server  # noqa: F401
    from tests.browser import assert_accessible

    @pytest.mark.browser
    def test_it_shows_the_home_page(browser_page, live_server):
        page = browser_page(width=320)
        page.goto(live_server.url)
        assert_accessible(page)

The stylesheet must be built first (`npm run build`).
"""

import os

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from django.test import Client
from django.test.utils import override_settings
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API runs an event loop in this thread; Django would then
# refuse the ORM calls that tests make here (SynchronousOnlyOperation).
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

# Generous deadlines: Playwright waits on conditions (an element, a load
# event), so a long deadline costs nothing when the page is quick, and a loaded
# machine does not fail a test that reads a page a little late. Tests read what
# an action changed through `expect(...)`, which waits for it.
TIMEOUT_MS = 60_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def plain_http_server():
    """The live server speaks plain HTTP. Its middleware is built once, when it
    starts, so this must hold before (the per-test `settings` come too late)."""
    with override_settings(SECURE_SSL_REDIRECT=False):
        yield


@pytest.fixture(scope="session")
def live_server(plain_http_server, live_server):
    """pytest-django's live server, started without the redirect to HTTPS."""
    return live_server


class SharedChromium:
    """One Playwright and one Chromium for the whole run, however many
    conftests import the `browser` fixture: two Playwright sync instances
    cannot live in one thread."""

    users = 0
    playwright = chromium = None

    @classmethod
    def acquire(cls):
        if cls.users == 0:
            cls.playwright = sync_playwright().start()
            cls.chromium = cls.playwright.chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        cls.users += 1
        return cls.chromium

    @classmethod
    def release(cls):
        cls.users -= 1
        if cls.users == 0:
            cls.chromium.close()
            cls.playwright.stop()


@pytest.fixture(scope="session")
def browser():
    yield SharedChromium.acquire()
    SharedChromium.release()


@pytest.fixture
def browser_page(browser):
    """A factory of pages, each in a fresh context (no cookies shared):
    `page = browser_page(width=320)`."""
    contexts = []

    def new_page(width=1280, height=800):
        context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-FR")
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield new_page
    for context in contexts:
        context.close()


def assert_accessible(page):
    """No axe violation (WCAG 2.2 AA tags) and exactly one <h1>, on the page
    once fully loaded (not one a click has only started to replace)."""
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert results.violations_count == 0, results.generate_report()
    headings = page.locator("h1").count()
    assert headings == 1, f"{page.url} has {headings} <h1>, expected exactly one"


def assert_no_horizontal_scroll(page):
    page.wait_for_load_state("load")
    width = page.evaluate("document.documentElement.clientWidth")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"{page.url} scrolls sideways: {scroll_width}px > {width}px"


def sign_in_as(page, user, live_server):
    """Gives the page's browser a signed-in session for `user`, without the sign-in form."""
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    page.context.add_cookies(
        [{"name": cookie.key, "value": cookie.value, "url": live_server.url, "secure": True}]
    )
