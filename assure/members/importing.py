"""Importing the fund's registry from CSV files (`assure import_members`).

Three files, described in docs/formats.md: the members (``MembersImport``),
their beneficiaries (``BeneficiariesImport``) and rights periods
(``RightsImport``). They work alike (``CSVImport``, assure/lib/importing.py): UTF-8 (with or without
BOM), comma-separated, one header row naming the columns in any order, one
record per line (an address's lines are separated by line breaks inside a
quoted field).

Each import is an upsert (members by NIR, beneficiaries by member and rank,
rights periods by member, beneficiary and start): a new key creates a row, a
known one updates it when something differs, so importing the same file twice
changes nothing. The file is read as a stream and written in batches of
``BATCH_SIZE`` lines (a few queries to fetch what the batch refers to, one
bulk insert, one bulk update). Every line is validated whole before anything
is written: a bad line is reported with its line number and reason and never
stops the import nor leaves a half-written record.

When the same key appears twice in a file, the first line is kept and the
later ones are rejected (the report names the first line). The keys already
seen are kept in a temporary table of the database (``SeenKeys``), not in
memory, so an import runs in constant memory whatever the size of the file.
"""

from datetime import date

from django.utils import timezone

from assure.lib.importing import (
    BATCH_SIZE,
    CSVImport,
    HeaderError,
    InvalidLine,
    clean_address,
    clean_date,
    clean_email,
    clean_iban,
    clean_nir,
    clean_optional_date,
    clean_optional_rank,
    clean_optional_text,
    clean_phone,
    clean_postcode,
    clean_rank,
    clean_required_text,
)
from assure.lib.nir import format_nir

from .models import Beneficiary, Member, RightsPeriod

COLUMNS = (
    "nir",
    "last_name",
    "birth_name",
    "first_names",
    "birth_date",
    "address",
    "postcode",
    "city",
    "email",
    "phone",
)
# Columns a members file may leave out: the field is then left as it is.
OPTIONAL_COLUMNS = ("gp_name", "iban", "css_start", "css_end")
BENEFICIARY_COLUMNS = (
    "member_nir",
    "rank",
    "relationship",
    "last_name",
    "first_names",
    "birth_date",
)
RIGHTS_COLUMNS = ("member_nir", "beneficiary_rank", "start", "end", "regime", "fund")
OLDEST_BIRTH_DATE = date(1880, 1, 1)
RELATIONSHIPS = {
    "enfant": Beneficiary.CHILD,
    "conjoint": Beneficiary.SPOUSE,
    "autre": Beneficiary.OTHER,
}


def _clean_birth_date(value):
    birth_date = clean_date(value)
    if not OLDEST_BIRTH_DATE <= birth_date <= date.today():
        raise InvalidLine(f"date de naissance impossible {value!r}.")
    return birth_date


def _clean_relationship(value):
    if not value:
        raise InvalidLine("obligatoire.")
    try:
        return RELATIONSHIPS[value.lower()]
    except KeyError:
        raise InvalidLine(f"lien non valide {value!r} (enfant, conjoint ou autre).") from None


class _OfMembers(CSVImport):
    """An import of lines that name their member by NIR (``member_nir``)."""

    def members_of(self, batch):
        """{nir: member pk} for the member_nir of a batch, in one query; lines of
        unknown members are rejected and left out of the batch returned."""
        members = dict(
            Member.objects.filter(nir__in={data["member_nir"] for _, data in batch}).values_list(
                "nir", "pk"
            )
        )
        known = []
        for line, data in batch:
            if data["member_nir"] in members:
                known.append((line, data))
            else:
                nir = format_nir(data["member_nir"])
                self.reject(line, f"member_nir: assuré inconnu : {nir} (absent du registre).")
        return members, known


class MembersImport(CSVImport):
    """The registry file: upsert by NIR; an optional column left out leaves its field alone."""

    model = Member
    columns = COLUMNS
    optional = OPTIONAL_COLUMNS
    cleaners = {
        "nir": clean_nir,
        "last_name": clean_required_text,
        "birth_name": clean_optional_text,
        "first_names": clean_required_text,
        "birth_date": _clean_birth_date,
        "address": clean_address,
        "postcode": clean_postcode,
        "city": clean_required_text,
        "email": clean_email,
        "phone": clean_phone,
        "gp_name": clean_optional_text,
        "iban": clean_iban,
        "css_start": clean_optional_date,
        "css_end": clean_optional_date,
    }
    duplicate = "nir: numéro déjà présent ligne {line} du fichier (la première ligne est gardée)."

    def __init__(self, lines, batch_size=BATCH_SIZE):
        super().__init__(lines, batch_size)
        if ("css_start" in self.positions) != ("css_end" in self.positions):
            raise HeaderError(
                "Wrong header row: the columns css_start and css_end go together "
                "(give both or neither). Nothing was imported."
            )

    @classmethod
    def check(cls, data):
        start, end = data.get("css_start"), data.get("css_end")
        if end and not start:
            return ["css_end: une fin de CSS sans début (css_start est vide)"]
        if end and end < start:
            return [f"css_end: la fin de la CSS ({end}) précède son début ({start})"]
        return []

    def key(self, data):
        return data["nir"]

    def write(self, batch):
        known = self.known([data["nir"] for _, data in batch])
        now = timezone.now()
        to_create, to_update = [], []
        for line, data in batch:
            row = known.get(data["nir"])
            if row is None:
                to_create.append((line, Member(**data)))
            elif row[1:] != tuple(data[name] for name in self.present):
                to_update.append((line, Member(pk=row[0], updated_at=now, **data)))
            else:
                self.report.unchanged += 1
        self.save(to_create, to_update, (*self.present, "updated_at"))

    def known(self, nirs):
        """{nir: (pk, *columns present)} of the members already in the registry, in one query.

        Plain tuples, not model instances: most lines of a re-import are unchanged.
        """
        rows = Member.objects.filter(nir__in=nirs).values_list("pk", *self.present)
        return {row[1]: row for row in rows}


class BeneficiariesImport(_OfMembers):
    """The beneficiaries file: upsert by member and rank."""

    model = Beneficiary
    columns = BENEFICIARY_COLUMNS
    cleaners = {
        "member_nir": clean_nir,
        "rank": clean_rank,
        "relationship": _clean_relationship,
        "last_name": clean_required_text,
        "first_names": clean_required_text,
        "birth_date": _clean_birth_date,
    }
    duplicate = (
        "rank: ayant droit déjà présent ligne {line} du fichier (la première ligne est gardée)."
    )
    UPDATED = ("relationship", "last_name", "first_names", "birth_date")

    def key(self, data):
        return f"{data['member_nir']} {data['rank']}"

    def write(self, batch):
        members, batch = self.members_of(batch)
        existing = {
            (row[0], row[1]): row[2:]
            for row in Beneficiary.objects.filter(member__in=members.values())
            .order_by()
            .values_list("member", "rank", "pk", *self.UPDATED)
        }
        to_create, to_update = [], []
        for line, data in batch:
            member = members[data.pop("member_nir")]
            row = existing.get((member, data["rank"]))
            if row is None:
                to_create.append((line, Beneficiary(member_id=member, **data)))
            elif row[1:] != tuple(data[name] for name in self.UPDATED):
                to_update.append((line, Beneficiary(pk=row[0], member_id=member, **data)))
            else:
                self.report.unchanged += 1
        self.save(to_create, to_update, self.UPDATED)


class RightsImport(_OfMembers):
    """The rights periods file: upsert by member, beneficiary (none: the member's own) and start."""

    model = RightsPeriod
    columns = RIGHTS_COLUMNS
    cleaners = {
        "member_nir": clean_nir,
        "beneficiary_rank": clean_optional_rank,
        "start": clean_date,
        "end": clean_optional_date,
        "regime": clean_required_text,
        "fund": clean_required_text,
    }
    duplicate = (
        "start: période déjà présente ligne {line} du fichier (la première ligne est gardée)."
    )
    UPDATED = ("end", "regime", "fund")

    @classmethod
    def check(cls, data):
        if data["end"] and data["end"] < data["start"]:
            return [f"end: la fin ({data['end']}) précède le début ({data['start']})"]
        return []

    def key(self, data):
        return f"{data['member_nir']} {data['beneficiary_rank'] or ''} {data['start']}"

    def write(self, batch):
        members, batch = self.members_of(batch)
        beneficiaries = {
            (member, rank): pk
            for member, rank, pk in Beneficiary.objects.filter(member__in=members.values())
            .order_by()
            .values_list("member", "rank", "pk")
        }
        existing = {
            (row[0], row[1], row[2]): row[3:]
            for row in RightsPeriod.objects.filter(member__in=members.values())
            .order_by()
            .values_list("member", "beneficiary", "start", "pk", *self.UPDATED)
        }
        to_create, to_update = [], []
        for line, data in batch:
            nir, rank = data.pop("member_nir"), data.pop("beneficiary_rank")
            member = members[nir]
            beneficiary = None
            if rank is not None:
                beneficiary = beneficiaries.get((member, rank))
                if beneficiary is None:
                    reason = f"beneficiary_rank: ayant droit inconnu : pas de rang {rank} "
                    self.reject(line, reason + f"pour l'assuré {format_nir(nir)}.")
                    continue
            row = existing.get((member, beneficiary, data["start"]))
            period = RightsPeriod(member_id=member, beneficiary_id=beneficiary, **data)
            if row is None:
                to_create.append((line, period))
            elif row[1:] != tuple(data[name] for name in self.UPDATED):
                period.pk = row[0]
                to_update.append((line, period))
            else:
                self.report.unchanged += 1
        self.save(to_create, to_update, self.UPDATED)


def import_members(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the members of a CSV stream; returns an ImportReport.

    ``lines`` is any iterable of text lines: a file opened with
    ``encoding="utf-8-sig", newline=""``, or a generator. It is consumed
    lazily; ``on_batch(report)`` is called after each batch is written.
    Raises HeaderError, before writing anything, when the header is wrong.
    """
    return MembersImport(lines, batch_size).run(on_batch)


def import_beneficiaries(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the beneficiaries of a CSV stream, like ``import_members``."""
    return BeneficiariesImport(lines, batch_size).run(on_batch)


def import_rights(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the rights periods of a CSV stream, like ``import_members``."""
    return RightsImport(lines, batch_size).run(on_batch)


def clean_line(values):
    """The member fields of one record of the members file, validated (InvalidLine if not)."""
    return MembersImport.clean(values)
