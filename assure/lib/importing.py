"""The framework of the CSV imports: reading, checking, reporting; it knows no app.

An import reads a stream of text lines (``numbered_rows``: each record with
the line it begins on, blank lines left out), after checking the whole file
is UTF-8 (``check_utf8``). The header row names the columns in any order
(``read_header``). Each line is cleaned column by column by functions of the
text (``clean_date``, ``clean_postcode``, ``clean_phone``…, raising
``InvalidLine`` with the reason in French) and checked whole before anything
is written; a bad line becomes a ``Rejection`` (its line number and reason)
in the ``ImportReport`` and never stops the import. ``CSVImport`` puts these
together for the files of one record a line, written in batches through
``assure.lib.bulk``.

When the same key appears twice in a file, the first line is kept and the
later ones are rejected (the report names the first line). ``SeenKeys`` keeps
the keys met in a temporary table of the database, not in memory, so an
import runs in constant memory whatever the size of the file.

``read_by_a_child`` reads the batches of an import in a forked child process
while this one writes the batches before.
"""

import codecs
import csv
import multiprocessing
import re
import signal
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from datetime import date

import phonenumbers
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.core.validators import EmailValidator
from django.db import connection
from schwifty import IBAN
from schwifty import exceptions as iban_errors

from assure.lib import bulk
from assure.lib.nir import InvalidNIR, parse_nir

BATCH_SIZE = 1000
ADDRESS_MAX_LINES = 4  # a letter's address block: name, up to 4 lines, postcode and city
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
POSTCODE = re.compile(r"\d{5}")
RANK = re.compile(r"\d{1,2}")
PHONE_SEPARATORS = re.compile(r"[\s.\-]+")
FRENCH_NATIONAL_NUMBER = re.compile(r"0([1-9]\d{8})")
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


def unreadable(error):
    """Why the csv module could not read a record, in French like every reason of a report."""
    if str(error).startswith("field larger than field limit"):
        return f"une cellule dépasse {csv.field_size_limit()} caractères"
    return str(error)


NUL = (
    "caractère nul (0x00) dans la ligne, qu'aucun champ ne peut contenir : le fichier "
    "a été mal exporté ou abîmé"
)


def numbered_rows(reader):
    """(line, row, None) for each record a csv reader reads, (line, None, a
    csv.Error saying why in French) for one it cannot, and (line, row, a
    csv.Error) for one that holds a NUL character (the forms refuse it,
    PostgreSQL cannot store it): the line is rejected, its cells still say
    which record it belongs to. Blank lines are left out. `line` is the line
    the record begins on (a quoted field may span several lines)."""
    last_line = reader.line_num
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            line, last_line = last_line + 1, reader.line_num
            yield line, None, csv.Error(unreadable(error))
            continue
        line, last_line = last_line + 1, reader.line_num
        if "\x00" in "".join(row):
            yield line, row, csv.Error(NUL)
        elif any(cell.strip() for cell in row):
            yield line, row, None


def read_header(row, columns, optional=()):
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


def clean_nir(value):
    try:
        return parse_nir(value)
    except InvalidNIR as error:
        raise InvalidLine(error.message) from error


def clean_required_text(value):
    if not value:
        raise InvalidLine("obligatoire.")
    return " ".join(value.split())


def clean_optional_text(value):
    return " ".join(value.split())


def clean_date(value):
    if not value:
        raise InvalidLine("obligatoire.")
    try:
        if not ISO_DATE.fullmatch(value):
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise InvalidLine(f"date non valide {value!r} (attendu AAAA-MM-JJ).") from None


def clean_optional_date(value):
    return clean_date(value) if value else None


def clean_address(value):
    lines = [" ".join(line.split()) for line in value.splitlines()]
    lines = [line for line in lines if line]
    if not lines:
        raise InvalidLine("obligatoire.")
    if len(lines) > ADDRESS_MAX_LINES:
        raise InvalidLine(f"{ADDRESS_MAX_LINES} lignes au plus ({len(lines)} ici).")
    return "\n".join(lines)


def clean_postcode(value):
    if not POSTCODE.fullmatch(value) or value.startswith("00"):
        raise InvalidLine(f"le code postal doit comporter 5 chiffres ({value!r}).")
    return value


def clean_email(value):
    if not value:
        return ""
    try:
        validate_email(value)
    except ValidationError:
        raise InvalidLine(f"adresse e-mail non valide {value!r}.") from None
    return value


def clean_phone(value):
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


def clean_iban(value):
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


def clean_rank(value):
    if not value:
        raise InvalidLine("obligatoire.")
    if not RANK.fullmatch(value) or int(value) == 0:
        raise InvalidLine(f"rang non valide {value!r} (un nombre de 1 à 99).")
    return int(value)


def clean_optional_rank(value):
    return clean_rank(value) if value else None


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
        self.reader = self.csv_reader(lines)
        try:
            header = next(self.reader, None)
        except csv.Error as error:
            raise HeaderError(f"Unreadable header row: {error}.") from error
        self.positions = read_header(header, self.columns, self.optional)
        self.present = tuple(self.positions)
        self.batch_size = batch_size
        self.report = ImportReport()

    def csv_reader(self, lines):
        """The csv reader of the lines: comma-separated (a subclass may read otherwise)."""
        return csv.reader(lines)

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
        """Insert and update (line, instance) pairs: in bulk, or one by one if the bulk fails
        (another writer got in between, say the same key inserted meanwhile)."""
        created, updated = bulk.save(self.model, fields, to_create, to_update, self.reject)
        self.report.created += len(created)
        self.report.updated += len(updated)

    def reject(self, line, reason):
        self.report.rejected.append(Rejection(line, reason))


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


def read_by_a_child(batches, report, counts=("read",)):
    """The batches of ``batches()``, read and checked by a child process while
    this one writes the batches before into the database.

    Reading and checking the lines is about half of an import's work and the
    database the other half: a forked child reads and sends each batch through
    a pipe, which holds at most one (the memory stays bounded), with the
    ``report``'s ``counts`` (attribute names) and rejected lines so far, which
    are copied into this side's report. The child touches no database
    connection. An error in the child is raised here; the child is stopped if
    this side stops first. Without ``fork`` (Windows), the batches are read
    here.
    """
    if "fork" not in multiprocessing.get_all_start_methods():
        yield from batches()
        return
    context = multiprocessing.get_context("fork")
    receiver, sender = context.Pipe(duplex=False)
    child = context.Process(
        target=_send_batches, args=(batches, report, counts, sender), daemon=True
    )
    child.start()
    sender.close()
    try:
        while True:
            try:
                batch, values, rejected, error = receiver.recv()
            except EOFError:
                child.join()
                raise RuntimeError(
                    f"The process reading the file stopped (exit code {child.exitcode})."
                ) from None
            for name, value in zip(counts, values, strict=True):
                setattr(report, name, value)
            report.rejected += rejected
            if error is not None:
                raise error
            if batch is None:
                return
            yield batch
    finally:
        receiver.close()
        if child.is_alive():
            child.terminate()
        child.join()


def _send_batches(batches, report, counts, sender):
    """In the child: each batch with the report's counts, then None (the end) or the error."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C stops the parent, which stops it
    sent = 0

    def send(batch, error=None):
        nonlocal sent
        values = tuple(getattr(report, name) for name in counts)
        sender.send((batch, values, report.rejected[sent:], error))
        sent = len(report.rejected)

    try:
        for batch in batches():
            send(batch)
    except Exception as error:  # noqa: BLE001 (raised again in the parent)
        try:
            send(None, error)
        except Exception:  # noqa: BLE001 (an error that cannot be pickled)
            send(None, RuntimeError(repr(error)))
    else:
        send(None)
    sender.close()
