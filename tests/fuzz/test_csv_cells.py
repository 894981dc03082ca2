"""Every cleaner of the imports' CSV cells: arbitrary text gives a value or an
InvalidLine with a reason, never another exception."""

import pytest
from hypothesis import given

from assure.lib import importing
from tests.fuzz.strategies import nasty_text

CLEANERS = [name for name in dir(importing) if name.startswith("clean_")]


def test_the_cleaners_are_found():
    assert "clean_nir" in CLEANERS and "clean_date" in CLEANERS


@pytest.mark.parametrize("name", CLEANERS)
def test_a_cell_is_kept_or_rejected_with_a_reason(name):
    clean = getattr(importing, name)

    @given(nasty_text)
    def run(value):
        try:
            clean(value)
        except importing.InvalidLine as error:
            assert str(error), (name, value)

    run()
