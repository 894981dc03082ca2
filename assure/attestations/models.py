"""Attestations: what they certify, their signed issuance records, their verification.

An attestation is generated on demand and never stored as a PDF. Its record
keeps the full content of the document (`details`, canonical JSON), the
signed `payload` (the public claims, see below) and the Ed25519 `signature`:
downloading it again draws the same document from the record, with the same
verification code.

The claims (compact JSON, signed; `signing.py` says how they are packed):

    k    "droits" or "ij"
    c    the verification code (15 characters)
    t    the issue date (ISO 8601)
    h    base64url of the first 16 bytes of SHA-256(details): binds the
         whole document (regimes, funds, birth dates, payment lines…)
    p    the people: [{"n": "Alice M•••••", "s": "1 84 12 •• ••• ••• 46",
         "r": [["2020-01-01", null], …]}, {"n": …, "l": "enfant", "r": …}]
         (the member first, with their masked NIR; "r": the rights periods
         certified, start and end or null; "l": a beneficiary's relationship)
    css  (droits) the complémentaire santé solidaire period, when current
    du, au, j, m  (ij) the period asked for, the days paid and the total
         amount ("1234.56", euros)
"""

import base64
import datetime
import functools
import hashlib
import json
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from assure.lib.nir import format_nir
from assure.members.models import Member, RightsPeriod
from assure.payments.models import Payment, PaymentLine

from . import signing
from .pdf import attestation_pdf


def mask_name(first_names, last_name):
    """ "Alice M•••••": the first given name, and the initial of each word of the last name."""
    first = first_names.replace(",", " ").split()[:1]
    masked = re.sub(r"\w+", lambda m: m[0][0] + "•" * (len(m[0]) - 1), last_name.strip())
    return " ".join([*first, masked])


def mask_nir(nir):
    """ "1 84 12 •• ••• ••• 46": sex, year and month of birth and the key; not the place."""
    sex, year, month, department, commune, order, key = format_nir(nir).split(" ")
    return " ".join([sex, year, month, *("•" * len(p) for p in (department, commune, order)), key])


def iso(day):
    return day.isoformat() if day else None


def issuer():
    """The fund as printed at the top of the document (from settings, at issue time)."""
    lines = [line.strip() for line in settings.ASSURE_FUND_ADDRESS.splitlines() if line.strip()]
    return {
        "name": settings.ASSURE_FUND_NAME,
        "address": [line for line in lines if line != settings.ASSURE_FUND_NAME],
        "phone": settings.ASSURE_FUND_PHONE,
        "url": settings.ASSURE_PUBLIC_URL,
    }


def identity(member):
    return {
        "nir": member.nir,
        "last_name": member.last_name,
        "birth_name": member.birth_name,
        "first_names": member.first_names,
        "birth_date": iso(member.birth_date),
    }


def period(rights):
    return {
        "regime": rights.regime,
        "fund": rights.fund,
        "start": iso(rights.start),
        "end": iso(rights.end),
    }


def rights_details(member, today):
    """The content of the member's attestation de droits on `today`, or None
    when the member has no current rights. Two queries."""
    current = list(
        RightsPeriod.objects.current(today)
        .filter(member=member)
        .select_related("beneficiary")
        .order_by("beneficiary__rank", "start")
    )
    own = [period(p) for p in current if p.beneficiary_id is None]
    if not own:
        return None
    covered = {}
    for rights in current:
        if rights.beneficiary_id is not None:
            covered.setdefault(rights.beneficiary, []).append(period(rights))
    css = None
    if (
        member.css_start
        and member.css_start <= today
        and (member.css_end is None or member.css_end >= today)
    ):
        css = {"start": iso(member.css_start), "end": iso(member.css_end)}
    return {
        "kind": Attestation.RIGHTS,
        "issuer": issuer(),
        "member": identity(member),
        "rights": own,
        "beneficiaries": [
            {
                "last_name": beneficiary.last_name,
                "first_names": beneficiary.first_names,
                "birth_date": iso(beneficiary.birth_date),
                "relationship": beneficiary.get_relationship_display(),
                "rights": periods,
            }
            for beneficiary, periods in covered.items()
        ],
        "css": css,
        "gp": member.gp_name,
    }


def daily_allowance_lines(member, start, end):
    """The member's daily-allowance payment lines whose period meets [start, end]."""
    return (
        PaymentLine.objects.filter(
            payment__member=member, payment__nature=Payment.DAILY_ALLOWANCE, care_date__lte=end
        )
        .filter(Q(end_date__gte=start) | Q(end_date=None, care_date__gte=start))
        .select_related("payment")
        .order_by("care_date", "payment__paid_on", "pk")
    )


def daily_allowance_details(member, start, end):
    """The content of an attestation of daily allowances paid for [start, end],
    or None when none was. Whole lines are listed, even those that only
    partly overlap the period, so that the amounts are those paid."""
    lines = []
    for line in daily_allowance_lines(member, start, end):
        last = line.end_date or line.care_date
        lines.append(
            {
                "start": iso(line.care_date),
                "end": iso(last),
                "days": (last - line.care_date).days + 1,
                "amount": str(line.net),
                "paid_on": iso(line.payment.paid_on),
                "reference": line.payment.reference,
            }
        )
    if not lines:
        return None
    return {
        "kind": Attestation.DAILY_ALLOWANCES,
        "issuer": issuer(),
        "member": identity(member),
        "start": iso(start),
        "end": iso(end),
        "lines": lines,
        "days": sum(line["days"] for line in lines),
        "total": str(sum((Decimal(line["amount"]) for line in lines), Decimal("0.00"))),
    }


def digest(details_json):
    raw = hashlib.sha256(details_json.encode()).digest()[:16]
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def claims_of(details, details_json, code, issued_on):
    """The public, signed claims of a document (see the module's docstring)."""
    member = details["member"]
    person = {
        "n": mask_name(member["first_names"], member["last_name"]),
        "s": mask_nir(member["nir"]),
    }
    claims = {"k": details["kind"], "c": code, "t": iso(issued_on), "h": digest(details_json)}
    if details["kind"] == Attestation.RIGHTS:
        person["r"] = [[p["start"], p["end"]] for p in details["rights"]]
        claims["p"] = [person] + [
            {
                "n": mask_name(b["first_names"], b["last_name"]),
                "l": b["relationship"],
                "r": [[p["start"], p["end"]] for p in b["rights"]],
            }
            for b in details["beneficiaries"]
        ]
        if details["css"]:
            claims["css"] = [details["css"]["start"], details["css"]["end"]]
    else:
        claims["p"] = [person]
        claims.update(du=details["start"], au=details["end"], j=details["days"], m=details["total"])
    return claims


class NoRights(Exception):
    """The member has no current rights: no attestation de droits."""


class AttestationQuerySet(models.QuerySet):
    def issue(self, details, member, requested_by=None, *, now=None):
        """Sign and record an attestation of `details` (from `rights_details`
        or `daily_allowance_details`). Returns the new Attestation."""
        now = now or timezone.now()
        while True:
            code = signing.new_code()
            if not self.filter(code=code).exists():
                break
        details_json = signing.canonical_json(details)
        claims = claims_of(details, details_json, code, timezone.localdate(now))
        payload = signing.pack(claims)
        return self.create(
            member=member,
            requested_by=requested_by,
            kind=details["kind"],
            period_start=day(details.get("start")),
            period_end=day(details.get("end")),
            code=code,
            issued_at=now,
            details=details_json,
            payload=payload,
            signature=signing.sign(payload),
        )

    def issue_rights(self, member, requested_by=None):
        """The attestation de droits of today; raises NoRights without current rights."""
        details = rights_details(member, timezone.localdate())
        if details is None:
            raise NoRights
        return self.issue(details, member, requested_by)

    def verify_code(self, typed):
        """What the public page says about a typed code (normalized and well formed).

        One lookup, then the record's signature, claims and content digest are
        checked. An unknown code costs the same checks on a stand-in record,
        so that it answers in the time a tampered one does.
        """
        code = signing.normalize_code(typed)
        row = self.filter(code=code).first()
        if row is None:
            stand_in_record(settings.ASSURE_ATTESTATION_KEY).verified_claims()
            return Verification(Verification.NOT_AUTHENTIC)
        claims = row.verified_claims()
        if claims is None:
            return Verification(Verification.NOT_AUTHENTIC)
        return Verification.of(claims, row)

    def verify_token(self, token):
        """What the public page says about the token a QR code carries."""
        try:
            payload, claims = signing.read_token(token)
            code = claims.get("c")
            if not isinstance(code, str) or signing.code_problem(code):
                raise signing.BadToken("no code")
            certificate = Certificate(claims)
        except signing.BadToken:
            return Verification(Verification.NOT_AUTHENTIC)
        row = self.defer("details").filter(code=code).first()
        if row is not None and bytes(row.payload) != payload:
            return Verification(Verification.NOT_AUTHENTIC)
        return Verification.of(claims, row, certificate)


class Attestation(models.Model):
    """One attestation issued to a member: its signed content, not its PDF."""

    RIGHTS = "droits"
    DAILY_ALLOWANCES = "ij"
    KINDS = [
        (RIGHTS, "Attestation de droits"),
        (DAILY_ALLOWANCES, "Attestation de paiement des indemnités journalières"),
    ]

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="attestations")
    # The online account that asked for it (None once that account is closed).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="demandée par",
    )
    kind = models.CharField("type", max_length=10, choices=KINDS)
    # The period asked for (daily allowances).
    period_start = models.DateField("du", null=True, blank=True)
    period_end = models.DateField("au", null=True, blank=True)
    code = models.CharField("code de vérification", max_length=signing.CODE_LENGTH, unique=True)
    issued_at = models.DateTimeField("délivrée le", default=timezone.now)
    # The whole content of the document, canonical JSON (bound by the claims' "h").
    details = models.TextField("contenu")
    # The signed claims (signing.pack) and their Ed25519 signature.
    payload = models.BinaryField("contenu signé")
    signature = models.BinaryField("signature")
    revoked_at = models.DateTimeField("révoquée le", null=True, blank=True)
    revocation_reason = models.CharField("motif de la révocation", max_length=200, blank=True)

    objects = AttestationQuerySet.as_manager()

    class Meta:
        verbose_name = "attestation"
        ordering = ["-issued_at", "-id"]
        indexes = [
            models.Index(fields=["member", "-issued_at", "-id"], name="attestation_member_newest")
        ]

    def __str__(self):
        return f"{self.get_kind_display()} {self.display_code}"

    @property
    def display_code(self):
        return signing.display_code(self.code)

    @property
    def content(self):
        return json.loads(self.details)

    @property
    def token(self):
        """What the QR code carries (see signing.py)."""
        return signing.make_token(self.payload, self.signature)

    @property
    def verification_url(self):
        """What the QR code opens: the portal's address when it was issued."""
        return f"{self.content['issuer']['url']}/verifier-une-attestation/?jeton={self.token}"

    @property
    def revoked(self):
        return self.revoked_at is not None

    def verified_claims(self):
        """The record's claims if its signature, code, kind and content digest
        all agree; None if anything in the row was altered."""
        if not signing.verify(self.payload, self.signature):
            return None
        try:
            claims = signing.unpack(self.payload)
        except signing.BadToken:
            return None
        if (
            claims.get("c") != self.code
            or claims.get("k") != self.kind
            or claims.get("h") != digest(self.details)
        ):
            return None
        return claims

    def revoke(self, reason):
        """Revoke it (the public page then says so, with the reason). Returns
        False when it already was."""
        now = timezone.now()
        reason = " ".join(reason.split())[:200]
        done = Attestation.objects.filter(pk=self.pk, revoked_at=None).update(
            revoked_at=now, revocation_reason=reason
        )
        if done:
            self.revoked_at, self.revocation_reason = now, reason
        return bool(done)

    def pdf(self):
        """The document as PDF bytes, drawn from the record."""
        return attestation_pdf(self)

    @property
    def filename(self):
        day = timezone.localtime(self.issued_at).date()
        name = "attestation-de-droits" if self.kind == self.RIGHTS else "attestation-ij"
        return f"{name}-{day.isoformat()}-{self.code[:5]}.pdf"


@functools.cache
def stand_in_record(key):
    """A record that looks real and never verifies (for unknown codes), per signing key."""
    details = {"kind": Attestation.RIGHTS, "member": {"first_names": "", "last_name": ""}}
    details_json = signing.canonical_json(details)
    payload = signing.pack(
        {"k": Attestation.RIGHTS, "c": "", "h": digest(details_json), "p": [{"n": "•" * 20}] * 3}
    )
    # A real signature, of something else: verifying it costs a full check and fails.
    return Attestation(
        kind=Attestation.RIGHTS,
        code="",
        details=details_json,
        payload=payload,
        signature=signing.sign(b"stand-in"),
    )


class Certificate:
    """The signed claims, read for the public page. Raises BadToken when they
    do not have the expected shape."""

    @dataclass
    class Person:
        name: str
        nir: str = ""
        relationship: str = ""
        periods: list = field(default_factory=list)

    def __init__(self, claims):
        try:
            self.kind = claims["k"]
            if self.kind not in dict(Attestation.KINDS):
                raise ValueError(self.kind)
            self.kind_label = dict(Attestation.KINDS)[self.kind]
            self.code = signing.display_code(str(claims["c"]))
            self.issued_on = datetime.date.fromisoformat(claims["t"])
            self.people = [
                self.Person(
                    name=str(p["n"]),
                    nir=str(p.get("s", "")),
                    relationship=str(p.get("l", "")),
                    periods=[(day(start), day(end)) for start, end in p.get("r", [])],
                )
                for p in claims["p"]
            ]
            self.css = tuple(day(d) for d in claims["css"]) if claims.get("css") else None
            if self.kind == Attestation.DAILY_ALLOWANCES:
                self.start, self.end = day(claims["du"]), day(claims["au"])
                self.days = int(claims["j"])
                self.total = Decimal(claims["m"])
        except (KeyError, TypeError, ValueError, InvalidOperation) as error:
            raise signing.BadToken("unexpected claims") from error

    @property
    def is_rights(self):
        return self.kind == Attestation.RIGHTS


def day(value):
    return datetime.date.fromisoformat(value) if value is not None else None


@dataclass
class Verification:
    """The answer of the public page."""

    AUTHENTIC = "authentic"
    NOT_AUTHENTIC = "not_authentic"
    REVOKED = "revoked"

    status: str
    certificate: Certificate | None = None
    revoked_at: datetime.datetime | None = None
    reason: str = ""

    @classmethod
    def of(cls, claims, row, certificate=None):
        try:
            certificate = certificate or Certificate(claims)
        except signing.BadToken:
            return cls(cls.NOT_AUTHENTIC)
        if row is not None and row.revoked:
            return cls(cls.REVOKED, certificate, row.revoked_at, row.revocation_reason)
        return cls(cls.AUTHENTIC, certificate)

    @property
    def authentic(self):
        return self.status == self.AUTHENTIC
