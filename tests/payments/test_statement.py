"""The monthly statement as PDF: a past month with payments, the member's only."""

import datetime
import io
from decimal import Decimal

import pypdf
import pytest
from django.urls import reverse

from assure.members.models import Member
from assure.payments.models import Payment
from tests.members.factories import MemberFactory
from tests.payments.conftest import pay
from tests.payments.factories import PaymentFactory, PaymentLineFactory

FEBRUARY = "/mes-paiements/releves/2026-02/"


def pdf_text(response):
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    pages = [page.extract_text().replace("\xa0", " ") for page in reader.pages]
    return reader, pages, "\n".join(pages)


@pytest.fixture
def february(alice, lucas):
    """Two payments in February 2026; others before and after."""
    first = pay(alice, datetime.date(2026, 2, 3), amount="19.00", reference="FEV0001")
    second = PaymentFactory(
        member=alice,
        beneficiary=lucas,
        reference="FEV0002",
        paid_on=datetime.date(2026, 2, 27),
        nature=Payment.CARE,
        amount=Decimal("1215.50"),
    )
    PaymentLineFactory(payment=second, position=1, care_date=datetime.date(2026, 2, 20))
    PaymentLineFactory(
        payment=second,
        position=2,
        care_date=datetime.date(2026, 2, 21),
        end_date=datetime.date(2026, 2, 24),
        act="Hospitalisation",
        professional="Centre hospitalier de Rouen",
        charged=Decimal("1500.00"),
        base=Decimal("1500.00"),
        rate=80,
        reimbursed=Decimal("1200.00"),
        flat_fee=Decimal("0"),
        franchise=Decimal("4.50"),
    )
    pay(alice, datetime.date(2026, 1, 31), reference="JAN0001")
    pay(alice, datetime.date(2026, 3, 1), reference="MAR0001")
    return [first, second]


def test_the_url_name_takes_a_year_and_a_month():
    assert reverse("payments:statement", args=[2026, 2]) == FEBRUARY
    assert reverse("payments:statement", kwargs={"year": 2025, "month": 11}) == (
        "/mes-paiements/releves/2025-11/"
    )


def test_it_is_a_pdf_to_download(signed_in, february):
    response = signed_in.get(FEBRUARY)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="releve-2026-02.pdf"'
    assert response["Cache-Control"] == "no-store"
    assert response.content.startswith(b"%PDF-")


def test_it_names_the_fund_the_member_and_the_month(signed_in, alice, february):
    reader, pages, text = pdf_text(signed_in.get(FEBRUARY))

    assert "Caisse de démonstration" in text
    assert "1 rue de l'Exemple" in text and "75000 Paris" in text
    assert "Téléphone : 01 23 45 67 89" in text
    assert "Alice Marie Martin" in text
    assert f"N° de sécurité sociale : {alice.formatted_nir}" in text
    assert "Relevé mensuel de vos paiements" in text and "Février 2026" in text
    assert "Édité le 15 mars 2026" in text
    assert reader.metadata.title == "Relevé de vos paiements — février 2026"
    assert reader.metadata.author == "Caisse de démonstration"


def test_it_lists_the_months_payments_with_their_lines_and_total(signed_in, february):
    _, _, text = pdf_text(signed_in.get(FEBRUARY))
    flat = " ".join(text.split())

    assert "Paiement du 3 février 2026 · Remboursement de soins" in flat
    assert "Référence : FEV0001 · Pour : Alice (vous-même)" in flat
    assert "Montant versé sur votre compte : 19,00 €" in flat
    assert "Paiement du 27 février 2026 · Remboursement de soins" in flat
    assert "Référence : FEV0002 · Pour : Lucas Martin" in flat
    assert "Montant versé sur votre compte : 1 215,50 €" in flat
    assert flat.index("FEV0001") < flat.index("FEV0002")  # oldest first
    assert "Consultation médecin généraliste" in flat and "Dr Jeanne Roux" in flat
    assert "Hospitalisation" in flat and "Centre hospitalier de Rouen" in flat
    assert "du 21 février 2026 au 24 février 2026" in flat
    for figure in ("1 500,00 €", "1 200,00 €", "80 %", "4,50 €"):
        assert figure in flat
    # The two-line payment's totals: charged 1 530,00, reimbursed 1 221,00.
    assert "1 530,00 €" in flat and "1 221,00 €" in flat
    assert "Total versé en février 2026 : 1 234,50 €" in flat
    assert "2 paiements ce mois-ci." in flat
    assert "JAN0001" not in flat and "MAR0001" not in flat


def test_another_members_payments_never_appear(signed_in, february):
    other = MemberFactory(first_names="Zoé", last_name="Étrangère")
    pay(other, datetime.date(2026, 2, 10), amount="555.55", reference="AUTRE0001")

    _, _, text = pdf_text(signed_in.get(FEBRUARY))

    assert "AUTRE0001" not in text and "555,55" not in text and "Étrangère" not in text


def test_the_fonts_are_embedded(signed_in, february):
    reader, _, _ = pdf_text(signed_in.get(FEBRUARY))

    fonts = [
        font.get_object() for page in reader.pages for font in page["/Resources"]["/Font"].values()
    ]
    assert all("/FontDescriptor" in font for font in fonts), "a font is not embedded"
    descriptors = [font["/FontDescriptor"] for font in fonts]
    assert all("/FontFile2" in descriptor for descriptor in descriptors)
    assert any("DejaVuSans" in str(descriptor["/FontName"]) for descriptor in descriptors)


def test_a_long_month_goes_on_several_numbered_pages(signed_in, alice):
    for day in range(1, 29):
        pay(alice, datetime.date(2026, 2, day), amount="10.00", reference=f"LONG{day:04d}")
    long_one = PaymentFactory(
        member=alice, paid_on=datetime.date(2026, 2, 28), amount=Decimal("0"), reference="LONG9999"
    )
    for position in range(1, 81):  # longer than a page: it flows on
        PaymentLineFactory(payment=long_one, position=position, act=f"Acte numéro {position}")

    _, pages, text = pdf_text(signed_in.get(FEBRUARY))

    count = len(pages)
    assert count >= 4
    for number, page in enumerate(pages, start=1):
        assert f"page {number} sur {count}" in page
        assert "Relevé de février 2026 · Alice Marie Martin" in page
    for day in range(1, 29):
        assert f"LONG{day:04d}" in text
    assert "Acte numéro 1\n" in text and "Acte numéro 80" in text
    assert "Total versé en février 2026 : 280,00 €" in " ".join(pages[-1].split())


@pytest.mark.parametrize(
    "path",
    [
        "/mes-paiements/releves/2025-12/",  # no payment that month
        "/mes-paiements/releves/2026-03/",  # the current month
        "/mes-paiements/releves/2026-04/",  # a future month
        "/mes-paiements/releves/2027-02/",
        "/mes-paiements/releves/2026-13/",
        "/mes-paiements/releves/2026-00/",
        "/mes-paiements/releves/0000-02/",
        "/mes-paiements/releves/2026-2/",
        "/mes-paiements/releves/26-02/",
        "/mes-paiements/releves/2026-002/",
    ],
)
def test_no_statement_is_a_404(signed_in, february, path):
    assert signed_in.get(path).status_code == 404


def test_the_current_month_is_a_404_even_with_payments(signed_in, alice, february):
    assert alice.payments.filter(paid_on__month=3).exists()

    assert signed_in.get("/mes-paiements/releves/2026-03/").status_code == 404


def test_a_month_when_only_another_member_was_paid_is_a_404(signed_in, alice):
    pay(MemberFactory(), datetime.date(2026, 1, 10))

    assert signed_in.get("/mes-paiements/releves/2026-01/").status_code == 404


def test_it_needs_a_signed_in_member(client, february):
    response = client.get(FEBRUARY)

    assert response.status_code == 302
    assert response["Location"].startswith("/connexion/")


def test_the_page_count_is_fixed(signed_in, alice, february, django_assert_num_queries):
    signed_in.get(FEBRUARY)  # the first request after signing in saves the session
    # Session, the user with their member, the month's payments with their
    # beneficiaries, their lines.
    with django_assert_num_queries(4):
        signed_in.get(FEBRUARY)
    for day in range(1, 20):
        pay(alice, datetime.date(2026, 2, day))
    with django_assert_num_queries(4):
        assert signed_in.get(FEBRUARY).status_code == 200
    assert Member.objects.count() == 1
