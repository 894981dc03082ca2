"""The filters of « Mes paiements »: period, person, nature; and every wrong input."""

import datetime
import re

import pytest
from django.utils.html import escape

from assure.members.models import Beneficiary
from assure.payments.models import Payment
from tests.members.factories import MemberFactory
from tests.payments.conftest import error_summary, field_errors, list_rows, main_text, pay

URL = "/mes-paiements/"
FILTERS_URL = "/mes-paiements/filtrer/"


def date_query(name, day):
    if isinstance(day, datetime.date):
        day = (day.day, day.month, day.year)
    return {f"{name}_{n}": str(part) for n, part in enumerate(day)}


@pytest.fixture
def payments(alice, lucas, paul):
    """References by what they are: who, nature, date."""
    made = {
        "alice-care-jan05": pay(alice, datetime.date(2026, 1, 5)),
        "lucas-care-jan31": pay(alice, datetime.date(2026, 1, 31), beneficiary=lucas),
        "alice-ij-feb01": pay(alice, datetime.date(2026, 2, 1), nature=Payment.DAILY_ALLOWANCE),
        "paul-care-feb14": pay(alice, datetime.date(2026, 2, 14), beneficiary=paul),
        "lucas-other-mar01": pay(
            alice, datetime.date(2026, 3, 1), beneficiary=lucas, nature=Payment.OTHER
        ),
        "alice-care-mar15": pay(alice, datetime.date(2026, 3, 15)),
    }
    for key, payment in made.items():
        payment.key = key
    return made


def input_value(page, name):
    """The value of the input named `name` (None without a value)."""
    [tag] = re.findall(rf'<input[^>]* name="{name}"[^>]*>', page)
    found = re.search(r' value="([^"]*)"', tag)
    return found and found.group(1)


def listed(signed_in, payments, query):
    response = signed_in.get(URL, query)
    assert response.status_code == 200
    page = response.content.decode()
    found = [
        (page.index(f'href="/mes-paiements/{p.pk}/'), key)
        for key, p in payments.items()
        if f'href="/mes-paiements/{p.pk}/' in page
    ]
    return [key for _, key in sorted(found)]


def test_no_filter_lists_everything(signed_in, payments):
    assert listed(signed_in, payments, {}) == [
        "alice-care-mar15",
        "lucas-other-mar01",
        "paul-care-feb14",
        "alice-ij-feb01",
        "lucas-care-jan31",
        "alice-care-jan05",
    ]


def test_empty_fields_as_the_form_sends_them_filter_nothing(signed_in, payments):
    query = {**date_query("start", ("", "", "")), **date_query("end", ("", "", ""))}
    query |= {"beneficiary": "", "nature": ""}

    assert len(listed(signed_in, payments, query)) == 6


def test_from_a_date_included(signed_in, payments):
    assert listed(signed_in, payments, date_query("start", datetime.date(2026, 2, 14))) == [
        "alice-care-mar15",
        "lucas-other-mar01",
        "paul-care-feb14",
    ]


def test_until_a_date_included(signed_in, payments):
    assert listed(signed_in, payments, date_query("end", datetime.date(2026, 1, 31))) == [
        "lucas-care-jan31",
        "alice-care-jan05",
    ]


def test_between_two_dates(signed_in, payments):
    query = date_query("start", (1, 2, 2026)) | date_query("end", (28, 2, 2026))

    assert listed(signed_in, payments, query) == ["paul-care-feb14", "alice-ij-feb01"]


def test_a_single_day(signed_in, payments):
    query = date_query("start", (1, 3, 2026)) | date_query("end", (1, 3, 2026))

    assert listed(signed_in, payments, query) == ["lucas-other-mar01"]


def test_today_is_allowed(signed_in, payments):
    query = date_query("start", (15, 3, 2026)) | date_query("end", (15, 3, 2026))

    assert listed(signed_in, payments, query) == ["alice-care-mar15"]


def test_month_names_are_understood(signed_in, payments):
    assert listed(signed_in, payments, date_query("end", (5, "janvier", 2026))) == [
        "alice-care-jan05"
    ]


def test_the_member_themself(signed_in, payments):
    assert listed(signed_in, payments, {"beneficiary": "self"}) == [
        "alice-care-mar15",
        "alice-ij-feb01",
        "alice-care-jan05",
    ]


def test_one_beneficiary(signed_in, payments, lucas):
    assert listed(signed_in, payments, {"beneficiary": str(lucas.pk)}) == [
        "lucas-other-mar01",
        "lucas-care-jan31",
    ]


@pytest.mark.parametrize(
    ("nature", "expected"),
    [
        (
            Payment.CARE,
            ["alice-care-mar15", "paul-care-feb14", "lucas-care-jan31", "alice-care-jan05"],
        ),
        (Payment.DAILY_ALLOWANCE, ["alice-ij-feb01"]),
        (Payment.OTHER, ["lucas-other-mar01"]),
        (Payment.INVALIDITY, []),
        (Payment.ANNUITY, []),
    ],
)
def test_one_nature(signed_in, payments, nature, expected):
    assert listed(signed_in, payments, {"nature": nature}) == expected


def test_every_filter_together(signed_in, payments, lucas):
    query = date_query("start", (1, 1, 2026)) | date_query("end", (28, 2, 2026))
    query |= {"beneficiary": str(lucas.pk), "nature": Payment.CARE}

    assert listed(signed_in, payments, query) == ["lucas-care-jan31"]


def test_person_and_period(signed_in, payments):
    query = date_query("start", (1, 2, 2026)) | {"beneficiary": "self"}

    assert listed(signed_in, payments, query) == ["alice-care-mar15", "alice-ij-feb01"]


def test_nature_and_period(signed_in, payments):
    query = date_query("end", (14, 2, 2026)) | {"nature": Payment.CARE}

    assert listed(signed_in, payments, query) == [
        "paul-care-feb14",
        "lucas-care-jan31",
        "alice-care-jan05",
    ]


def test_the_list_says_which_filters_it_shows(signed_in, payments, lucas):
    query = date_query("start", (1, 1, 2026)) | {"beneficiary": str(lucas.pk), "nature": "care"}

    response = signed_in.get(URL, query)

    text = main_text(response)
    assert (
        "Paiements affichés : depuis le 1er janvier 2026, pour Lucas Martin, "
        "« Remboursement de soins »."
    ) in text
    assert "1 paiement correspond à vos filtres." in text
    page = response.content.decode()
    assert 'href="/mes-paiements/">Effacer les filtres</a>' in page
    change = re.search(r'<a class="govuk-link" href="([^"]*)">Modifier les filtres</a>', page)
    assert change.group(1) == (
        f"/mes-paiements/filtrer/?start_0=1&amp;start_1=1&amp;start_2=2026"
        f"&amp;beneficiary={lucas.pk}&amp;nature=care"
    )


@pytest.mark.parametrize(
    ("query", "described"),
    [
        (date_query("start", (1, 1, 2026)) | date_query("end", (31, 1, 2026)),
         "du 1er janvier 2026 au 31 janvier 2026"),
        (date_query("end", (31, 1, 2026)), "jusqu'au 31 janvier 2026"),
        ({"beneficiary": "self"}, "pour Alice (vous-même)"),
        ({"nature": "daily_allowance"}, "« Indemnités journalières »"),
    ],
)  # fmt: skip
def test_each_filter_in_words(signed_in, payments, query, described):
    assert f"Paiements affichés : {described}." in main_text(signed_in.get(URL, query))


def test_without_filters_the_list_offers_them(signed_in, payments):
    response = signed_in.get(URL)

    assert "Paiements affichés" not in main_text(response)
    assert '<a class="govuk-link" href="/mes-paiements/filtrer/">Filtrer les paiements</a>' in (
        response.content.decode()
    )


def test_the_filters_page_shows_the_filters_chosen(signed_in, payments, lucas):
    query = date_query("start", (1, 1, 2026)) | {"beneficiary": str(lucas.pk), "nature": "care"}

    response = signed_in.get(FILTERS_URL, query)

    page = response.content.decode()
    assert [input_value(page, f"start_{n}") for n in range(3)] == ["1", "1", "2026"]
    assert [input_value(page, f"end_{n}") for n in range(3)] == [None, None, None]
    assert f'<option value="{lucas.pk}" selected>Lucas Martin</option>' in page
    assert '<option value="care" selected>Remboursement de soins</option>' in page
    back = re.search(r'<a href="([^"]*)" class="govuk-back-link">', page).group(1)
    assert back.startswith("/mes-paiements/?start_0=1&amp;")
    assert error_summary(response) == []


def test_the_form_offers_the_member_and_each_beneficiary(signed_in, payments, lucas, paul):
    page = signed_in.get(FILTERS_URL).content.decode()

    assert '<option value="" selected>Toutes les personnes</option>' in page
    assert '<option value="self">Alice (vous-même)</option>' in page
    assert f'<option value="{lucas.pk}">Lucas Martin</option>' in page
    assert f'<option value="{paul.pk}">Paul Martin</option>' in page
    assert '<option value="" selected>Toutes les natures</option>' in page
    for value, label in Payment.NATURES:
        assert f'<option value="{value}">{escape(label)}</option>' in page


def test_the_form_is_a_get_form_sent_to_the_list(signed_in):
    page = signed_in.get(FILTERS_URL).content.decode()

    assert '<form method="get" action="/mes-paiements/" novalidate>' in page
    assert "csrfmiddlewaretoken" not in page[page.index('<form method="get"') :][:3000]


def test_nothing_matches(signed_in, payments):
    response = signed_in.get(URL, {"nature": Payment.ANNUITY})

    assert "Aucun paiement ne correspond à vos filtres." in main_text(response)
    assert list_rows(response) == []


# Wrong input: the messages, in the error summary and next to the field.

WRONG = [
    (date_query("start", (31, 2, 2026)), "start", "La date de début doit être une vraie date."),
    (date_query("end", (1, 13, 2026)), "end", "La date de fin doit être une vraie date."),
    (date_query("start", ("x", 2, 2026)), "start", "La date de début doit être une vraie date."),
    (date_query("start", ("²", 1, 2026)), "start", "La date de début doit être une vraie date."),
    (date_query("end", (1, "①", 2026)), "end", "La date de fin doit être une vraie date."),
    (date_query("end", (1, 1, "²⁰²⁶")), "end", "La date de fin doit être une vraie date."),
    (date_query("start", (1, "", 2026)), "start", "La date de début doit comporter un mois."),
    (
        date_query("end", ("", "", 2026)),
        "end",
        "La date de fin doit comporter un jour et un mois.",
    ),
    (date_query("start", (1, 2, 26)), "start", "L'année doit comporter 4 chiffres."),
    (date_query("start", (1, 2, 1850)), "start", "L'année doit être 1900 ou après."),
    (
        date_query("start", (16, 3, 2026)),
        "start",
        "La date de début doit être aujourd'hui ou avant : il n'y a pas encore de paiement "
        "dans le futur.",
    ),
    (
        date_query("end", (1, 1, 2030)),
        "end",
        "La date de fin doit être aujourd'hui ou avant : il n'y a pas encore de paiement "
        "dans le futur.",
    ),
    (
        date_query("start", (1, 3, 2026)) | date_query("end", (28, 2, 2026)),
        "end",
        "La date de fin doit être la même que la date de début ou après.",
    ),
    ({"beneficiary": "999999"}, "beneficiary", "Choisissez une personne dans la liste."),
    ({"beneficiary": "abc"}, "beneficiary", "Choisissez une personne dans la liste."),
    ({"beneficiary": "-1"}, "beneficiary", "Choisissez une personne dans la liste."),
    ({"nature": "holiday"}, "nature", "Choisissez une nature de paiement dans la liste."),
    ({"nature": "CARE"}, "nature", "Choisissez une nature de paiement dans la liste."),
]


@pytest.mark.parametrize(("query", "field", "message"), WRONG)
def test_wrong_input_is_explained(signed_in, payments, query, field, message):
    response = signed_in.get(URL, query)

    assert response.status_code == 200
    assert error_summary(response) == [message]
    assert field_errors(response) == {field: message}
    page = response.content.decode()
    anchor = f"id_{field}_0" if field in ("start", "end") else f"id_{field}"
    assert f'<a href="#{anchor}">' in page
    assert "<title>Erreur : Filtrer mes paiements – Caisse de démonstration</title>" in page
    assert list_rows(response) == []
    # The way back leaves the wrong filters out.
    assert '<a href="/mes-paiements/" class="govuk-back-link">' in page


def test_every_wrong_field_at_once(signed_in, payments):
    query = date_query("start", (30, 2, 2026)) | date_query("end", (1, 1, 2999))
    query |= {"beneficiary": "0", "nature": "x"}

    response = signed_in.get(URL, query)

    assert error_summary(response) == [
        "La date de début doit être une vraie date.",
        "La date de fin doit être aujourd'hui ou avant : il n'y a pas encore de paiement "
        "dans le futur.",
        "Choisissez une personne dans la liste.",
        "Choisissez une nature de paiement dans la liste.",
    ]


def test_the_wrong_date_part_is_highlighted(signed_in, payments):
    page = signed_in.get(URL, date_query("start", (31, 2, 2026))).content.decode()

    day = page[page.index('id="id_start_0"') - 200 : page.index('id="id_start_0"')]
    month = page[page.index('id="id_start_1"') - 200 : page.index('id="id_start_1"')]
    assert "govuk-input--error" in day and "govuk-input--error" not in month


def test_another_members_beneficiary_is_refused_like_an_unknown_one(signed_in, payments):
    stranger = MemberFactory(first_names="Zoé")
    theirs = Beneficiary.objects.create(
        member=stranger,
        rank=1,
        relationship=Beneficiary.CHILD,
        last_name="Inconnu",
        first_names="Zébulon",
        birth_date=datetime.date(2019, 5, 5),
    )
    pay(stranger, datetime.date(2026, 2, 2), beneficiary=theirs, amount="4321.00")

    response = signed_in.get(URL, {"beneficiary": str(theirs.pk)})

    assert response.status_code == 200
    assert error_summary(response) == ["Choisissez une personne dans la liste."]
    text = main_text(response)
    assert "Zébulon" not in text and "Inconnu" not in text and "4 321,00" not in text
    assert list_rows(response) == []
