import datetime

import pytest

from assure.information.templatetags.information import long_date, phone


@pytest.mark.parametrize(
    "day, written",
    [
        (datetime.date(1984, 12, 3), "3 décembre 1984"),
        (datetime.date(2026, 1, 1), "1er janvier 2026"),
        (datetime.date(2026, 8, 31), "31 août 2026"),
        (None, ""),
    ],
)
def test_dates_are_written_as_in_a_french_letter(day, written):
    assert long_date(day) == written


@pytest.mark.parametrize(
    "stored, shown",
    [
        ("+33199001001", "01 99 00 10 01"),
        ("+33612345678", "06 12 34 56 78"),
        ("+262262123456", "0262 12 34 56"),  # La Réunion: dialled from France as a national number
        ("+3222345678", "+32 2 234 56 78"),
        ("+68940123456", "+689 40 12 34 56"),  # French Polynesia has its own numbering plan
        ("+331", "+331"),  # never a 500 for a number the registry got wrong
        ("", ""),
    ],
)
def test_phones_are_shown_as_the_member_dials_them(stored, shown):
    assert phone(stored) == shown
