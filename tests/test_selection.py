"""The two runs of `make test` select tests with the `browser` marker, never skip them."""

from tests.selection import drives_chromium


def test_the_browser_marker_means_exactly_the_tests_that_drive_chromium(request):
    """Marked tests are the ones using a browser fixture, both ways: none drives
    Chromium unmarked, none is marked (and left out of SQLite) without need."""
    journeys = [item.nodeid for item in request.session.items if drives_chromium(item)]
    marked = [item.nodeid for item in request.session.items if item.get_closest_marker("browser")]
    assert journeys == marked


def test_the_sqlite_selection_holds_no_browser_journey(request):
    """Under `-m "not browser"` (make test-sqlite) no selected test starts Chromium."""
    journeys = [item.nodeid for item in request.session.items if drives_chromium(item)]
    assert journeys == [] or request.config.option.markexpr != "not browser"


def test_a_test_using_a_browser_fixture_is_marked_without_writing_it(pytester):
    pytester.makeconftest(
        """
import pytest
from tests.selection import pytest_collection_modifyitems  # noqa: F401

@pytest.fixture
def browser():
    return "chromium"

@pytest.fixture
def browser_page(browser):
    return browser

@pytest.fixture
def member_page(browser_page):
    return browser_page
"""
    )
    pytester.makeini("[pytest]\nmarkers =\n    browser: drives Chromium\n")
    pytester.makepyfile(
        """
def test_journey(browser_page):
    pass

def test_journey_through_another_fixture(member_page):
    pass

def test_no_browser():
    pass
"""
    )
    without = pytester.runpytest_inprocess(
        "-m", "not browser", "-p", "no:django", "--strict-markers"
    )
    without.assert_outcomes(passed=1, deselected=2)
    only = pytester.runpytest_inprocess("-m", "browser", "-p", "no:django", "--strict-markers")
    only.assert_outcomes(passed=2, deselected=1)
