"""Importing the fund's registry from CSV files (`assure import_members`).

Three files, described in docs/formats.md: the members (``MembersImport``),
their beneficiaries (``BeneficiariesImport``) and rights periods
(``RightsImport``). They work alike (``CSVImport``): UTF-8 (with or without
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
seen are kept in a temporary table of the database, not in memory, so an
import runs in constant memory whatever the size of the file.
"""

import codecs
import csv
import re
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import EmailValidator
from django.db import DatabaseError, connection, transaction
from django.utils import timezone
from schwifty import IBAN
from schwifty import exceptions as iban_errors

from assure.lib.nir import InvalidNIR, format_nir, parse_nir

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
BATCH_SIZE = 1000
ADDRESS_MAX_LINES = 4  # a letter's address block: name, up to 4 lines, postcode and city
OLDEST_BIRTH_DATE = date(1880, 1, 1)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
POSTCODE = re.compile(r"\d{5}")
RANK = re.compile(r"\d{1,2}")
PHONE_SEPARATORS = re.compile(r"[\s.\-]+")
FRENCH_NATIONAL_NUMBER = re.compile(r"0([1-9]\d{8})")
RELATIONSHIPS = {
    "enfant": Beneficiary.CHILD,
    "conjoint": Beneficiary.SPOUSE,
    "autre": Beneficiary.OTHER,
}
IBAN_PROBLEMS = [
    (iban_errors.InvalidCountryCode, "code pays inconnu"),
    (iban_errors.InvalidLength, "longueur incorrecte pour ce pays"),
    (
        iban_errors.InvalidChecksumDigits,
        "la clé (les 2 chiffres après le code pays) ne correspond pas",
    ),
    (iban_errors.InvalidBBANChecksum, "la clé RIB ne correspond pas au compte"),
    (iban_errors.SchwiftyException, "caractères ou structure incorrects pour ce pays"),
]
validate_email = EmailValidator()


class HeaderError(ValueError):
    """The header row does not name the expected columns: nothing is imported."""


class EncodingError(ValueError):
    """The file is not UTF-8: nothing is imported."""

    def __init__(self, line):
        super().__init__(
            f"The file is not in UTF-8: invalid bytes on line {line}. "
            "Save it as “CSV UTF-8” (in LibreOffice: Character set “Unicode (UTF-8)”) "
            "and import it again."
        )
        self.line = line


class InvalidLine(ValueError):
    """A line that cannot be imported; the message names the column(s) and why."""


@dataclass
class Rejection:
    line: int
    reason: str

    def __str__(self):
        return f"line {self.line}: {self.reason}"


@dataclass
class ImportReport:
    read: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self):
        return (
            f"{self.read} lines read: {self.created} created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {len(self.rejected)} rejected."
        )


def check_utf8(binary_file, chunk_size=1 << 20):
    """Read a binary file through once, in chunks, and raise EncodingError if it is not UTF-8.

    The caller seeks back to the start afterwards; this keeps a badly encoded
    file from being half imported.
    """
    decoder = codecs.getincrementaldecoder("utf-8")()
    line = 1
    while chunk := binary_file.read(chunk_size):
        try:
            decoder.decode(chunk)
        except UnicodeDecodeError as error:
            raise EncodingError(line + chunk.count(b"\n", 0, max(error.start, 0))) from error
        line += chunk.count(b"\n")
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as error:
        raise EncodingError(line) from error


def numbered_rows(reader):
    """(line, row, None) for each record a csv reader reads, or (line, None, the
    csv.Error) for one it cannot; blank lines are left out. `line` is the line
    the record begins on (a quoted field may span several lines)."""
    last_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line, last_line = last_line + 1, reader.line_num
            yield line, None, error
            continue
        line, last_line = last_line + 1, reader.line_num
        if any(cell.strip() for cell in row):
            yield line, row, None


def read_header(row, columns=COLUMNS, optional=()):
    """The position of each column present, from the header row; HeaderError if it is not right.

    Every one of ``columns`` must be there; those of ``optional`` may be.
    The positions come in the order of ``columns`` then ``optional``.
    """
    expected = f"Expected the columns {', '.join(columns)} (in any order)"
    if optional:
        expected += f", and optionally {', '.join(optional)}"
    if row is None:
        raise HeaderError(f"The file is empty: expected a header row. {expected}.")
    names = [name.strip().lstrip("\ufeff").lower() for name in row]
    missing = [name for name in columns if name not in names]
    unknown = [name for name in names if name not in columns and name not in optional]
    repeated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(repr(name) for name in unknown)}")
    if repeated:
        problems.append(f"repeated column(s): {', '.join(repeated)}")
    if problems:
        raise HeaderError(
            f"Wrong header row: {'; '.join(problems)}. {expected}. Nothing was imported."
        )
    return {name: names.index(name) for name in (*columns, *optional) if name in names}


def _clean_nir(value):
    try:
        return parse_nir(value)
    except InvalidNIR as error:
        raise InvalidLine(error.message) from error


def _clean_required_text(value):
    if not value:
        raise InvalidLine("obligatoire.")
    return " ".join(value.split())


def _clean_optional_text(value):
    return " ".join(value.split())


def _clean_date(value):
    if not value:
        raise InvalidLine("obligatoire.")
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidLine(f"date non valide {value!r} (attendu AAAA-MM-JJ).") from None


def _clean_optional_date(value):
    return _clean_date(value) if value else None


def _clean_birth_date(value):
    birth_date = _clean_date(value)
    if not OLDEST_BIRTH_DATE <= birth_date <= date.today():
        raise InvalidLine(f"date de naissance impossible {value!r}.")
    return birth_date


def _clean_address(value):
    lines = [" ".join(line.split()) for line in value.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise InvalidLine("obligatoire.")
    if len(lines) > ADDRESS_MAX_LINES:
        raise InvalidLine(f"{ADDRESS_MAX_LINES} lignes au plus ({len(lines)} ici).")
    return "\n".join(lines)


def _clean_postcode(value):
    if not POSTCODE.fullmatch(value) or value.startswith("00"):
        raise InvalidLine(f"le code postal doit comporter 5 chiffres ({value!r}).")
    return value


def _clean_email(value):
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise InvalidLine(f"adresse e-mail non valide {value!r}.") from None
    return value


def _clean_phone(value):
    if not value:
        return ""
    national = FRENCH_NATIONAL_NUMBER.fullmatch(PHONE_SEPARATORS.sub("", value))
    try:
        if national:  # the common case, three times faster than parse()
            number = phonenumbers.PhoneNumber(country_code=33, national_number=int(national[1]))
        else:
            number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        number = None
    if number is None or not phonenumbers.is_valid_number(number):
        raise InvalidLine(f"numéro de téléphone non valide {value!r}.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def _clean_iban(value):
    """The IBAN compact and upper-case; a French one must have the right RIB key.

    The value is not repeated in the message: the report may be kept in logs.
    """
    if not value:
        return ""
    try:
        return IBAN(value, validate_bban=True).compact
    except iban_errors.SchwiftyException as error:
        problem = next(text for kind, text in IBAN_PROBLEMS if isinstance(error, kind))
        raise InvalidLine(f"IBAN non valide : {problem}.") from None


def _clean_rank(value):
    if not value:
        raise InvalidLine("obligatoire.")
    if not RANK.fullmatch(value) or int(value) == 0:
        raise InvalidLine(f"rang non valide {value!r} (un nombre de 1 à 99).")
    return int(value)


def _clean_optional_rank(value):
    return _clean_rank(value) if value else None


def _clean_relationship(value):
    if not value:
        raise InvalidLine("obligatoire.")
    try:
        return RELATIONSHIPS[value.lower()]
    except KeyError:
        raise InvalidLine(f"lien non valide {value!r} (enfant, conjoint ou autre).") from None


class CSVImport(ABC):
    """One CSV file, read as a stream, checked line by line and written in batches.

    A subclass names its columns (``columns`` required, ``optional``), the
    cleaner of each (``cleaners``: text → value, raising InvalidLine), the
    checks across columns (``check``), what makes two lines the same record
    (``key``, at most 40 characters) and how a batch of valid lines is
    written (``write``).

    Creating the import reads the header row (HeaderError when it is wrong,
    before anything is written); ``run()`` imports the rest.
    """

    model = None
    columns = ()
    optional = ()
    cleaners = {}
    duplicate = "ligne déjà présente ligne {line} du fichier (la première ligne est gardée)."

    def __init__(self, lines, batch_size=BATCH_SIZE):
        self.reader = csv.reader(lines)
        try:
            header = next(self.reader, None)
        except csv.Error as error:
            raise HeaderError(f"Unreadable header row: {error}.") from error
        self.positions = read_header(header, self.columns, self.optional)
        self.present = tuple(self.positions)
        self.batch_size = batch_size
        self.report = ImportReport()

    def __init_subclass__(cls):
        super().__init_subclass__()
        cls.max_lengths = {}
        for name in (*cls.columns, *cls.optional):
            try:
                limit = cls.model._meta.get_field(name).max_length
            except FieldDoesNotExist:
                limit = None
            if limit:
                cls.max_lengths[name] = limit

    def run(self, on_batch=None):
        """Import the lines after the header; ``on_batch(report)`` after each batch written."""
        seen = SeenKeys()
        try:
            for batch in self.batches():
                self.write_batch(batch, seen)
                if on_batch:
                    on_batch(self.report)
        finally:
            seen.drop()
        self.report.rejected.sort(key=lambda rejection: rejection.line)
        return self.report

    def write_batch(self, batch, seen):
        """Leave out the keys met before (reported), write the rest."""
        batch = seen.first_occurrences(batch, self.key, self.duplicate, self.report)
        if batch:
            self.write(batch)

    def batches(self):
        """Lists of (line number, cleaned values) of at most batch_size valid lines.

        The last one may be short or empty. Bad lines go to the report.
        """
        report, batch = self.report, []
        for line, row, error in numbered_rows(self.reader):
            report.read += 1
            if error:
                report.rejected.append(Rejection(line, f"CSV: {error}."))
                continue
            if len(row) != len(self.positions):
                reason = f"{len(self.positions)} colonnes attendues, {len(row)} trouvées."
                report.rejected.append(Rejection(line, reason))
                continue
            try:
                data = self.clean({name: row[index] for name, index in self.positions.items()})
            except InvalidLine as error:
                report.rejected.append(Rejection(line, str(error)))
                continue
            batch.append((line, data))
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        yield batch

    @classmethod
    def clean(cls, values):
        """The values of one record, all validated; InvalidLine says every problem."""
        data, errors = {}, []
        for name, value in values.items():
            try:
                data[name] = cls.cleaners[name](value.strip())
            except InvalidLine as error:
                errors.append(f"{name}: {str(error).rstrip('.')}")
            else:
                limit = cls.max_lengths.get(name)
                if limit and len(data[name]) > limit:
                    errors.append(f"{name}: {limit} caractères au plus ({len(data[name])} ici)")
        if not errors:
            errors = cls.check(data)
        if errors:
            raise InvalidLine("; ".join(errors) + ".")
        return data

    @classmethod
    def check(cls, data):
        """Problems between columns of a record whose columns are each valid."""
        return []

    @abstractmethod
    def key(self, data):
        """What identifies a record in the file (duplicates are rejected)."""

    @abstractmethod
    def write(self, batch):
        """Create, update or leave alone the records of one batch of valid lines."""

    def save(self, to_create, to_update, fields):
        """Insert and update (line, instance) pairs: in bulk, or one by one if the bulk fails."""
        model = self.model
        try:
            with transaction.atomic():
                model.objects.bulk_create([instance for _, instance in to_create])
                _update_all(model, fields, [instance for _, instance in to_update])
        except DatabaseError:
            # Another writer got in between (say, the same key inserted meanwhile):
            # fall back to one record at a time so only the failing lines are lost.
            to_create, to_update = _write_one_by_one(to_create, to_update, fields, self.report)
        self.report.created += len(to_create)
        self.report.updated += len(to_update)

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

    def reject(self, line, reason):
        self.report.rejected.append(Rejection(line, reason))


class MembersImport(CSVImport):
    """The registry file: upsert by NIR; an optional column left out leaves its field alone."""

    model = Member
    columns = COLUMNS
    optional = OPTIONAL_COLUMNS
    cleaners = {
        "nir": _clean_nir,
        "last_name": _clean_required_text,
        "birth_name": _clean_optional_text,
        "first_names": _clean_required_text,
        "birth_date": _clean_birth_date,
        "address": _clean_address,
        "postcode": _clean_postcode,
        "city": _clean_required_text,
        "email": _clean_email,
        "phone": _clean_phone,
        "gp_name": _clean_optional_text,
        "iban": _clean_iban,
        "css_start": _clean_optional_date,
        "css_end": _clean_optional_date,
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


class BeneficiariesImport(CSVImport):
    """The beneficiaries file: upsert by member and rank."""

    model = Beneficiary
    columns = BENEFICIARY_COLUMNS
    cleaners = {
        "member_nir": _clean_nir,
        "rank": _clean_rank,
        "relationship": _clean_relationship,
        "last_name": _clean_required_text,
        "first_names": _clean_required_text,
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


class RightsImport(CSVImport):
    """The rights periods file: upsert by member, beneficiary (none: the member's own) and start."""

    model = RightsPeriod
    columns = RIGHTS_COLUMNS
    cleaners = {
        "member_nir": _clean_nir,
        "beneficiary_rank": _clean_optional_rank,
        "start": _clean_date,
        "end": _clean_optional_date,
        "regime": _clean_required_text,
        "fund": _clean_required_text,
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


class SeenKeys:
    """The keys an import has met, with their line, in a temporary table.

    A temporary table lives in the import's own database connection and
    disappears with it: the file can hold millions of records while the
    process keeps a batch in memory.
    """

    TABLE = "assure_import_seen_keys"
    ROWS_PER_INSERT = 450  # 2 parameters a row, under SQLite's oldest limit of 999

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.TABLE} (seen varchar(40) PRIMARY KEY, line integer)"
            )

    def first_occurrences(self, batch, key, message, report):
        """The lines of batch whose ``key(data)`` is new; the others are rejected
        with ``message`` formatted with the first line."""
        if not batch:
            return []
        keys = [key(data) for _, data in batch]
        first_line = {}
        for (line, _), seen in zip(batch, keys, strict=True):
            first_line.setdefault(seen, line)
        with connection.cursor() as cursor:
            first_line.update(self._earlier(cursor, first_line))
        kept = []
        for (line, data), seen in zip(batch, keys, strict=True):
            first = first_line[seen]
            if first == line:
                kept.append((line, data))
            else:
                report.rejected.append(Rejection(line, message.format(line=first)))
        return kept

    def _earlier(self, cursor, first_line):
        """{key: line} of the keys of ``first_line`` met in an earlier batch; the
        others are recorded with their line."""
        if connection.vendor == "postgresql":
            # Insert first, skipping the keys already there: one look-up a key
            # instead of two; arrays make one parameter of all keys (the driver
            # would parse a parameter marker per key).
            cursor.execute(
                f"INSERT INTO {self.TABLE} (seen, line) "  # noqa: S608
                "SELECT * FROM unnest(%s::varchar[], %s::integer[]) "
                "ON CONFLICT (seen) DO NOTHING RETURNING seen",
                [list(first_line), list(first_line.values())],
            )
            new = {seen for (seen,) in cursor.fetchall()}
            known = [seen for seen in first_line if seen not in new]
            if not known:
                return {}
            sql = f"SELECT seen, line FROM {self.TABLE} WHERE seen = ANY(%s)"  # noqa: S608
            cursor.execute(sql, [known])
            return dict(cursor.fetchall())
        keys = list(first_line)
        in_list = ", ".join(["%s"] * len(keys))
        sql = f"SELECT seen, line FROM {self.TABLE} WHERE seen IN ({in_list})"  # noqa: S608
        cursor.execute(sql, keys)
        earlier = dict(cursor.fetchall())
        rows = [(seen, line) for seen, line in first_line.items() if seen not in earlier]
        # Multi-row INSERTs: executemany would run one statement per key.
        for start in range(0, len(rows), self.ROWS_PER_INSERT):
            chunk = rows[start : start + self.ROWS_PER_INSERT]
            cursor.execute(
                f"INSERT INTO {self.TABLE} (seen, line) "  # noqa: S608
                f"VALUES {', '.join(['(%s, %s)'] * len(chunk))}",
                [value for row in chunk for value in row],
            )
        return earlier

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")


def _update_all(model, fields, instances):
    """UPDATE these fields of these instances, one statement run with executemany.

    QuerySet.bulk_update builds a CASE expression per column and row in
    Python, some 2 ms a row; executemany does the same work a hundred
    times faster on SQLite and PostgreSQL alike.
    """
    if not instances:
        return
    fields = [model._meta.get_field(name) for name in fields]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Only quoted identifiers from the model are formatted in; values are parameters.
    sql = (
        f"UPDATE {quote(model._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(model._meta.pk.column)} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(instance, field.attname), connection) for field in fields]
        + [instance.pk]
        for instance in instances
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write_one_by_one(to_create, to_update, fields, report):
    written = {"create": [], "update": []}
    for kind, items in (("create", to_create), ("update", to_update)):
        for line, instance in items:
            try:
                with transaction.atomic():
                    if kind == "create":
                        instance.pk = None
                        instance.save(force_insert=True)
                    else:
                        instance.save(update_fields=fields)
            except DatabaseError as error:
                report.rejected.append(Rejection(line, f"database: {error}"))
            else:
                written[kind].append((line, instance))
    return written["create"], written["update"]


def analyze(*models):
    """Refresh the planner's statistics of the models' tables after an import that
    changed rows (searches then use their indexes at once, not after autovacuum);
    on PostgreSQL also the visibility map, so that index-only scans read the
    index alone. ANALYZE reads a sample of a table (some 30,000 rows), VACUUM
    only the pages changed: under a second after 500,000 rows."""
    with connection.cursor() as cursor:
        for model in models:
            table = connection.ops.quote_name(model._meta.db_table)
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                cursor.execute(f"VACUUM (ANALYZE) {table}")
            else:
                cursor.execute(f"ANALYZE {table}")
