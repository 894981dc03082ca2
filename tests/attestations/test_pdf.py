"""The documents: what they say, on how many pages, and the QR code they carry."""

import datetime
import re

import segno
from pypdf.generic import ContentStream

from assure.attestations.models import Attestation, daily_allowance_details
from assure.lib.nir import format_nir
from tests.attestations.conftest import add_child, add_rights, daily_allowance, pdf_text


def plain(text):
    return " ".join(text.replace("\u00a0", " ").split())


def qr_modules(reader):
    """The dark modules of the QR code drawn on page 1: {(row, column)}, and
    the symbol's size, read back from the PDF's drawing operators."""
    page = reader.pages[0]
    operations = ContentStream(page.get_contents(), reader).operations
    runs = [[float(v) for v in operands] for operands, op in operations if op == b"re"]
    # The QR code's rectangles are in module units: integers, one module high.
    runs = [r for r in runs if r[3] == 1 and all(v == int(v) for v in r)]
    width = int(max(x + w for x, _, w, _ in runs)) + 4  # the quiet zone on the right
    size = width - 8
    dark = set()
    for x, y, w, _ in runs:
        row = width - 5 - int(y)
        for column in range(int(x) - 4, int(x + w) - 4):
            dark.add((row, column))
    return dark, size


def test_the_attestation_de_droits_says_who_is_covered_and_how_to_check_it(family):
    attestation = Attestation.objects.issue_rights(family)

    text, reader = pdf_text(attestation.pdf())

    assert len(reader.pages) == 1
    assert reader.metadata.title == "Attestation de droits"
    page = plain(text)
    for expected in [
        "Caisse de démonstration",
        "1 rue de l'Exemple",
        "75000 Paris",
        "Attestation de droits à l'assurance maladie",
        "Délivrée le 15 mars 2026",
        "Nom Martin",
        "Nom de naissance Lefèvre",
        "Prénoms Alice Marie",
        "Date de naissance 3 décembre 1984",
        f"N° de sécurité sociale {format_nir(family.nir)}",
        "Caisse d'affiliation Caisse de démonstration de Rouen",
        "Médecin traitant Dr Jeanne Roux",
        "Régime général Caisse de démonstration de Rouen depuis le 1er janvier 2020, sans "
        "date de fin",
        "Lucas Martin 1er avril 2012 enfant",
        "du 1er avril 2012 au 1er avril 2032",
        "complémentaire santé solidaire du 1er janvier 2026 au 31 décembre 2026",
        "Code de vérification",
        attestation.display_code,
        "http://127.0.0.1:8000/verifier-une-attestation/",
    ]:
        assert expected in page, expected
    # Past rights and a beneficiary whose rights ended are not certified.
    assert "Étudiant" not in page and "Paul" not in page


def test_its_qr_code_opens_the_verification_page_with_the_signed_token(family):
    attestation = Attestation.objects.issue_rights(family)
    url = attestation.verification_url

    _, reader = pdf_text(attestation.pdf())
    dark, size = qr_modules(reader)

    assert url == f"http://127.0.0.1:8000/verifier-une-attestation/?jeton={attestation.token}"
    symbol = segno.make(url, error="m", micro=False, boost_error=False)
    assert size == len(symbol.matrix)
    expected = {(r, c) for r, row in enumerate(symbol.matrix) for c, bit in enumerate(row) if bit}
    assert dark == expected


def test_a_large_family_still_fits_on_one_page(family):
    for rank in range(3, 33):
        child = add_child(
            family, rank, f"Enfant{rank} Marie Louise", datetime.date(2010, 1, rank % 28 + 1)
        )
        add_rights(family, datetime.date(2026, 1, 1), beneficiary=child, regime="Régime agricole")
    attestation = Attestation.objects.issue_rights(family)

    text, reader = pdf_text(attestation.pdf())

    assert len(reader.pages) == 1
    page = plain(text)
    for rank in range(3, 33):
        assert f"Enfant{rank} Marie Louise Martin" in page
    assert attestation.display_code in page and "Vérifier cette attestation" in page


def test_an_attestation_downloaded_again_is_the_same_document(family):
    attestation = Attestation.objects.issue_rights(family)
    first, _ = pdf_text(attestation.pdf())
    family.last_name = "Durand"
    family.save()

    again, _ = pdf_text(Attestation.objects.get(pk=attestation.pk).pdf())

    assert again == first
    assert "Durand" not in again


def test_the_daily_allowances_attestation_lists_the_payments_and_their_total(alice, allowances):
    details = daily_allowance_details(alice, datetime.date(2026, 1, 15), datetime.date(2026, 2, 10))
    attestation = Attestation.objects.issue(details, alice)

    text, reader = pdf_text(attestation.pdf())

    page = plain(text)
    assert len(reader.pages) == 1
    for expected in [
        "Attestation de paiement des indemnités journalières",
        "Indemnités journalières versées du 15 janvier 2026 au 10 février 2026",
        "du 5 janvier 2026 au 31 janvier 2026 27 1 138,59 € 3 février 2026",
        "du 1er février 2026 au 28 février 2026 28 1 180,76 € 3 mars 2026",
        "Total 55 2 319,35 €",
        f"N° de sécurité sociale {format_nir(alice.nir)}",
        attestation.display_code,
    ]:
        assert expected in page, expected
    assert "Consultation" not in page


def test_a_long_list_of_payments_flows_onto_more_pages_each_with_the_code(alice):
    start = datetime.date(2023, 4, 1)
    for week in range(150):
        first = start + datetime.timedelta(weeks=week)
        daily_allowance(
            alice,
            first,
            first + datetime.timedelta(days=6),
            "301.07",
            first + datetime.timedelta(days=10),
        )
    details = daily_allowance_details(alice, start, datetime.date(2026, 3, 15))
    attestation = Attestation.objects.issue(details, alice)

    _, reader = pdf_text(attestation.pdf())

    pages = [plain(page.extract_text()) for page in reader.pages]
    assert len(pages) > 2
    for number, page in enumerate(pages, start=1):
        assert f"page {number}" in page
        assert f"Code de vérification : {attestation.display_code}" in page
        if number > 1:
            assert "indemnités journalières · Alice Marie Martin (suite)" in page
    assert re.search(r"Total 1 ?050 45 ?160,50 €", pages[-1])


def test_a_demo_attestation_says_it_is_fictitious(family, settings):
    settings.ASSURE_DEMO = True

    text, _ = pdf_text(Attestation.objects.issue_rights(family).pdf())

    assert "DÉMONSTRATION — DOCUMENT FICTIF, SANS VALEUR" in text
