"""Dates, amounts and phone numbers written the French way: the same text on pages,
in PDFs and in e-mails."""

import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template

from assure.lib.french import euros, french_date, french_datetime, of_month, phone


@pytest.mark.parametrize(
    ("day", "written"),
    [
        (datetime.date(1984, 12, 3), "3 décembre 1984"),
        (datetime.date(2026, 1, 1), "1er janvier 2026"),
        (datetime.date(2026, 8, 31), "31 août 2026"),
    ],
)
def test_dates_are_written_as_in_a_french_letter(day, written):
    assert french_date(day) == written


def test_a_moment_is_written_in_the_portals_time_zone():
    moment = datetime.datetime(2026, 11, 30, 23, 30, tzinfo=datetime.UTC)  # Paris: 00:30
    assert french_date(moment) == "1er décembre 2026"
    assert french_datetime(moment) == "1er décembre 2026 à 0 h 30"


def test_months_take_de_or_d_apostrophe():
    assert of_month(datetime.date(2026, 4, 1)) == "d'avril 2026"
    assert of_month(datetime.date(2026, 3, 1)) == "de mars 2026"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("0", "0,00 €"),
        ("7.1", "7,10 €"),
        ("999.99", "999,99 €"),
        ("1000", "1 000,00 €"),
        ("1234567.891", "1 234 567,89 €"),
        ("-12.5", "−12,50 €"),  # the minus sign (U+2212), as in print
        ("-0.001", "0,00 €"),  # rounded to nothing: no sign
    ],
)
def test_amounts_are_written_the_french_way(amount, shown):
    assert euros(Decimal(amount)) == shown.replace(" ", "\u00a0")


def test_an_amount_is_the_same_from_a_string_an_int_or_a_decimal():
    assert euros("-12.50") == euros(Decimal("-12.5")) == "\u221212,50\u00a0€"
    assert euros(3) == "3,00\u00a0€"


@pytest.mark.parametrize(
    ("stored", "shown"),
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


def test_templates_write_the_same_and_nothing_for_an_empty_value():
    template = Template(
        "{% load french %}{{ day|french_date }}|{{ amount|euros }}|{{ none|euros }}"
        "|{{ none|french_date }}|{{ number|phone }}"
    )
    written = template.render(
        Context(
            {
                "day": datetime.date(2026, 1, 1),
                "amount": Decimal("-3"),
                "none": None,
                "number": "+33612345678",
            }
        )
    )
    assert written == "1er janvier 2026|\u22123,00\u00a0€|||06 12 34 56 78"
