"""« Mes attestations »: issuing, listing, downloading again, cancelling."""

import datetime

import pytest
from django.urls import reverse

from assure.accounts.models import User
from assure.attestations.models import Attestation, daily_allowance_details
from tests.attestations.conftest import add_rights, daily_allowance, pdf_text
from tests.conftest import text
from tests.members.factories import MemberFactory

INDEX = "/mes-attestations/"
RIGHTS = "/mes-attestations/attestation-de-droits/"
ALLOWANCES = "/mes-attestations/indemnites-journalieres/"


def dates(start, end):
    return {
        "start_0": start[0],
        "start_1": start[1],
        "start_2": start[2],
        "end_0": end[0],
        "end_1": end[1],
        "end_2": end[2],
    }


@pytest.fixture
def bernard(db):
    """Another member, with an attestation of his own."""
    member = MemberFactory(first_names="Bernard", last_name="Petit")
    add_rights(member, datetime.date(2001, 1, 1))
    return Attestation.objects.issue_rights(member)


def test_the_urls_and_the_menu(signed_in):
    assert reverse("attestations:index") == INDEX
    assert reverse("attestations:verify") == "/verifier-une-attestation/"

    page = text(signed_in.get(INDEX))

    assert page.count("<h1") == 1
    assert '<h1 class="govuk-heading-l">Mes attestations</h1>' in page
    assert f'href="{INDEX}" aria-current="page">Mes attestations</a>' in page
    assert "Vous n'avez encore demandé aucune attestation." in page


def test_the_pages_are_for_signed_in_members_only(client, db):
    for url in [INDEX, RIGHTS, ALLOWANCES, f"{INDEX}1/telecharger/", f"{INDEX}1/annuler/"]:
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/connexion/")
    agent = User.objects.create(username="agent")
    client.force_login(agent)
    assert client.get(INDEX).status_code == 404


def test_one_click_from_home_gives_the_attestation_de_droits(signed_in, family, alice_account):
    home = text(signed_in.get("/accueil/"))
    assert f'<form method="post" action="{RIGHTS}" novalidate>' in home
    assert "Télécharger mon attestation de droits</button>" in home

    response = signed_in.post(RIGHTS)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    attestation = Attestation.objects.get()
    assert response["Content-Disposition"] == (
        f'attachment; filename="attestation-de-droits-2026-03-15-{attestation.code[:5]}.pdf"'
    )
    assert attestation.member == family and attestation.requested_by == alice_account
    assert attestation.kind == Attestation.RIGHTS
    content, reader = pdf_text(response.content)
    assert len(reader.pages) == 1 and attestation.display_code in content


def test_a_get_does_not_issue_anything(signed_in, family):
    response = signed_in.get(RIGHTS)

    assert response.status_code == 302 and response["Location"] == INDEX
    assert not Attestation.objects.exists()


def test_without_current_rights_the_member_is_told_why_not_given_a_pdf(signed_in, alice):
    add_rights(alice, datetime.date(2015, 1, 1), datetime.date(2025, 12, 31))

    response = signed_in.post(RIGHTS)

    page = text(response)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert "Nous ne pouvons pas vous délivrer d'attestation de droits aujourd'hui" in page
    assert "vous n'avez pas de droits ouverts aujourd'hui" in page
    assert "01 23 45 67 89" in page
    assert not Attestation.objects.exists()


def test_the_list_shows_the_members_attestations_only(
    signed_in, family, allowances, bernard, django_assert_num_queries
):
    rights = Attestation.objects.issue_rights(family)
    details = daily_allowance_details(family, datetime.date(2026, 1, 1), datetime.date(2026, 1, 31))
    ij = Attestation.objects.issue(details, family)
    rights.revoke("annulée à la demande de l'assuré(e)")

    page = text(signed_in.get(INDEX))

    assert ij.display_code in page and rights.display_code in page
    assert bernard.display_code not in page
    assert "du 1er janvier 2026 au 31 janvier 2026" in page
    assert page.count("Valable</strong>") == 1 and page.count("Annulée</strong>") == 1
    assert page.index(ij.display_code) < page.index(rights.display_code)  # newest first
    assert f'href="{INDEX}{ij.pk}/telecharger/"' in page
    assert f'href="{INDEX}{rights.pk}/telecharger/"' not in page


@pytest.mark.parametrize("count", [1, 45])
def test_the_list_costs_the_same_queries_whatever_its_length(
    signed_in, family, count, django_assert_num_queries
):
    for _ in range(count):
        Attestation.objects.issue_rights(family)

    # Session, the user with their member; the count and the page of attestations; the
    # session's last activity (savepoint, update, release).
    with django_assert_num_queries(7):
        response = signed_in.get(INDEX)

    assert response.status_code == 200
    page = text(response)
    assert page.count("Valable</strong>") == min(count, 20)
    assert ("Page suivante" in page) == (count > 20)


def test_a_past_attestation_downloads_again_with_the_same_code(signed_in, family):
    attestation = Attestation.objects.issue_rights(family)

    response = signed_in.get(f"{INDEX}{attestation.pk}/telecharger/")

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    content, _ = pdf_text(response.content)
    assert attestation.display_code in content
    assert Attestation.objects.count() == 1


def test_another_members_attestation_is_a_404(signed_in, family, bernard):
    assert signed_in.get(f"{INDEX}{bernard.pk}/telecharger/").status_code == 404
    assert signed_in.get(f"{INDEX}{bernard.pk}/annuler/").status_code == 404
    assert signed_in.post(f"{INDEX}{bernard.pk}/annuler/").status_code == 404
    assert signed_in.get(f"{INDEX}999999/telecharger/").status_code == 404
    bernard.refresh_from_db()
    assert not bernard.revoked


def test_a_record_altered_in_the_database_is_not_downloaded(signed_in, family):
    attestation = Attestation.objects.issue_rights(family)
    Attestation.objects.filter(pk=attestation.pk).update(
        details=attestation.details.replace("Alice Marie", "Alicia")
    )

    assert signed_in.get(f"{INDEX}{attestation.pk}/telecharger/").status_code == 404


def test_the_member_cancels_an_attestation(signed_in, family):
    attestation = Attestation.objects.issue_rights(family)
    url = f"{INDEX}{attestation.pk}/annuler/"

    page = text(signed_in.get(url))
    assert "Annuler cette attestation ?" in page and attestation.display_code in page
    response = signed_in.post(url)

    assert response.status_code == 302 and response["Location"] == INDEX
    attestation.refresh_from_db()
    assert attestation.revoked
    assert attestation.revocation_reason == "annulée à la demande de l'assuré(e)"
    page = text(signed_in.get(INDEX))
    assert f"L'attestation {attestation.display_code} est annulée" in page
    gone = signed_in.get(f"{INDEX}{attestation.pk}/telecharger/")
    assert gone.status_code == 410
    assert "Cette attestation a été annulée" in text(gone)
    assert signed_in.get(url).status_code == 302  # nothing more to cancel


# Attestation of daily allowances


def test_the_daily_allowances_form(signed_in):
    page = text(signed_in.get(ALLOWANCES))

    assert (
        '<h1 class="govuk-heading-l">Attestation de paiement des indemnités journalières</h1>'
        in page
    )
    for legend in ["Du", "Au"]:
        assert (
            f'<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">{legend}</legend>'
            in page
        )
    for name in ["start_0", "start_1", "start_2", "end_0", "end_1", "end_2"]:
        assert f'name="{name}"' in page


def test_a_period_with_daily_allowances_gives_the_pdf(signed_in, alice, allowances):
    response = signed_in.post(ALLOWANCES, dates(("15", "1", "2026"), ("10", "février", "2026")))

    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    attestation = Attestation.objects.get()
    assert attestation.kind == Attestation.DAILY_ALLOWANCES
    assert attestation.period_start == datetime.date(2026, 1, 15)
    assert attestation.period_end == datetime.date(2026, 2, 10)
    content, _ = pdf_text(response.content)
    assert "2\u00a0319,35\u00a0€" in content or "2 319,35 €" in content


@pytest.mark.parametrize(
    "start, end, field, message",
    [
        (("", "", ""), ("", "", ""), "start", "Saisissez la date de début."),
        (("1", "1", "2026"), ("", "", ""), "end", "Saisissez la date de fin."),
        (
            ("31", "2", "2026"),
            ("1", "3", "2026"),
            "start",
            "La date de début doit être une vraie date.",
        ),
        (
            ("1", "1", "2026"),
            ("1", "13", "2026"),
            "end",
            "La date de fin doit être une vraie date.",
        ),
        (("1", "1", "26"), ("1", "3", "2026"), "start", "L'année doit comporter 4 chiffres."),
        (
            ("1", "1", "2026"),
            ("16", "3", "2026"),
            "end",
            "La date de fin ne peut pas être dans le futur : indiquez au plus tard la date "
            "d'aujourd'hui.",
        ),
        (
            ("1", "4", "2026"),
            ("1", "5", "2026"),
            "start",
            "La date de début ne peut pas être dans le futur : indiquez une date passée.",
        ),
        (
            ("1", "3", "2026"),
            ("28", "2", "2026"),
            "end",
            "La date de fin doit être le même jour que la date de début, ou après.",
        ),
        (
            ("1", "1", "2023"),
            ("1", "1", "2026"),
            "end",
            "La période ne peut pas dépasser 3 ans : choisissez une date de fin au plus tard le "
            "31 décembre 2025, puis demandez une autre attestation pour la suite.",
        ),
    ],
)
def test_wrong_periods_are_explained(signed_in, allowances, start, end, field, message):
    response = signed_in.post(ALLOWANCES, dates(start, end))

    page = text(response)
    assert response.status_code == 200 and response["Content-Type"].startswith("text/html")
    assert '<div class="govuk-error-summary"' in page
    assert f'<a href="#id_{field}_0">{message}</a>' in page  # the summary
    assert f'<span class="govuk-visually-hidden">Erreur :</span> {message}' in page  # the field
    assert "<title>Erreur : " in page
    assert not Attestation.objects.exists()


def test_three_years_exactly_is_allowed(signed_in, alice):
    daily_allowance(
        alice,
        datetime.date(2023, 6, 1),
        datetime.date(2023, 6, 30),
        "900",
        datetime.date(2023, 7, 3),
    )

    response = signed_in.post(ALLOWANCES, dates(("1", "1", "2023"), ("31", "12", "2025")))

    assert response["Content-Type"] == "application/pdf"


def test_a_period_without_daily_allowances_is_told_so(signed_in, alice, allowances):
    response = signed_in.post(ALLOWANCES, dates(("1", "3", "2026"), ("15", "3", "2026")))

    page = text(response)
    assert response["Content-Type"].startswith("text/html")
    message = (
        "Aucune indemnité journalière n'a été versée entre le 1er mars 2026 et le 15 mars 2026. "
        "Vérifiez les dates de votre arrêt de travail."
    )
    assert f'<a href="#id_start_0">{message}</a>' in page
    assert f'<span class="govuk-visually-hidden">Erreur :</span> {message}' in page
    assert not Attestation.objects.exists()


def test_only_the_members_own_daily_allowances_count(signed_in, alice, bernard):
    daily_allowance(
        bernard.member,
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 31),
        "900",
        datetime.date(2026, 2, 3),
    )

    response = signed_in.post(ALLOWANCES, dates(("1", "1", "2026"), ("31", "1", "2026")))

    assert "Aucune indemnité journalière n'a été versée" in text(response)


def test_overlapping_lines_are_listed_whole(alice, allowances):
    """A line counts when its period meets the one asked for, even by one day."""
    last_day = daily_allowance_details(
        alice, datetime.date(2026, 1, 31), datetime.date(2026, 1, 31)
    )
    both = daily_allowance_details(alice, datetime.date(2025, 12, 1), datetime.date(2026, 3, 15))
    one_act = daily_allowance(
        alice, datetime.date(2026, 3, 2), None, "42.17", datetime.date(2026, 3, 9)
    )
    single = daily_allowance_details(alice, datetime.date(2026, 3, 2), datetime.date(2026, 3, 2))

    assert [(line["start"], line["end"], line["days"]) for line in last_day["lines"]] == [
        ("2026-01-05", "2026-01-31", 27)
    ]
    assert both["days"] == 55 and both["total"] == "2319.35"
    assert [line["reference"] for line in single["lines"]] == [one_act.reference]
    assert single["days"] == 1


def test_a_long_list_has_the_shared_gov_uk_pagination(signed_in, family, alice):
    for _ in range(21):
        Attestation.objects.issue_rights(alice)

    first = signed_in.get(INDEX).content.decode()
    second = signed_in.get(INDEX, {"page": 2}).content.decode()

    assert '<nav class="govuk-pagination" aria-label="Pages de mes attestations">' in first
    assert f'href="{INDEX}?page=2" rel="next"' in first and 'rel="prev"' not in first
    assert f'href="{INDEX}?page=2" aria-label="Page 2" aria-current="page">2</a>' in second
    assert f'href="{INDEX}" rel="prev"' in second and 'rel="next"' not in second
