"""Importing health professionals from the RPPS open-data file (`assure import_directory`).

The file is the "PS_LibreAcces_Personne_activite" extraction of
annuaire.sante.fr, described in docs/formats.md ("Health professionals
(RPPS)"): UTF-8 (with or without BOM), fields separated by "|" and never
quoted, one header row whose labels vary a little between extractions. The
columns are found by their label, compared without case, accents,
punctuation or extra spaces; the others (there are some fifty) are ignored.

One line is one professional's activity at one place; it becomes one
``PracticePlace``, identified by the RPPS number and the place's key
(``place_key``). The import is an upsert on that pair: importing the same file
twice changes nothing. It is streamed and written in batches, so it runs in
constant memory: the communes' centres are read once (France has some 35,000
communes), then on SQLite each batch takes one query for the rows already
there (none when the table was empty), one bulk insert, one bulk update; on
PostgreSQL one COPY into a temporary table and one upsert
(``_PostgresStage``, a ``StagedUpsert`` of assure/lib/bulk.py). The pairs
already met are kept in a temporary table, and a repeated pair keeps its
first line. After an import that changed rows the table's statistics are
refreshed (``analyze``).

The lines are read and checked by a forked child process while this one
writes the batches before (``read_by_a_child`` of assure/lib/importing.py):
each is about half of the work, and on two cores they run side by side.

The fees file (``assure import_fees``) is imported by importing_fees.py.
"""

import contextlib
import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from operator import itemgetter

from django.db import connection, transaction

from assure.geography.models import Commune, search_key
from assure.lib import bulk
from assure.lib.importing import (
    NUL,
    HeaderError,
    ImportReport,
    Rejection,
    SeenKeys,
    read_by_a_child,
    unreadable,
)
from assure.lib.names import normalize_name

from .models import PracticePlace, cell_of

BATCH_SIZE = 2000
BATCHES_PER_TRANSACTION = 20  # on SQLite (see DirectoryImport._run)
# field: the label of its column in the file. The labels are compared normalised.
REQUIRED = {
    "rpps": "Identifiant PP",
    "last_name": "Nom d'exercice",
    "first_name": "Prénom d'exercice",
    "profession": "Libellé profession",
    "specialty": "Libellé savoir-faire",
    "postcode": "Code postal (coord. structure)",
    "insee": "Code commune (coord. structure)",
    "city": "Libellé commune (coord. structure)",
}
OPTIONAL = {
    "title": "Libellé civilité d'exercice",
    "structure_id": "Identifiant technique de la structure",
    "siret": "Numéro SIRET site",
    "finess": "Numéro FINESS site",
    "company": "Raison sociale site",
    "sign": "Enseigne commerciale site",
    "recipient": "Complément destinataire (coord. structure)",
    "spot": "Complément point géographique (coord. structure)",
    "number": "Numéro Voie (coord. structure)",
    "repeat": "Indice répétition voie (coord. structure)",
    "street_type": "Libellé type de voie (coord. structure)",
    "street": "Libellé Voie (coord. structure)",
    "distribution": "Mention distribution (coord. structure)",
    "cedex": "Bureau cedex (coord. structure)",
    "phone": "Téléphone (coord. structure)",
}
# ``clean`` takes the cells in this order.
COLUMNS = (*REQUIRED, *OPTIONAL)
# What an import writes of a place, in this order (``clean``, then ``locate``).
INSERTED = ("rpps", "place_key", *PracticePlace.UPDATABLE)
INSEE_INDEX = INSERTED.index("insee")
NOWHERE = (None, None, None)  # the position of a place whose commune is unknown
# The header of the extraction of November 2026, in its order (the import does not
# depend on it: columns are found by label). For tests and benchmarks.
EXTRACTION_COLUMNS = [
    "Type d'identifiant PP", "Identifiant PP", "Identification nationale PP",
    "Code civilité d'exercice", "Libellé civilité d'exercice", "Code civilité",
    "Libellé civilité", "Nom d'exercice", "Prénom d'exercice", "Code profession",
    "Libellé profession", "Code catégorie professionnelle",
    "Libellé catégorie professionnelle", "Code type savoir-faire",
    "Libellé type savoir-faire", "Code savoir-faire", "Libellé savoir-faire",
    "Code mode exercice", "Libellé mode exercice", "Numéro SIRET site", "Numéro SIREN site",
    "Numéro FINESS site", "Numéro FINESS établissement juridique",
    "Identifiant technique de la structure", "Raison sociale site",
    "Enseigne commerciale site", "Complément destinataire (coord. structure)",
    "Complément point géographique (coord. structure)", "Numéro Voie (coord. structure)",
    "Indice répétition voie (coord. structure)", "Code type de voie (coord. structure)",
    "Libellé type de voie (coord. structure)", "Libellé Voie (coord. structure)",
    "Mention distribution (coord. structure)", "Bureau cedex (coord. structure)",
    "Code postal (coord. structure)", "Code commune (coord. structure)",
    "Libellé commune (coord. structure)", "Code pays (coord. structure)",
    "Libellé pays (coord. structure)", "Téléphone (coord. structure)",
    "Téléphone 2 (coord. structure)", "Télécopie (coord. structure)",
    "Adresse e-mail (coord. structure)", "Code Département (structure)",
    "Libellé Département (structure)", "Ancien identifiant de la structure",
    "Autorité d'enregistrement", "Code secteur d'activité", "Libellé secteur d'activité",
    "Code section tableau pharmaciens", "Libellé section tableau pharmaciens", "Code rôle",
    "Libellé rôle", "Code genre activité", "Libellé genre activité",
]  # fmt: skip
RPPS = re.compile(r"\d{11}")
POSTCODE = re.compile(r"\d{5}")
INSEE = re.compile(r"\d{5}|2[AB]\d{3}")
STRUCTURE_ID = re.compile(r"[A-Za-z0-9]{1,40}")
# The four together, as ``clean`` joins them: "rpps|postcode|insee|structure_id"
# (the last may be empty). One test of a line instead of four.
VALID = re.compile(r"\d{11}\|\d{5}\|(?:\d{5}|2[AB]\d{3})\|[A-Za-z0-9]{0,40}")
PHONE = re.compile(r"0\d{9}")
PHONE_SEPARATORS = re.compile(r"[\s.\-]")
TITLES = {"docteur": "Dr", "professeur": "Pr"}
# What members look for: (profession, savoir-faire) → kind, both normalised
# (normalize_name). A savoir-faire not listed gives the profession's kind.
GENERAL_PRACTICE = (
    "medecine generale",
    "specialiste en medecine generale",
    "qualifie en medecine generale",
)
KINDS = {
    **{("medecin", specialty): "Médecin généraliste" for specialty in GENERAL_PRACTICE},
    ("medecin", "pediatrie"): "Pédiatre",
    ("medecin", "ophtalmologie"): "Ophtalmologiste",
    ("medecin", "gynecologie medicale"): "Gynécologue",
    ("medecin", "gynecologie obstetrique"): "Gynécologue",
    ("medecin", "gynecologie medicale et obstetrique"): "Gynécologue",
    ("medecin", "dermatologie et venereologie"): "Dermatologue",
    ("medecin", "cardiologie et maladies vasculaires"): "Cardiologue",
    ("medecin", "pathologies cardio vasculaires"): "Cardiologue",
    ("medecin", "psychiatrie"): "Psychiatre",
    ("medecin", "oto rhino laryngologie"): "ORL",
    ("medecin", "oto rhino laryngologie et chirurgie cervico faciale"): "ORL",
    ("medecin", "radio diagnostic"): "Radiologue",
    ("medecin", "radio diagnostic et imagerie medicale"): "Radiologue",
    ("medecin", "rhumatologie"): "Rhumatologue",
    ("medecin", "gastro enterologie et hepatologie"): "Gastro-entérologue",
    ("medecin", "pneumologie"): "Pneumologue",
    ("medecin", "endocrinologie diabetologie et maladies metaboliques"): "Endocrinologue",
    ("medecin", "endocrinologie et metabolisme"): "Endocrinologue",
    ("medecin", "neurologie"): "Neurologue",
    ("medecin", "anesthesie reanimation"): "Anesthésiste",
    ("chirurgien dentiste", "orthopedie dento faciale"): "Orthodontiste",
}
WITHOUT_PLACE_REASON = "sans lieu d'exercice"


class DirectoryHeaderError(HeaderError):
    """The header row lacks a required column: nothing is imported."""


@dataclass
class DirectoryReport(ImportReport):
    without_place: int = 0
    not_locatable: int = 0

    def summary(self):
        return (
            super().summary()
            + f" {self.without_place} sans lieu d'exercice (ignorées),"
            + f" {self.not_locatable} non localisables (commune inconnue)."
        )


class InvalidLine(ValueError):
    pass


class WithoutPlace(Exception):
    """A professional without a practice address: not a place to import."""


def _tidy(joined):
    """Whether fields joined by "|" (which none holds) have no space at either end,
    no two spaces in a row and no whitespace but spaces (a fast test on the line)."""
    return " ".join(joined.split()) == joined and " |" not in joined and "| " not in joined


def column_key(label):
    """How column labels are compared: "Libellé Voie (coord. structure)" → "libelle voie coord
    structure"."""
    return normalize_name(label)


@lru_cache(maxsize=4096)
def kind_of(profession, specialty):
    """What members look for: "Médecin" + "Médecine Générale" → "Médecin généraliste";
    an unlisted pair gives the profession, "Masseur-Kinésithérapeute" → "Masseur-kinésithérapeute".
    """
    kind = KINDS.get((normalize_name(profession), normalize_name(specialty)))
    return kind or profession[:1].upper() + profession[1:].lower()


@lru_cache(maxsize=65536)
def _name_key(name):
    """search_key of a last or a first name: names repeat, the key of "MARTIN Marie"
    is that of "MARTIN", a space, that of "Marie"."""
    return search_key(name)


@lru_cache(maxsize=256)
def title_of(label):
    """ "Docteur" → "Dr", "Professeur" → "Pr", anything else nothing."""
    return TITLES.get(normalize_name(label), "")


def format_phone(value):
    """ "0123456789" → "01 23 45 67 89"; anything else as given, spaces tidied."""
    if len(value) == 10 and value.isdigit() and value[0] == "0":
        return f"{value[:2]} {value[2:4]} {value[4:6]} {value[6:8]} {value[8:]}"
    digits = PHONE_SEPARATORS.sub("", value)
    if digits.startswith("+33") and len(digits) == 12:
        digits = "0" + digits[3:]
    if PHONE.fullmatch(digits):
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return " ".join(value.split())


def address_digest(*parts):
    """The key of a place known by its address only: 20 hex digits of its SHA-1."""
    text = "|".join(normalize_name(part) for part in parts)
    return "ADR:" + hashlib.sha1(text.encode(), usedforsecurity=False).hexdigest()[:20]


def _problems(rpps, last_name, profession, postcode, insee, city, structure_id):
    """What is wrong with the cells of a line ``VALID`` refused, one sentence."""
    errors = []
    if not RPPS.fullmatch(rpps):
        errors.append(f"Identifiant PP : numéro RPPS non valide {rpps!r} (11 chiffres)")
    if not last_name:
        errors.append("Nom d'exercice : obligatoire")
    if not profession:
        errors.append("Libellé profession : obligatoire")
    if not POSTCODE.fullmatch(postcode):
        errors.append(f"Code postal : code postal non valide {postcode!r} (5 chiffres)")
    if not INSEE.fullmatch(insee):
        errors.append(
            f"Code commune : code INSEE non valide {insee!r} "
            "(5 caractères : 2 chiffres ou 2A/2B, puis 3 chiffres)"
        )
    if not city:
        errors.append("Libellé commune : obligatoire")
    if structure_id and not STRUCTURE_ID.fullmatch(structure_id):
        errors.append(
            f"Identifiant technique de la structure : non valide {structure_id[:50]!r} "
            "(40 lettres sans accent ou chiffres au plus)"
        )
    return "; ".join(errors) + "."


class DirectoryImport:
    """One RPPS file: header checked on creation (HeaderError), ``run()`` imports the lines."""

    duplicate = (
        "professionnel déjà présent à ce lieu ligne {line} du fichier "
        "(la première ligne est gardée)."
    )

    def __init__(self, lines, batch_size=BATCH_SIZE):
        self.reader = csv.reader(lines, delimiter="|", quoting=csv.QUOTE_NONE)
        try:
            header = next(self.reader, None)
        except csv.Error as error:
            raise DirectoryHeaderError(f"Unreadable header row: {error}.") from error
        self.positions = self.read_header(header)
        self.width = len(header)
        self.batch_size = batch_size
        self.report = DirectoryReport()

    @staticmethod
    def read_header(header):
        if not header:
            raise DirectoryHeaderError(
                "The file is empty: expected the header row of the RPPS extraction. "
                "Nothing was imported."
            )
        found = {}
        for index, label in enumerate(header):
            found.setdefault(column_key(label.lstrip("\ufeff")), index)
        missing = [label for label in REQUIRED.values() if column_key(label) not in found]
        if missing:
            raise DirectoryHeaderError(
                f"Wrong header row: missing column(s): {', '.join(missing)}. "
                "Is it the RPPS file “PS_LibreAcces_Personne_activite” (fields separated by |)? "
                "Nothing was imported."
            )
        return {
            name: found[column_key(label)]
            for name, label in (*REQUIRED.items(), *OPTIONAL.items())
            if column_key(label) in found
        }

    def run(self, on_batch=None):
        # Every commune's centre and its cell, read once: France has some 35,000 communes.
        self.centres = {
            insee: (latitude, longitude, cell_of(latitude, longitude))
            for insee, latitude, longitude in Commune.objects.values_list(
                "insee", "latitude", "longitude"
            )
        }
        # Into an empty table every line is new: no need to read the rows there.
        self.into_empty_table = not PracticePlace.objects.exists()
        stage = _PostgresStage() if connection.vendor == "postgresql" else None
        seen = None if stage else SeenKeys()
        with bulk.larger_sqlite_cache():
            self._run(stage, seen, on_batch)
        self.report.rejected.sort(key=lambda rejection: rejection.line)
        if self.report.created or self.report.updated:
            # Without statistics PostgreSQL may scan every cell of a band of
            # latitudes rather than read the index by kind and cell.
            bulk.analyze(PracticePlace)
        return self.report

    def _run(self, stage, seen, on_batch):
        # SQLite: one transaction for several batches (each its savepoint), so
        # that an index page changed by many batches is written out once.
        group = 1 if stage else BATCHES_PER_TRANSACTION
        transactions = contextlib.ExitStack()
        try:
            batches = read_by_a_child(self.batches, self.report, ("read", "without_place"))
            with transactions, contextlib.closing(batches):
                for index, batch in enumerate(batches):
                    if index % group == 0:
                        transactions.close()  # commits the batches before
                        transactions.enter_context(transaction.atomic())
                    if stage:
                        stage.write(self, batch)
                    else:
                        batch = seen.first_occurrences(batch, self.key, self.duplicate, self.report)
                        if batch:
                            self.write(batch)
                    if on_batch:
                        on_batch(self.report)
        finally:
            (stage or seen).drop()

    def locate(self, values):
        """``values`` (``clean``'s) with the place's latitude, longitude and cell,
        from its commune's centre (all None when the commune is unknown)."""
        position = self.centres.get(values[INSEE_INDEX], NOWHERE)
        if position[0] is None:
            self.report.not_locatable += 1
        return values + position

    @staticmethod
    def key(values):
        key = f"{values[0]} {values[1]}"  # rpps, place_key
        if len(key) > 40:  # SeenKeys' limit
            key = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
        return key

    def batches(self):
        """Lists of (line, values) (see ``clean``), the bad lines reported."""
        report, batch, width = self.report, [], self.width
        # A column the file lacks reads the empty cell appended to each row.
        fields_of = itemgetter(*(self.positions.get(name, width) for name in COLUMNS))
        reader = self.reader
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as error:
                report.read += 1
                report.rejected.append(Rejection(reader.line_num, f"CSV : {unreadable(error)}."))
                continue
            # Never quoted, a record is one line.
            if len(row) != width and not any(cell.strip() for cell in row):
                continue  # a blank line
            report.read += 1
            if len(row) != width:
                reason = f"{width} colonnes attendues, {len(row)} trouvées."
                report.rejected.append(Rejection(reader.line_num, reason))
                continue
            row.append("")
            fields = fields_of(row)
            joined = "|".join(fields)
            if "\x00" in joined:  # in a column read (the others are left alone)
                report.rejected.append(Rejection(reader.line_num, f"CSV : {NUL}."))
                continue
            if not _tidy(joined):  # rare: most lines need no tidying
                fields = [" ".join(field.split()) for field in fields]
            try:
                values = self.clean(*fields)
            except WithoutPlace:
                report.without_place += 1
                continue
            except InvalidLine as error:
                report.rejected.append(Rejection(reader.line_num, str(error)))
                continue
            batch.append((reader.line_num, values))
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        yield batch

    @staticmethod
    def clean(
        rpps, last_name, first_name, profession, specialty, postcode, insee, city,
        title, structure_id, siret, finess, company, sign, recipient, spot, number, repeat,
        street_type, street, distribution, cedex, phone,
    ):  # fmt: skip
        """The values of a PracticePlace from the cells of one line, in the order of
        ``COLUMNS`` ("" for a column the file lacks): those of ``INSERTED`` but the
        position (see ``locate``). InvalidLine names every problem.

        The cells are tidy: no space at either end, single spaces inside
        (``batches`` makes them so).
        """
        insee = insee.upper()
        if not postcode and not insee:
            raise WithoutPlace
        if not VALID.fullmatch(f"{rpps}|{postcode}|{insee}|{structure_id}") or not (
            last_name and profession and city
        ):
            raise InvalidLine(
                _problems(rpps, last_name, profession, postcode, insee, city, structure_id)
            )
        street = " ".join(part for part in (number, repeat, street_type, street) if part)
        address = "\n".join(line for line in (recipient, spot, street, distribution) if line)
        structure = sign or company
        if structure_id:
            place_key = structure_id
        elif siret.isdigit():
            place_key = f"SIRET:{siret}"
        elif finess.isalnum():
            place_key = f"FINESS:{finess}"
        else:
            place_key = address_digest(
                structure, recipient, spot, street, distribution, postcode, insee
            )
        search_name = " ".join(filter(None, (_name_key(last_name), _name_key(first_name))))
        return (
            rpps,
            place_key,
            title_of(title),
            last_name[:100],
            first_name[:100],
            search_name[:201],
            profession[:100],
            specialty[:150],
            kind_of(profession, specialty)[:100],
            structure[:200],
            address,
            postcode,
            insee,
            (cedex or city)[:100],
            format_phone(phone)[:30],
        )

    def write(self, batch):
        """Insert, update or leave each row (SQLite; see _PostgresStage for PostgreSQL)."""
        fields = PracticePlace.UPDATABLE
        known = {}
        if not self.into_empty_table:
            known = {
                row[1:3]: row
                for row in PracticePlace.objects.filter(
                    rpps__in={values[0] for _, values in batch}
                ).values_list("pk", "rpps", "place_key", *fields)
            }
        to_create, to_update = [], []
        for line, values in batch:
            values = self.locate(values)
            row = known.get(values[:2])
            if row is None:
                to_create.append((line, values))
            elif row[3:] != values[2:]:
                to_update.append((line, _place(values, pk=row[0])))
            else:
                self.report.unchanged += 1

        def insert(pairs):
            _insert_all([values for _, values in pairs])

        def update(pairs):
            bulk.update_all(PracticePlace, fields, [place for _, place in pairs])

        def reject(pair, error):
            self.report.rejected.append(Rejection(pair[0], f"database: {error}"))

        # Another writer may get in between: then one row at a time, only the failing lines lost.
        to_create, to_update = bulk.write_or_one_by_one(
            [(insert, to_create), (update, to_update)], reject
        )
        self.report.created += len(to_create)
        self.report.updated += len(to_update)


class _PostgresStage(bulk.StagedUpsert):
    """How a batch goes into PostgreSQL (see ``StagedUpsert``), the pairs
    (rpps, place_key) already met kept in a second temporary table."""

    def __init__(self):
        super().__init__(PracticePlace, INSERTED, ("rpps", "place_key"), "directory_import")

    def write(self, directory_import, batch):
        report = directory_import.report
        first = {}
        rows = []
        for line, values in batch:
            key = values[:2]  # rpps, place_key
            if key in first:
                report.rejected.append(
                    Rejection(line, directory_import.duplicate.format(line=first[key]))
                )
                continue
            first[key] = line
            rows.append((line, *directory_import.locate(values)))
        # One line at a time if the database refuses, so that only the failing ones are lost.
        bulk.write_or_one_by_one(
            [(lambda rows: self._write(rows, directory_import), rows)],
            lambda row, error: report.rejected.append(Rejection(row[0], f"database: {error}")),
        )

    def _write(self, rows, directory_import):
        report = directory_import.report
        repeated, created, updated = self.upsert(rows)
        for line, first in repeated:
            report.rejected.append(Rejection(line, directory_import.duplicate.format(line=first)))
        report.created += created
        report.updated += updated
        report.unchanged += len(rows) - len(repeated) - created - updated


def _place(values, **fields):
    """The PracticePlace of a tuple of INSERTED."""
    return PracticePlace(**dict(zip(INSERTED, values, strict=True)), **fields)


def _insert_all(rows):
    """INSERT these rows (tuples of INSERTED), one statement run with executemany
    (SQLite; PostgreSQL takes them by COPY, see _PostgresStage).

    Every value is already what the database stores (text, float, integer or
    None): going through model instances and bulk_create would take most of
    the import's time.
    """
    bulk.insert(PracticePlace, INSERTED, rows)


def import_directory(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the practice places of an RPPS stream; a DirectoryReport.

    ``lines`` is any iterable of text lines (a file opened with
    ``encoding="utf-8-sig", newline=""``). Raises HeaderError, before writing
    anything, when a required column is missing.
    """
    return DirectoryImport(lines, batch_size).run(on_batch)
