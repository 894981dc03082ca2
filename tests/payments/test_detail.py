"""One payment in detail: what was paid, for whom, and each act or period."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from assure.payments.models import Payment
from tests.members.factories import MemberFactory
from tests.payments.conftest import main_text, pay
from tests.payments.factories import PaymentFactory, PaymentLineFactory


@pytest.fixture
def care(alice, lucas):
    """A payment of two acts for Lucas: 21,00 − 2,00 and 52,50 − 1,00 − 0,50."""
    payment = PaymentFactory(
        member=alice,
        beneficiary=lucas,
        reference="PAI2026A0042",
        paid_on=datetime.date(2026, 2, 3),
        amount=Decimal("70.00"),
    )
    PaymentLineFactory(payment=payment, position=1, care_date=datetime.date(2026, 1, 27))
    PaymentLineFactory(
        payment=payment,
        position=2,
        care_date=datetime.date(2026, 1, 29),
        act="Radiographie du thorax",
        professional="Cabinet de radiologie du Mont-Riboudet",
        charged=Decimal("80.00"),
        base=Decimal("75.00"),
        rate=70,
        reimbursed=Decimal("52.50"),
        flat_fee=Decimal("1.00"),
        franchise=Decimal("0.50"),
    )
    return payment


def url(payment, query=""):
    return reverse("payments:detail", args=[payment.pk]) + query


def test_the_page_has_its_url_name(care):
    assert url(care) == f"/mes-paiements/{care.pk}/"


def test_it_gives_the_payment_and_each_line(signed_in, care):
    response = signed_in.get(url(care))

    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert '<h1 class="govuk-heading-l">Paiement du 3 février 2026</h1>' in page
    text = main_text(response)
    assert (
        "Montant versé 70,00 € Date du paiement 3 février 2026 Nature Remboursement de soins "
        "Pour Lucas Martin Référence PAI2026A0042"
    ) in text
    assert (
        "Consultation médecin généraliste Date des soins 27 janvier 2026 "
        "Professionnel de santé Dr Jeanne Roux Montant payé 30,00 € "
        "Base de remboursement 30,00 € Taux de remboursement 70 % Montant remboursé 21,00 € "
        "Participation forfaitaire déduite 2,00 € Franchise déduite 0,00 € "
        "Versé pour cette ligne 19,00 €"
    ) in text
    assert (
        "Radiographie du thorax Date des soins 29 janvier 2026 "
        "Professionnel de santé Cabinet de radiologie du Mont-Riboudet Montant payé 80,00 € "
        "Base de remboursement 75,00 € Taux de remboursement 70 % Montant remboursé 52,50 € "
        "Participation forfaitaire déduite 1,00 € Franchise déduite 0,50 € "
        "Versé pour cette ligne 51,00 €"
    ) in text
    assert text.index("Consultation médecin") < text.index("Radiographie")
    assert (
        "Les totaux Total payé 110,00 € Total remboursé 73,50 € "
        "Participations forfaitaires déduites 3,00 € Franchises déduites 0,50 € "
        "Montant versé 70,00 €"
    ) in text


def test_a_period_is_written_from_and_to(signed_in, alice):
    payment = PaymentFactory(member=alice, nature=Payment.DAILY_ALLOWANCE, amount=Decimal("843.60"))
    PaymentLineFactory(
        payment=payment,
        care_date=datetime.date(2026, 2, 1),
        end_date=datetime.date(2026, 2, 28),
        act="Indemnités journalières maladie",
        professional="",
        charged=Decimal("0"),
        base=Decimal("30.13"),
        rate=100,
        reimbursed=Decimal("843.60"),
        flat_fee=Decimal("0"),
    )

    text = main_text(signed_in.get(url(payment)))

    assert "Période Du 1er février 2026 au 28 février 2026" in text
    assert "Professionnel de santé" not in text
    assert "Pour Alice (vous-même)" in text
    assert "Les totaux" not in text  # a single line is its own total


def test_another_members_payment_is_a_404(signed_in):
    theirs = pay(MemberFactory(), datetime.date(2026, 2, 3))

    assert signed_in.get(url(theirs)).status_code == 404


def test_an_unknown_payment_is_a_404(signed_in, care):
    assert signed_in.get(f"/mes-paiements/{care.pk + 1000}/").status_code == 404


def test_the_back_link_keeps_the_filters_of_the_list(signed_in, care):
    query = "?start_0=&start_1=&start_2=&nature=care&beneficiary=self&page=2"

    page = signed_in.get(url(care, query)).content.decode()

    assert (
        '<a href="/mes-paiements/?nature=care&amp;beneficiary=self&amp;page=2" '
        'class="govuk-back-link">Retour à mes paiements</a>'
    ) in page


def test_without_filters_the_back_link_is_the_list(signed_in, care):
    page = signed_in.get(url(care)).content.decode()

    assert '<a href="/mes-paiements/" class="govuk-back-link">' in page


def test_the_list_passes_its_filters_to_the_detail(signed_in, care):
    page = signed_in.get("/mes-paiements/", {"nature": "care", "end_0": ""}).content.decode()

    assert f'href="/mes-paiements/{care.pk}/?nature=care">3 février 2026' in page


def test_a_past_months_payment_leads_to_its_statement(signed_in, care):
    page = signed_in.get(url(care)).content.decode()

    assert 'href="/mes-paiements/releves/2026-02/">relevé de février 2026 (PDF)</a>' in page


def test_this_months_payment_has_no_statement_yet(signed_in, alice):
    payment = pay(alice, datetime.date(2026, 3, 2))

    assert "/mes-paiements/releves/" not in signed_in.get(url(payment)).content.decode()


def test_a_payment_without_lines_says_so(signed_in, alice):
    payment = PaymentFactory(member=alice, amount=Decimal("12.00"))

    text = main_text(signed_in.get(url(payment)))

    assert "Le détail de ce paiement n'est pas disponible." in text


@pytest.mark.parametrize("size", [1, 30])
def test_the_page_count_is_fixed_whatever_the_number_of_lines(
    signed_in, alice, size, django_assert_num_queries
):
    payment = PaymentFactory(member=alice, amount=Decimal("0"))
    for position in range(1, size + 1):
        PaymentLineFactory(payment=payment, position=position)
    signed_in.get(url(payment))  # the first request after signing in saves the session

    # Session, the user with their member, the payment with its beneficiary, its lines.
    with django_assert_num_queries(4):
        response = signed_in.get(url(payment))

    assert main_text(response).count("Consultation médecin généraliste") == size


def test_a_huge_id_is_a_404_too(signed_in):
    assert signed_in.get("/mes-paiements/99999999999999999999999/").status_code == 404
