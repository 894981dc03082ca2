"""The three-box date: every way to get it wrong has its own French message."""

import datetime
import re

import pytest
import time_machine
from django import forms

from assure.portal.forms import DateField


class BirthForm(forms.Form):
    birth_date = DateField(label="Date de naissance", birth=True, past=True)


class StartForm(forms.Form):
    start = DateField(label="Date de début", required=False)


def submit(day, month, year, form_class=BirthForm, name="birth_date"):
    form = form_class({f"{name}_0": day, f"{name}_1": month, f"{name}_2": year})
    form.is_valid()
    return form


def error(day, month, year):
    [message] = submit(day, month, year).errors["birth_date"]
    return message


def input_tags(html):
    """{input name: its <input …> tag}"""
    return {re.search(r'name="([^"]+)"', tag)[1]: tag for tag in re.findall(r"<input[^>]*>", html)}


def test_it_returns_a_date():
    form = submit("3", "12", "1984")

    assert form.is_valid()
    assert form.cleaned_data["birth_date"] == datetime.date(1984, 12, 3)


@pytest.mark.parametrize(
    "day, month, year",
    [
        (" 03 ", "12", "1984"),
        ("3", "décembre", "1984"),
        ("3", "Déc.", "1984"),
        ("3", "dec", "1984"),
    ],
)
def test_it_accepts_spaces_leading_zeros_and_month_names(day, month, year):
    assert submit(day, month, year).cleaned_data["birth_date"] == datetime.date(1984, 12, 3)


def test_it_asks_for_the_date_when_nothing_is_typed():
    assert error("", "", "") == "Saisissez votre date de naissance."


@pytest.mark.parametrize(
    "day, month, year, message",
    [
        ("3", "", "1984", "La date de naissance doit comporter un mois."),
        ("", "12", "1984", "La date de naissance doit comporter un jour."),
        ("3", "12", "", "La date de naissance doit comporter une année."),
        ("", "", "1984", "La date de naissance doit comporter un jour et un mois."),
        ("3", "", "", "La date de naissance doit comporter un mois et une année."),
    ],
)
def test_it_names_the_missing_parts(day, month, year, message):
    assert error(day, month, year) == message


@pytest.mark.parametrize(
    "day, month, year",
    [
        ("31", "2", "1984"),
        ("29", "2", "1983"),
        ("0", "5", "1984"),
        ("3", "13", "1984"),
        ("trois", "12", "1984"),
        ("3", "12", "19a4"),
        ("3", "-1", "1984"),
        ("3", "12", "1984.5"),
        ("²", "12", "1984"),
        ("3", "①", "1984"),
        ("3", "12", "¹⁹⁸⁴"),
        ("2147483648", "12", "1984"),
        ("3", "2147483648", "1984"),
        ("9" * 400, "9" * 400, "1984"),
    ],
)
def test_it_refuses_dates_that_do_not_exist(day, month, year):
    assert error(day, month, year) == "La date de naissance doit être une vraie date."


def test_it_accepts_the_29th_of_february_of_a_leap_year():
    assert submit("29", "2", "1984").is_valid()


@pytest.mark.parametrize("year", ["84", "984", "19845"])
def test_the_year_has_four_digits(year):
    assert error("3", "12", year) == "L'année doit comporter 4 chiffres."


def test_the_year_is_1900_or_after():
    assert error("31", "12", "1899") == "L'année doit être 1900 ou après."
    assert submit("1", "1", "1900").is_valid()


@time_machine.travel(datetime.datetime(2025, 6, 15, 12, 0, tzinfo=datetime.UTC))
def test_a_birth_date_is_in_the_past():
    assert error("16", "6", "2025") == "La date de naissance doit être dans le passé."
    assert error("15", "6", "2025") == "La date de naissance doit être dans le passé."
    assert submit("14", "6", "2025").is_valid()


def test_a_date_may_be_in_the_future_unless_asked():
    form = submit("1", "1", "2999", StartForm, "start")

    assert form.cleaned_data["start"] == datetime.date(2999, 1, 1)


def test_an_optional_date_may_be_left_empty():
    form = submit("", "", "", StartForm, "start")

    assert form.is_valid()
    assert form.cleaned_data["start"] is None


class DeadlineForm(forms.Form):
    deadline = DateField(label="Date limite")


def test_other_dates_are_named_in_the_messages():
    assert submit("", "", "", DeadlineForm, "deadline").errors["deadline"] == [
        "Saisissez la date limite."
    ]
    assert submit("1", "", "2024", DeadlineForm, "deadline").errors["deadline"] == [
        "La date limite doit comporter un mois."
    ]


def test_the_inputs_are_three_numeric_boxes_with_birthday_autocomplete():
    html = str(BirthForm()["birth_date"])
    tags = input_tags(html)

    for name, autocomplete, width in [
        ("birth_date_0", "bday-day", 2),
        ("birth_date_1", "bday-month", 2),
        ("birth_date_2", "bday-year", 4),
    ]:
        assert f'id="id_{name}"' in tags[name]
        assert 'inputmode="numeric"' in tags[name]
        assert f'autocomplete="{autocomplete}"' in tags[name]
        assert f"govuk-date-input__input govuk-input--width-{width}" in tags[name]
    for label in ("Jour", "Mois", "Année"):
        assert f">{label}</label>" in html


def test_other_dates_have_no_birthday_autocomplete():
    assert "autocomplete" not in str(StartForm()["start"])


def test_only_the_wrong_parts_are_marked_in_error():
    tags = input_tags(str(submit("3", "", "1984")["birth_date"]))

    assert "govuk-input--error" in tags["birth_date_1"]
    assert 'aria-invalid="true"' in tags["birth_date_1"]
    for name in ("birth_date_0", "birth_date_2"):
        assert "govuk-input--error" not in tags[name]
        assert "aria-invalid" not in tags[name]


def test_a_short_year_marks_the_year():
    tags = input_tags(str(submit("3", "12", "84")["birth_date"]))

    assert ["govuk-input--error" in tags[f"birth_date_{i}"] for i in range(3)] == [
        False,
        False,
        True,
    ]


def test_every_part_is_marked_when_the_whole_date_is_wrong():
    assert str(submit("", "", "")["birth_date"]).count("govuk-input--error") == 3


def test_what_was_typed_is_shown_again():
    html = str(submit("31", "2", "1984")["birth_date"])

    assert 'value="31"' in html and 'value="2"' in html and 'value="1984"' in html


def test_an_initial_date_fills_the_boxes():
    html = str(BirthForm(initial={"birth_date": datetime.date(1984, 12, 3)})["birth_date"])

    assert 'value="3"' in html and 'value="12"' in html and 'value="1984"' in html
