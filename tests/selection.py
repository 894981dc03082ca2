"""Which tests run where: the `browser` marker, set from the fixtures, and `postgres`.

`make test-sqlite` runs `pytest -m "not browser and not postgres"` (SQLITE_RUN),
`make test-postgres` runs everything: tests are selected, never skipped. The
`postgres` marker is written by tests of the production layout (several
servers behind HAProxy, tests/test_cluster.py). A test that drives Chromium,
even through another fixture, gets the marker here whether or not its module
writes it, so none can slip into the SQLite run.
"""

import pytest

SQLITE_RUN = "not browser and not postgres"

# Fixtures that start Chromium.
BROWSER_FIXTURES = {"browser", "browser_page"}


def drives_chromium(item):
    return not BROWSER_FIXTURES.isdisjoint(getattr(item, "fixturenames", ()))


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Marks before `-m` deselects (tryfirst)."""
    for item in items:
        if drives_chromium(item) and item.get_closest_marker("browser") is None:
            item.add_marker(pytest.mark.browser)
