"""Signing attestations: Ed25519 tokens and short verification codes.

Two ways to check an attestation, both printed on it:

- the **verification code**, typed on the public page "Vérifier une
  attestation": 15 characters (`CODE_ALPHABET`, no look-alike characters),
  printed in three groups of five ("K7MQ3-XRT4P-AWNCG"). The first 14 are
  random (14 × log2(23) = 63 bits); the 15th is a check character, so a typo
  is caught before any lookup. The code finds the issuance record, whose
  signed body is verified again: an altered database row is detected.

- the **token** the QR code carries (in the URL of the same page), which
  anyone can verify offline with the fund's public key alone
  (`public_key_pem()`, served at /verifier-une-attestation/cle-publique.pem):

      token     = base64url without padding (body ‖ signature)
      body      = 0x01 (format version) ‖ raw DEFLATE (RFC 1951) of the claims
      claims    = compact UTF-8 JSON object (described in models.py, `claims_of`)
      signature = Ed25519 signature of `body` (RFC 8032), its last 64 bytes

  The claims hold only what the public page shows (masked names and NIR,
  periods, total) plus a SHA-256 digest of the full content of the document,
  so a URL in a server log leaks nothing more than the page would.
"""

import base64
import binascii
import functools
import json
import re
import secrets
import zlib

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from assure.lib.codes import CODE_ALPHABET

FORMAT_VERSION = 1
SIGNATURE_LENGTH = 64
# Far above any real token (a family of 30 is under 1,000 characters): longer
# input is refused before it is decoded.
MAX_TOKEN_CHARS = 4000
MAX_CLAIMS_BYTES = 20_000

CODE_RANDOM = 14
CODE_LENGTH = CODE_RANDOM + 1
CODE_VALUES = {ch: i for i, ch in enumerate(CODE_ALPHABET)}
# Spaces (also non-breaking), dashes, dots and underscores between groups.
CODE_SEPARATORS = re.compile(r"[\s\-\u2010-\u2015\u2212._]+")
TOKEN_CHARACTERS = re.compile(r"[A-Za-z0-9_-]+")


class BadToken(Exception):
    """A token that is not a well-formed attestation token signed with our key."""


@functools.cache
def _keys(seed_b64):
    try:
        seed = base64.b64decode(seed_b64, validate=True)
    except (binascii.Error, ValueError):
        seed = b""
    if len(seed) != 32:
        raise ImproperlyConfigured(
            "ASSURE_ATTESTATION_KEY must be the base64 encoding of 32 bytes (an Ed25519 seed)."
        )
    private = Ed25519PrivateKey.from_private_bytes(seed)
    return private, private.public_key()


def private_key():
    return _keys(settings.ASSURE_ATTESTATION_KEY)[0]


def public_key():
    return _keys(settings.ASSURE_ATTESTATION_KEY)[1]


def public_key_pem():
    """The public key as PEM text (SubjectPublicKeyInfo), for third parties."""
    return (
        public_key()
        .public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode()
    )


def sign(body):
    return private_key().sign(body)


def verify(body, signature, key=None):
    """Whether `signature` is ours over `body`. Never raises."""
    try:
        (key or public_key()).verify(bytes(signature), bytes(body))
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def canonical_json(value):
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=True)


def pack(claims):
    """The body to sign: version byte + raw DEFLATE of the claims' JSON."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    data = canonical_json(claims).encode()
    return bytes([FORMAT_VERSION]) + compressor.compress(data) + compressor.flush()


def unpack(body):
    """The claims of a body (its signature already checked). Raises BadToken."""
    body = bytes(body)
    if len(body) < 2 or body[0] != FORMAT_VERSION:
        raise BadToken("unknown format")
    inflater = zlib.decompressobj(-15)
    try:
        data = inflater.decompress(body[1:], MAX_CLAIMS_BYTES)
        if inflater.unconsumed_tail or not inflater.eof:
            raise BadToken("claims too long or truncated")
        claims = json.loads(data.decode())
    except (zlib.error, UnicodeDecodeError, ValueError) as error:
        raise BadToken("unreadable claims") from error
    if not isinstance(claims, dict):
        raise BadToken("claims are not an object")
    return claims


def make_token(body, signature):
    return base64.urlsafe_b64encode(bytes(body) + bytes(signature)).decode().rstrip("=")


def read_token(token):
    """The claims of a token signed with our key. Raises BadToken."""
    token = "".join((token or "").split())
    if not 0 < len(token) <= MAX_TOKEN_CHARS or not TOKEN_CHARACTERS.fullmatch(token):
        raise BadToken("not a token")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except (binascii.Error, ValueError) as error:
        raise BadToken("not base64url") from error
    body, signature = raw[:-SIGNATURE_LENGTH], raw[-SIGNATURE_LENGTH:]
    if len(body) < 2 or not verify(body, signature):
        raise BadToken("bad signature")
    return body, unpack(body)


def _check_character(chars):
    """Weights 1, 2, … modulo 23 (a prime): every single wrong character and
    every swap of two characters changes the weighted sum, so it is caught."""
    n = len(CODE_ALPHABET)
    total = sum(weight * CODE_VALUES[ch] for weight, ch in enumerate(chars, start=1))
    # Chosen so that the sum over all 15 characters (weight 15 for the check) is 0 mod 23.
    return CODE_ALPHABET[(-total * pow(CODE_LENGTH, -1, n)) % n]


def new_code():
    random_part = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_RANDOM))
    return random_part + _check_character(random_part)


def normalize_code(typed):
    """What someone typed, upper-cased, without spaces, dashes or dots."""
    return CODE_SEPARATORS.sub("", (typed or "").upper())


def code_problem(code):
    """None when `code` (normalized) is well formed, else "length", "characters" or "check"."""
    if len(code) != CODE_LENGTH:
        return "length"
    if not set(code) <= CODE_VALUES.keys():
        return "characters"
    if _check_character(code[:-1]) != code[-1]:
        return "check"
    return None


def display_code(code):
    """ "K7MQ3-XRT4P-AWNCG": three groups of five, as printed."""
    return "-".join(code[i : i + 5] for i in range(0, len(code), 5))


def public_key_from_pem(pem):
    """An Ed25519 public key from PEM text (for tests and third parties)."""
    key = serialization.load_pem_public_key(pem.encode() if isinstance(pem, str) else pem)
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key
