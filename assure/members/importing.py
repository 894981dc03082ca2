"""Importing the fund's registry of members from a CSV file (`assure import_members`).

The format is described in docs/formats.md. In short: UTF-8 (with or without
BOM), comma-separated, one header row naming the columns of ``COLUMNS`` in
any order; one member per record; the address lines are separated by line
breaks inside a quoted field.

The import is an upsert by NIR: a new NIR creates a member, a known one
updates it when something differs, so importing the same file twice changes
nothing. The file is read as a stream and written in batches of
``BATCH_SIZE`` members (one query to fetch the known members of a batch, one
bulk insert, one bulk update). Every line is validated whole before anything
is written: a bad line is reported with its line number and reason and never
stops the import nor leaves a half-written member.

When the same NIR appears twice in a file, the first line is kept and the
later ones are rejected (the report names the first line). The NIRs already
seen are kept in a temporary table of the database, not in memory, so the
import runs in constant memory whatever the size of the file.
"""

import codecs
import csv
import re
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from assure.lib.nir import InvalidNIR, parse_nir

from .models import Member

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
BATCH_SIZE = 1000
ADDRESS_MAX_LINES = 4  # a letter's address block: name, up to 4 lines, postcode and city
OLDEST_BIRTH_DATE = date(1880, 1, 1)
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
POSTCODE = re.compile(r"\d{5}")
PHONE_SEPARATORS = re.compile(r"[\s.\-]+")
FRENCH_NATIONAL_NUMBER = re.compile(r"0([1-9]\d{8})")
MAX_LENGTHS = {
    name: Member._meta.get_field(name).max_length
    for name in COLUMNS
    if Member._meta.get_field(name).max_length and name != "nir"
}
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


def read_header(row):
    """The position of each column, from the header row; HeaderError if it is not right."""
    if row is None:
        raise HeaderError(f"The file is empty: expected a header row with {', '.join(COLUMNS)}.")
    names = [name.strip().lstrip("\ufeff").lower() for name in row]
    missing = [name for name in COLUMNS if name not in names]
    unknown = [name for name in names if name not in COLUMNS]
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
            f"Wrong header row: {'; '.join(problems)}. "
            f"Expected the columns {', '.join(COLUMNS)} (in any order). Nothing was imported."
        )
    return {name: names.index(name) for name in COLUMNS}


def clean_line(values):
    """The model fields of one CSV record, all validated; InvalidLine says what is wrong."""
    data, errors = {}, []
    for name in COLUMNS:
        try:
            data[name] = CLEANERS[name](values[name].strip())
        except InvalidLine as error:
            errors.append(f"{name}: {str(error).rstrip('.')}")
        else:
            limit = MAX_LENGTHS.get(name)
            if limit and len(data[name]) > limit:
                errors.append(f"{name}: {limit} caractères au plus ({len(data[name])} ici)")
    if errors:
        raise InvalidLine("; ".join(errors) + ".")
    return data


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


def _clean_birth_date(value):
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        birth_date = date.fromisoformat(value)
    except ValueError:
        raise InvalidLine(f"date non valide {value!r} (attendu AAAA-MM-JJ).") from None
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


CLEANERS = {
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
}


def import_members(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the members of a CSV stream; returns an ImportReport.

    ``lines`` is any iterable of text lines: a file opened with
    ``encoding="utf-8-sig", newline=""``, or a generator. It is consumed
    lazily; ``on_batch(report)`` is called after each batch is written.
    Raises HeaderError, before writing anything, when the header is wrong.
    """
    reader = csv.reader(lines)
    report = ImportReport()
    try:
        positions = read_header(next(reader, None))
    except csv.Error as error:
        raise HeaderError(f"Unreadable header row: {error}.") from error
    seen = SeenNIRs()
    batch = []
    last_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            break
        except csv.Error as error:
            report.read += 1
            report.rejected.append(Rejection(last_line + 1, f"CSV: {error}."))
            last_line = reader.line_num
            continue
        line, last_line = last_line + 1, reader.line_num
        if not any(cell.strip() for cell in row):
            continue  # blank lines are not records
        report.read += 1
        try:
            data = _clean_row(row, positions)
        except InvalidLine as error:
            report.rejected.append(Rejection(line, str(error)))
            continue
        batch.append((line, data))
        if len(batch) >= batch_size:
            _write(seen.first_occurrences(batch, report), report)
            batch = []
            if on_batch:
                on_batch(report)
    if batch:
        _write(seen.first_occurrences(batch, report), report)
    if on_batch:
        on_batch(report)
    seen.drop()
    report.rejected.sort(key=lambda rejection: rejection.line)
    return report


def _clean_row(row, positions):
    if len(row) != len(positions):
        raise InvalidLine(f"{len(positions)} colonnes attendues, {len(row)} trouvées.")
    return clean_line({name: row[index] for name, index in positions.items()})


class SeenNIRs:
    """The NIRs an import has met, with their line, in a temporary table.

    A temporary table lives in the import's own database connection and
    disappears with it: the file can hold millions of members while the
    process keeps a batch in memory.
    """

    TABLE = "assure_import_seen_nirs"

    def __init__(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")
            cursor.execute(
                f"CREATE TEMPORARY TABLE {self.TABLE} (nir varchar(13) PRIMARY KEY, line integer)"
            )

    def first_occurrences(self, batch, report):
        """The lines of batch whose NIR is new; the others are rejected."""
        nirs = list({data["nir"] for _, data in batch})
        in_list = ", ".join(["%s"] * len(nirs))
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT nir, line FROM {self.TABLE} WHERE nir IN ({in_list})",  # noqa: S608
                nirs,
            )
            first_line = dict(cursor.fetchall())
            kept = []
            for line, data in batch:
                if data["nir"] in first_line:
                    report.rejected.append(
                        Rejection(
                            line,
                            f"nir: numéro déjà présent ligne {first_line[data['nir']]} du "
                            "fichier (la première ligne est gardée).",
                        )
                    )
                    continue
                first_line[data["nir"]] = line
                kept.append((line, data))
            cursor.executemany(
                f"INSERT INTO {self.TABLE} (nir, line) VALUES (%s, %s)",  # noqa: S608
                [(data["nir"], line) for line, data in kept],
            )
        return kept

    def drop(self):
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {self.TABLE}")


def _write(batch, report):
    """Create, update or leave alone the members of one batch of valid lines."""
    known = _known_members([data["nir"] for _, data in batch])
    now = timezone.now()
    to_create, to_update, unchanged = [], [], 0
    for line, data in batch:
        row = known.get(data["nir"])
        if row is None:
            to_create.append((line, Member(**data)))
        elif row[1:] != tuple(data[name] for name in COLUMNS):
            to_update.append((line, Member(pk=row[0], updated_at=now, **data)))
        else:
            unchanged += 1
    try:
        with transaction.atomic():
            Member.objects.bulk_create([member for _, member in to_create])
            _update_all([member for _, member in to_update])
    except DatabaseError:
        # Another writer got in between (say, the same NIR inserted meanwhile):
        # fall back to one member at a time so only the failing lines are lost.
        to_create, to_update = _write_one_by_one(to_create, to_update, report)
    report.created += len(to_create)
    report.updated += len(to_update)
    report.unchanged += unchanged


def _known_members(nirs):
    """{nir: (pk, *COLUMNS)} of the members already in the registry, in one query.

    Plain tuples, not model instances: most lines of a re-import are unchanged.
    """
    rows = Member.objects.filter(nir__in=nirs).values_list("pk", *COLUMNS)
    return {row[1]: row for row in rows}


def _update_all(members):
    """UPDATE the imported columns of these members, one statement run with executemany.

    QuerySet.bulk_update builds a CASE expression per column and row in
    Python, some 2 ms a member; executemany does the same work a hundred
    times faster on SQLite and PostgreSQL alike.
    """
    if not members:
        return
    fields = [Member._meta.get_field(name) for name in (*COLUMNS, "updated_at")]
    quote = connection.ops.quote_name
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    # Only quoted identifiers from the model are formatted in; values are parameters.
    sql = (
        f"UPDATE {quote(Member._meta.db_table)} SET {assignments} "  # noqa: S608
        f"WHERE {quote(Member._meta.pk.column)} = %s"
    )
    params = [
        [field.get_db_prep_save(getattr(member, field.attname), connection) for field in fields]
        + [member.pk]
        for member in members
    ]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def _write_one_by_one(to_create, to_update, report):
    written = {"create": [], "update": []}
    for kind, items in (("create", to_create), ("update", to_update)):
        for line, member in items:
            try:
                with transaction.atomic():
                    if kind == "create":
                        member.pk = None
                        member.save(force_insert=True)
                    else:
                        member.save(update_fields=[*COLUMNS, "updated_at"])
            except DatabaseError as error:
                report.rejected.append(Rejection(line, f"database: {error}"))
            else:
                written[kind].append((line, member))
    return written["create"], written["update"]
