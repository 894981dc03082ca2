"""« Vérifier une attestation »: the public page, signed out."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.accounts.models import Throttle
from assure.attestations import signing
from assure.attestations.models import Attestation, daily_allowance_details, mask_nir
from tests.conftest import text

URL = "/verifier-une-attestation/"


@pytest.fixture
def issued(family):
    return Attestation.objects.issue_rights(family)


def verify(client, code, **extra):
    return client.post(URL, {"code": code}, **extra)


def forged_code():
    """A well-formed code (right check character) that was never issued."""
    return signing.new_code()


def test_the_page_is_public_and_linked_from_the_public_home(client, db):
    home = text(client.get("/"))
    assert f'<a class="govuk-link" href="{URL}">Vérifier une attestation</a>' in home

    response = client.get(URL)

    page = text(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert '<h1 class="govuk-heading-l">Vérifier une attestation</h1>' in page
    assert "<title>Vérifier une attestation – Caisse de démonstration</title>" in page
    assert 'name="code"' in page
    assert f'href="{URL}cle-publique.pem"' in page


def test_a_typed_code_shows_what_the_attestation_certifies_masked(client, issued):
    response = verify(client, issued.display_code)

    page = text(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1
    assert '<h1 class="govuk-panel__title">Attestation authentique</h1>' in page
    assert "<title>Attestation authentique – Vérifier une attestation" in page
    for expected in [
        "Attestation de droits",
        "15 mars 2026",
        issued.display_code,
        "Alice M•••••",
        f"N° de sécurité sociale : {mask_nir(issued.member.nir)}",
        "Droits ouverts depuis le 1er janvier 2020, sans date de fin",
        "Ayant droit (enfant)",
        "Lucas M•••••",
        "Droits ouverts du 1er avril 2012 au 1er avril 2032",
        "Du 1er janvier 2026 au 31 décembre 2026",  # complémentaire santé solidaire
    ]:
        assert expected in page, expected
    assert "Martin" not in page and issued.member.formatted_nir not in page


@pytest.mark.parametrize(
    "typed",
    [
        lambda code: code,
        lambda code: code.lower(),
        lambda code: " ".join([code[:5], code[5:10], code[10:]]),
        lambda code: f"  {code[:3]}-{code[3:9]}.{code[9:]}  ",
    ],
)
def test_the_code_may_be_typed_loosely(client, issued, typed):
    page = text(verify(client, typed(issued.code)))

    assert "Attestation authentique" in page


def test_the_daily_allowances_attestation_shows_its_period_and_total(client, alice, allowances):
    details = daily_allowance_details(alice, datetime.date(2026, 1, 1), datetime.date(2026, 2, 28))
    attestation = Attestation.objects.issue(details, alice)

    page = text(verify(client, attestation.code))

    assert "Attestation authentique" in page
    assert "Attestation de paiement des indemnités journalières" in page
    assert "Du 1er janvier 2026 au 28 février 2026" in page
    assert 'Jours indemnisés</dt>\n          <dd class="govuk-summary-list__value">55</dd>' in page
    assert "2\u00a0319,35\u00a0€" in page
    assert "Droits ouverts" not in page


def test_a_forged_code_is_not_authentic(client, issued):
    response = verify(client, forged_code())

    page = text(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Cette attestation n\'est pas authentique</h1>' in page
    assert (
        "Aucune attestation délivrée par Caisse de démonstration ne correspond à ce code." in page
    )
    assert "Alice" not in page


def test_one_character_altered_is_caught_as_a_typo(client, issued):
    code = issued.code
    altered = code[:4] + ("A" if code[4] != "A" else "C") + code[5:]

    page = text(verify(client, altered))

    assert "Attestation authentique" not in page
    message = (
        "Aucune attestation authentique ne porte ce code : un caractère a sans doute "
        "été mal recopié. Vérifiez chaque caractère sur l'attestation."
    )
    assert f'<a href="#id_code">{message}</a>' in page
    assert f'<span class="govuk-visually-hidden">Erreur :</span> {message}' in page


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Saisissez le code de vérification imprimé sur l'attestation."),
        ("ABCD", "Le code de vérification comporte 15 caractères"),
        ("x" * 61, "Le code de vérification comporte 15 caractères"),
        ("0" * 15, "Ce code contient un caractère qui n'existe dans aucun code de vérification"),
        ("<script>" + "A" * 7, "Ce code contient un caractère"),
    ],
)
def test_malformed_codes_are_explained(client, db, typed, message):
    response = verify(client, typed)

    page = text(response)
    assert response.status_code == 200
    assert '<div class="govuk-error-summary"' in page and message in page
    assert "<title>Erreur : Vérifier une attestation" in page
    assert "<script>AAAA" not in response.content.decode()  # escaped


def test_a_huge_input_is_refused_calmly(client, db):
    assert verify(client, "A" * 100_000).status_code == 200
    assert client.get(URL, {"jeton": "A" * 100_000}).status_code == 200


def test_a_revoked_attestation_says_when_and_why(client, issued):
    issued.revoke("droits clos au 1er mars 2026")

    page = text(verify(client, issued.code))

    assert '<h1 class="govuk-heading-l">Cette attestation a été révoquée</h1>' in page
    assert "Révoquée le 15 mars 2026 : droits clos au 1er mars 2026." in page
    assert "Attestation authentique" not in page


def test_the_qr_codes_url_verifies_the_token(client, issued):
    url = issued.verification_url

    response = client.get(url.removeprefix("http://127.0.0.1:8000"))

    page = text(response)
    assert response.status_code == 200
    assert "Attestation authentique" in page and "Lucas M•••••" in page


@pytest.mark.parametrize("token", ["", "abc", "A" * 500, "é", "%%%", "\x00"])
def test_a_bad_token_is_not_authentic(client, db, token):
    response = client.get(URL, {"jeton": token})

    page = text(response)
    assert response.status_code == 200
    assert "Cette attestation n'est pas authentique" in page
    assert "ne correspond à ce QR code." in page or token == ""


def test_an_altered_token_is_not_authentic(client, issued):
    token = issued.token
    altered = token[:50] + ("B" if token[50] != "B" else "C") + token[51:]

    page = text(client.get(URL, {"jeton": altered}))

    assert "Cette attestation n'est pas authentique" in page


def test_an_altered_database_row_is_not_authentic(client, issued):
    Attestation.objects.filter(pk=issued.pk).update(
        details=issued.details.replace("Dr Jeanne Roux", "Dr Faux")
    )

    page = text(verify(client, issued.code))

    assert "Cette attestation n'est pas authentique" in page


def test_verifications_are_capped_per_client(client, issued, settings):
    settings.ASSURE_ATTESTATION_CHECKS_PER_HOUR = 3
    for _ in range(3):
        assert verify(client, forged_code()).status_code == 200

    response = verify(client, issued.code)

    page = text(response)
    assert response.status_code == 429
    assert "Trop de vérifications ont été faites depuis cet appareil." in page
    assert "Attestation authentique" not in page
    assert client.get(URL, {"jeton": issued.token}).status_code == 429
    # Another address is not held back.
    assert verify(client, issued.code, REMOTE_ADDR="192.0.2.7").status_code == 200
    # Typos are caught without a lookup and do not count.
    assert Throttle.objects.get(key="attestation-checks:192.0.2.7").count == 1
    verify(client, "ABC", REMOTE_ADDR="192.0.2.7")
    assert Throttle.objects.get(key="attestation-checks:192.0.2.7").count == 1


def test_an_unknown_code_costs_the_work_of_a_tampered_one(client, issued, settings, monkeypatch):
    """Both cost one lookup and one failed signature check: the answer's time
    does not tell whether the code exists. The work is counted, not timed (a
    stopwatch ratio fails on a loaded machine)."""
    settings.ASSURE_ATTESTATION_CHECKS_PER_HOUR = 10_000
    Attestation.objects.filter(pk=issued.pk).update(signature=b"\0" * 64)
    unknown = forged_code()
    checks = []
    real_verify = signing.verify

    def counted_verify(body, signature, key=None):
        valid = real_verify(body, signature, key)
        checks.append((len(bytes(signature)), valid))
        return valid

    monkeypatch.setattr(signing, "verify", counted_verify)

    def work(code):
        checks.clear()
        with CaptureQueriesContext(connection) as queries:
            page = text(verify(client, code))
        assert "Attestation authentique" not in page
        return [query["sql"].split()[0] for query in queries], list(checks)

    work(unknown)  # warm-up: the stand-in record is made once per key
    tampered, absent = work(issued.code), work(unknown)
    assert tampered == absent
    assert tampered[1] == [(64, False)]  # one full signature check, which fails


def test_the_public_key_is_published_as_pem(client, db):
    response = client.get(f"{URL}cle-publique.pem")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    pem = response.content.decode()
    assert pem.startswith("-----BEGIN PUBLIC KEY-----")
    key = signing.public_key_from_pem(pem)
    signature = signing.sign(b"hello")
    key.verify(signature, b"hello")
