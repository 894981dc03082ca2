"""Signing and verifying: codes, tokens, records; nothing forged or altered passes."""

import base64
import os
import stat
import subprocess
import sys
import zlib

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.core.exceptions import ImproperlyConfigured

from assure.attestations import signing
from assure.attestations.models import Attestation, Verification, mask_name, mask_nir
from tests.attestations.conftest import TODAY

OTHER_KEY = base64.b64encode(b"\x07" * 32).decode()


@pytest.fixture
def issued(family):
    return Attestation.objects.issue_rights(family)


def flip(data, index):
    data = bytearray(data)
    data[index] ^= 0x01
    return bytes(data)


def forged_token(claims, key=None):
    """A token signed with another key (or ours, when `key` is None)."""
    body = signing.pack(claims)
    signature = (key or signing.private_key()).sign(body)
    return signing.make_token(body, signature)


# Verification codes


def test_a_code_has_63_random_bits_and_a_check_character():
    codes = {signing.new_code() for _ in range(2000)}

    assert len(codes) == 2000
    for code in codes:
        assert len(code) == 15 and set(code) <= set(signing.CODE_ALPHABET)
        assert signing.code_problem(code) is None
    assert len(signing.CODE_ALPHABET) ** 14 > 2**63


def test_every_single_typo_and_every_swap_is_caught_by_the_check_character():
    code = signing.new_code()
    for i in range(15):
        for other in signing.CODE_ALPHABET:
            if other != code[i]:
                assert signing.code_problem(code[:i] + other + code[i + 1 :]) == "check"
        for j in range(i + 1, 15):
            if code[i] != code[j]:
                swapped = list(code)
                swapped[i], swapped[j] = swapped[j], swapped[i]
                assert signing.code_problem("".join(swapped)) == "check"


def test_a_code_is_printed_in_three_groups_and_read_back_however_typed():
    code = signing.new_code()
    printed = signing.display_code(code)

    assert printed == f"{code[:5]}-{code[5:10]}-{code[10:]}"
    for typed in [
        printed,
        printed.lower(),
        printed.replace("-", " "),
        f"  {code[:7]}\u00a0{code[7:]} ",
    ]:
        assert signing.normalize_code(typed) == code
    assert signing.code_problem("ABC") == "length"
    assert signing.code_problem("O" * 15) == "characters"


# Tokens: what the QR code carries


def test_a_token_verifies_with_the_public_key_alone(issued):
    """What a third party does offline, from the PEM the portal publishes."""
    key = signing.public_key_from_pem(signing.public_key_pem())
    raw = base64.urlsafe_b64decode(issued.token + "=" * (-len(issued.token) % 4))
    body, signature = raw[:-64], raw[-64:]

    key.verify(signature, body)  # raises if it does not verify
    assert body[0] == 1
    claims = signing.unpack(body)
    assert claims == {
        "k": "droits",
        "c": issued.code,
        "t": "2026-03-15",
        "h": claims["h"],
        "p": [
            {"n": "Alice M•••••", "s": mask_nir(issued.member.nir), "r": [["2020-01-01", None]]},
            {"n": "Lucas M•••••", "l": "enfant", "r": [["2012-04-01", "2032-04-01"]]},
        ],
        "css": ["2026-01-01", "2026-12-31"],
    }
    assert zlib.decompress(body[1:], -15).decode().startswith('{"c":"')


def test_the_claims_show_only_masked_identities(issued):
    nir = issued.member.nir
    claims_text = signing.canonical_json(signing.unpack(issued.payload))

    assert "Martin" not in claims_text and "Lefèvre" not in claims_text
    assert nir[5:] not in claims_text.replace(" ", "")
    assert mask_nir("1841276451089") == "1 84 12 •• ••• ••• 46"
    assert mask_name("Alice Marie", "Martin") == "Alice M•••••"
    assert mask_name("Jean-Pierre", "Le Gall-Dupont") == "Jean-Pierre L• G•••-D•••••"


def test_a_token_and_a_code_say_the_same(issued):
    by_token = Attestation.objects.verify_token(issued.token)
    by_code = Attestation.objects.verify_code(issued.code)

    assert by_token.status == by_code.status == Verification.AUTHENTIC
    for result in (by_token, by_code):
        certificate = result.certificate
        assert certificate.kind_label == "Attestation de droits"
        assert certificate.issued_on == TODAY
        assert [p.name for p in certificate.people] == ["Alice M•••••", "Lucas M•••••"]
        assert certificate.people[0].nir == mask_nir(issued.member.nir)
        assert certificate.people[1].relationship == "enfant"


def test_an_altered_token_is_refused(issued):
    raw = base64.urlsafe_b64decode(issued.token + "=" * (-len(issued.token) % 4))
    body, signature = raw[:-64], raw[-64:]
    altered = [
        signing.make_token(flip(body, 5), signature),  # the claims
        signing.make_token(body, flip(signature, 10)),  # the signature
        signing.make_token(bytes([2]) + body[1:], signature),  # the version
        issued.token[:-1],  # truncated
        issued.token[:40],
        issued.token[: len(issued.token) // 2],
        issued.token + "A",
        issued.token.replace(issued.token[30], "A" if issued.token[30] != "A" else "B", 1),
    ]
    for token in altered:
        assert Attestation.objects.verify_token(token).status == Verification.NOT_AUTHENTIC


def test_a_token_signed_with_another_key_is_refused(issued):
    claims = signing.unpack(issued.payload)
    other = Ed25519PrivateKey.from_private_bytes(b"\x07" * 32)

    assert Attestation.objects.verify_token(forged_token(claims, other)).status == (
        Verification.NOT_AUTHENTIC
    )


def test_a_token_that_is_ours_but_not_the_records_is_refused(issued):
    """Claims signed with our key (a leaked key, or a bug) that do not match the
    record of their code are not taken for it."""
    claims = signing.unpack(issued.payload)
    claims["p"][0]["n"] = "Eve M•••••"

    assert Attestation.objects.verify_token(forged_token(claims)).status == (
        Verification.NOT_AUTHENTIC
    )


@pytest.mark.parametrize(
    "token",
    [
        "",
        "   ",
        "garbage",
        "!!!!",
        "éàç",
        "A" * 200,
        "A" * 5000,
        "x" * 1_000_000,
        "%00%01",
        "\x00",
        base64.urlsafe_b64encode(os.urandom(300)).decode(),
    ],
)
def test_garbage_tokens_are_not_authentic_and_never_crash(db, token):
    assert Attestation.objects.verify_token(token).status == Verification.NOT_AUTHENTIC


def test_well_signed_garbage_is_not_authentic(db):
    """Shapes our key would never sign: still no crash, and not authentic."""
    shapes = [
        {},
        {"c": signing.new_code()},
        {"c": signing.new_code(), "k": "droits", "t": "hier", "p": []},
        {"c": signing.new_code(), "k": "autre", "t": "2026-03-15", "p": []},
        {"c": signing.new_code(), "k": "ij", "t": "2026-03-15", "p": [], "du": 3},
        {"c": 12, "k": "droits"},
    ]
    for claims in shapes:
        assert Attestation.objects.verify_token(forged_token(claims)).status == (
            Verification.NOT_AUTHENTIC
        )
    not_json = bytes([1]) + zlib.compress(b"\xff\xfe not json")[2:-4]
    token = signing.make_token(not_json, signing.sign(not_json))
    assert Attestation.objects.verify_token(token).status == Verification.NOT_AUTHENTIC
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    bomb = bytes([1]) + compressor.compress(b"[" * 10_000_000) + compressor.flush()
    token = signing.make_token(bomb, signing.sign(bomb))
    assert Attestation.objects.verify_token(token).status == Verification.NOT_AUTHENTIC


# Records: the code leads to a row whose signature is checked again


def test_an_unknown_code_is_not_authentic(db):
    assert Attestation.objects.verify_code(signing.new_code()).status == (
        Verification.NOT_AUTHENTIC
    )


@pytest.mark.parametrize("field", ["payload", "signature", "details", "kind", "code"])
def test_an_altered_row_is_detected(issued, field):
    other = Attestation.objects.issue_rights(issued.member)
    if field == "payload":
        Attestation.objects.filter(pk=issued.pk).update(payload=flip(issued.payload, 3))
    elif field == "signature":
        Attestation.objects.filter(pk=issued.pk).update(signature=flip(issued.signature, 3))
    elif field == "details":
        details = issued.details.replace('"Régime général"', '"Régime agricole"')
        assert details != issued.details
        Attestation.objects.filter(pk=issued.pk).update(details=details)
    elif field == "kind":
        Attestation.objects.filter(pk=issued.pk).update(kind=Attestation.DAILY_ALLOWANCES)
    else:
        # Another record's signed payload moved onto this code.
        Attestation.objects.filter(pk=issued.pk).update(
            payload=other.payload, signature=other.signature, details=other.details
        )

    assert Attestation.objects.verify_code(issued.code).status == Verification.NOT_AUTHENTIC
    assert Attestation.objects.get(pk=issued.pk).verified_claims() is None
    assert Attestation.objects.verify_code(other.code).status == Verification.AUTHENTIC


def test_a_revoked_attestation_says_so_by_code_and_by_token(issued):
    assert issued.revoke("droits clos le 1er mars 2026")
    assert not issued.revoke("une deuxième fois")

    for result in (
        Attestation.objects.verify_code(issued.code),
        Attestation.objects.verify_token(issued.token),
    ):
        assert result.status == Verification.REVOKED
        assert result.reason == "droits clos le 1er mars 2026"
        assert result.revoked_at is not None
        assert result.certificate.people[0].name == "Alice M•••••"


def test_with_another_key_in_settings_old_attestations_are_not_authentic(issued, settings):
    settings.ASSURE_ATTESTATION_KEY = OTHER_KEY

    assert Attestation.objects.verify_code(issued.code).status == Verification.NOT_AUTHENTIC
    assert Attestation.objects.verify_token(issued.token).status == Verification.NOT_AUTHENTIC


# The key


@pytest.mark.parametrize("value", ["", "not base64!", base64.b64encode(b"short").decode()])
def test_a_malformed_key_is_a_configuration_error(settings, value):
    settings.ASSURE_ATTESTATION_KEY = value

    with pytest.raises(ImproperlyConfigured, match="ASSURE_ATTESTATION_KEY"):
        signing.sign(b"x")


def test_without_a_key_in_the_environment_one_is_made_once_in_var(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "ASSURE_ATTESTATION_KEY"}
    env.update(ASSURE_VAR_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="assure.settings")
    script = "from django.conf import settings; print(settings.ASSURE_ATTESTATION_KEY)"
    keys = [
        subprocess.run(
            [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
        ).stdout.strip()
        for _ in range(2)
    ]

    path = tmp_path / "attestation_key"
    assert keys[0] == keys[1] == path.read_text().strip()
    assert len(base64.b64decode(keys[0], validate=True)) == 32
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_the_environment_key_wins(tmp_path):
    env = dict(os.environ, ASSURE_VAR_DIR=str(tmp_path), ASSURE_ATTESTATION_KEY=OTHER_KEY)
    env["DJANGO_SETTINGS_MODULE"] = "assure.settings"
    script = "from django.conf import settings; print(settings.ASSURE_ATTESTATION_KEY)"
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, check=True, capture_output=True, text=True
    ).stdout.strip()

    assert out == OTHER_KEY
    assert not (tmp_path / "attestation_key").exists()
