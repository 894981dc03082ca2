"""The attestation's journey in a real Chromium: issued in one click by the
member, then checked by someone else, signed out, by its code and its QR code."""

import datetime
import re

import pytest
import segno
from django.test import override_settings
from playwright.sync_api import expect
from pypdf import PdfReader

from assure.attestations import signing
from tests.attestations.conftest import daily_allowance
from tests.attestations.test_pdf import qr_modules
from tests.browser import assert_accessible, assert_no_horizontal_scroll, sign_in_as

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"Code de vérification\s*:?\s*([3-9A-Z]{5}-[3-9A-Z]{5}-[3-9A-Z]{5})")


def check(page, width):
    assert_accessible(page)
    if width == 320:
        assert_no_horizontal_scroll(page)


def other_character(code, index):
    """The code with one character changed: a typo."""
    replacement = next(ch for ch in signing.CODE_ALPHABET if ch != code[index])
    return code[:index] + replacement + code[index + 1 :]


@pytest.mark.parametrize("width", [320, 1280])
def test_an_attestation_de_droits_is_issued_in_one_click_and_verified_signed_out(
    browser_page, live_server, family, alice_account, width, tmp_path
):
    with override_settings(ASSURE_PUBLIC_URL=live_server.url):
        member_page = browser_page(width=width)
        sign_in_as(member_page, alice_account, live_server)
        member_page.goto(f"{live_server.url}/accueil/")
        check(member_page, width)

        with member_page.expect_download() as download_info:
            member_page.get_by_role("button", name="Télécharger mon attestation de droits").click()
        download = download_info.value
        assert re.fullmatch(
            r"attestation-de-droits-\d{4}-\d\d-\d\d-[3-9A-Z]{5}\.pdf", download.suggested_filename
        )
        path = tmp_path / download.suggested_filename
        download.save_as(path)
        reader = PdfReader(path)
        assert len(reader.pages) == 1
        content = reader.pages[0].extract_text()
        assert "Alice Marie" in content and family.formatted_nir in content
        printed_code = CODE.search(content).group(1)
        # The QR code drawn in the PDF opens the verification page with the token.
        attestation = family.attestations.get()
        qr_url = attestation.verification_url
        assert qr_url.startswith(f"{live_server.url}/verifier-une-attestation/?jeton=")
        dark, _ = qr_modules(reader)
        symbol = segno.make(qr_url, error="m", micro=False, boost_error=False).matrix
        assert dark == {(r, c) for r, row in enumerate(symbol) for c, bit in enumerate(row) if bit}

        # The member's list shows it.
        member_page.locator("summary", has_text="Menu").click()
        member_page.get_by_role("navigation", name="Menu principal").get_by_role(
            "link", name="Mes attestations"
        ).click()
        expect(member_page.get_by_role("heading", level=1)).to_have_text(
            "Mes attestations", use_inner_text=True
        )
        issued = member_page.get_by_role("region", name=re.compile("Vos attestations"))
        expect(issued).to_contain_text(printed_code, use_inner_text=True)
        check(member_page, width)

        # Someone else, signed out, checks it by its code, typed loosely.
        page = browser_page(width=width)
        page.goto(live_server.url)
        page.get_by_role("link", name="Vérifier une attestation").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Vérifier une attestation", use_inner_text=True
        )
        check(page, width)
        page.get_by_label("Code de vérification").fill(printed_code.lower().replace("-", " "))
        page.get_by_role("button", name="Vérifier").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Attestation authentique", use_inner_text=True
        )
        main = page.locator("main").inner_text()
        assert "Alice M•••••" in main and "Lucas M•••••" in main
        nir = family.formatted_nir.split(" ")
        assert f"{nir[0]} {nir[1]} {nir[2]} •• ••• ••• {nir[6]}" in main
        assert "Martin" not in main and family.formatted_nir not in main
        check(page, width)

        # One character changed: not authentic (and probably a typo, the page says).
        typo = other_character(printed_code, 7)
        page.get_by_label("Code de vérification").fill(typo)
        page.get_by_role("button", name="Vérifier").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Vérifier une attestation", use_inner_text=True
        )
        summary = page.locator(".govuk-error-summary").inner_text()
        assert "Aucune attestation authentique ne porte ce code" in summary
        assert "un caractère a sans doute été mal recopié" in summary
        check(page, width)

        # A forged code, well formed: not authentic.
        page.get_by_label("Code de vérification").fill(signing.display_code(signing.new_code()))
        page.get_by_role("button", name="Vérifier").click()
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading == "Cette attestation n'est pas authentique"
        check(page, width)

        # The QR code's URL, opened directly.
        page.goto(qr_url)
        expect(page.get_by_role("heading", level=1)).to_have_text(
            "Attestation authentique", use_inner_text=True
        )
        expect(page.locator("main")).to_contain_text(printed_code, use_inner_text=True)
        check(page, width)
        page.screenshot(path=f"/tmp/attestation-authentique-{width}.png", full_page=True)

        # Revoked by the member: the same URL now says so.
        member_page.get_by_role("link", name=re.compile(f"Annuler.*{printed_code}")).click()
        assert member_page.get_by_role("heading", level=1).inner_text() == (
            "Annuler cette attestation ?"
        )
        check(member_page, width)
        member_page.get_by_role("button", name="Oui, annuler cette attestation").click()
        expect(member_page.locator("main")).to_contain_text("est annulée", use_inner_text=True)
        check(member_page, width)
        page.goto(qr_url)
        assert page.get_by_role("heading", level=1).inner_text() == (
            "Cette attestation a été révoquée"
        )
        check(page, width)


def test_the_daily_allowances_attestation_on_a_phone(
    browser_page, live_server, alice, alice_account, tmp_path
):
    daily_allowance(
        alice,
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 31),
        "1138.59",
        datetime.date(2026, 2, 3),
    )
    page = browser_page(width=320)
    sign_in_as(page, alice_account, live_server)
    page.goto(f"{live_server.url}/mes-attestations/")
    page.get_by_role("link", name="Choisir la période").click()
    check(page, 320)

    start = page.get_by_role("group", name="Du")
    end = page.get_by_role("group", name="Au")
    for group, (day, month, year) in ((start, ("1", "3", "2026")), (end, ("1", "1", "2026"))):
        group.get_by_label("Jour").fill(day)
        group.get_by_label("Mois").fill(month)
        group.get_by_label("Année").fill(year)
    page.get_by_role("button", name="Télécharger l'attestation").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "La date de fin doit être le même jour que la date de début, ou après." in summary
    check(page, 320)

    start.get_by_label("Jour").fill("1")
    start.get_by_label("Mois").fill("1")
    end.get_by_label("Jour").fill("31")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Télécharger l'attestation").click()
    path = tmp_path / "ij.pdf"
    download_info.value.save_as(path)
    content = PdfReader(path).pages[0].extract_text().replace("\xa0", " ")
    assert "Attestation de paiement des indemnités journalières" in content
    assert "1 138,59 €" in content


def test_a_member_without_rights_gets_an_explanation(
    browser_page, live_server, bob, django_user_model
):
    account = django_user_model.objects.create(username=bob.nir, member=bob)
    page = browser_page(width=320)
    sign_in_as(page, account, live_server)
    page.goto(f"{live_server.url}/mes-attestations/")
    check(page, 320)

    page.get_by_role("button", name="Télécharger mon attestation de droits").click()

    assert page.get_by_role("heading", level=1).inner_text() == (
        "Nous ne pouvons pas vous délivrer d'attestation de droits aujourd'hui"
    )
    check(page, 320)
