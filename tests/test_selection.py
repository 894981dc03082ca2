"""The two runs of `make test` select tests with markers, never skip them."""

import re
from pathlib import Path

from tests.selection import SQLITE_RUN, drives_chromium


def test_the_browser_marker_means_exactly_the_tests_that_drive_chromium(request):
    """Marked tests are the ones using a browser fixture, both ways: none drives
    Chromium unmarked, none is marked (and left out of SQLite) without need."""
    journeys = [item.nodeid for item in request.session.items if drives_chromium(item)]
    marked = [item.nodeid for item in request.session.items if item.get_closest_marker("browser")]
    assert journeys == marked


def test_the_sqlite_selection_holds_no_browser_journey_nor_cluster(request):
    """Under make test-sqlite's selection no selected test starts Chromium or a cluster."""
    left = [
        item.nodeid
        for item in request.session.items
        if drives_chromium(item) or item.get_closest_marker("postgres")
    ]
    assert left == [] or request.config.option.markexpr != SQLITE_RUN


def test_the_makefile_selects_as_the_suite_says():
    makefile = (Path(__file__).resolve().parent.parent / "Makefile").read_text()
    [selection] = re.findall(r'\$\(BIN\)/pytest -m "([^"]+)"', makefile)
    assert selection == SQLITE_RUN


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
