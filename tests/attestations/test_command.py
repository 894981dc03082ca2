"""`assure revoke_attestation CODE --reason "…"`."""

import io

import pytest
from django.core.management import CommandError, call_command

from assure.attestations import signing
from assure.attestations.models import Attestation, Verification


@pytest.fixture
def issued(family):
    return Attestation.objects.issue_rights(family)


def revoke(*args):
    out = io.StringIO()
    call_command("revoke_attestation", *args, stdout=out)
    return out.getvalue()


def test_it_revokes_an_attestation_by_its_printed_code(issued):
    out = revoke(issued.display_code.lower(), "--reason", "  droits   clos ")

    assert out == (
        f"Attestation {issued.display_code} révoquée (Attestation de droits, "
        f"assuré n° {issued.member_id}) : droits clos\n"
    )
    issued.refresh_from_db()
    assert issued.revoked and issued.revocation_reason == "droits clos"
    result = Attestation.objects.verify_code(issued.code)
    assert result.status == Verification.REVOKED and result.reason == "droits clos"


def test_it_refuses_twice(issued):
    revoke(issued.code, "--reason", "droits clos")

    with pytest.raises(CommandError, match=r"déjà révoquée \(le 15/03/2026 : droits clos\)"):
        revoke(issued.code, "--reason", "encore")


@pytest.mark.parametrize(
    "code, reason, message",
    [
        (None, "droits clos", "Aucune attestation ne porte le code"),
        ("ABC", "droits clos", "n'est pas un code de vérification valide"),
        ("issued", "   ", "Indiquez le motif"),
        ("issued", "x" * 201, "200 caractères au maximum"),
    ],
)
def test_it_explains_what_is_wrong(issued, code, reason, message):
    code = {None: signing.new_code(), "issued": issued.code}.get(code, code)

    with pytest.raises(CommandError, match=message):
        revoke(code, "--reason", reason)
    issued.refresh_from_db()
    assert not issued.revoked


def test_the_reason_is_required(issued):
    with pytest.raises(CommandError, match="--reason"):
        revoke(issued.code)
