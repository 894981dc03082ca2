"""Importing communes and postcodes (`assure import_communes`).

Two sources, told apart by their header row (docs/formats.md):

- La Poste's « base officielle des codes postaux » as published on
  data.gouv.fr with the communes' coordinates (« Communes de France — base
  des codes postaux »): one row per commune, postcode and delivery line, so
  a commune spans several rows;
- « Communes et villes de France » (data.gouv.fr, communes-france-AAAA.csv):
  one row per commune, its postcodes comma-separated in one cell, its centre
  and its town hall's coordinates. A line gives the same (commune, postcode)
  rows as La Poste's lines for that commune would.

The import is an upsert by INSEE code: a commune's name and department come
from its first row, its centre from its first row that has one, its
postcodes from all its rows. Nothing absent from the file is deleted. The
file is read as a stream and written in batches of ``BATCH_SIZE`` lines, each
in a few queries; the only thing kept across batches is which INSEE codes
were met (a bounded set: France has some 35,000 communes).
"""

import csv
import itertools
import re
from dataclasses import dataclass

from django.db import connection, transaction

from assure.lib.bulk import analyze, update_all
from assure.lib.importing import HeaderError, ImportReport, Rejection, numbered_rows

from .models import Commune, Postcode, search_key

BATCH_SIZE = 2000
ROWS_PER_INSERT = 1000
# Each field and the header names it may have, once lower-cased with spaces
# and dashes as underscores and a leading "#" removed.
INSEE_COLUMNS = ("code_commune_insee", "code_insee", "insee")
POSTCODE_COLUMNS = ("code_postal", "postcode", "cp")
# The display name: the first of these columns with a value on the row.
NAME_COLUMNS = ("nom_commune_complet", "nom_commune", "nom_commune_postal", "nom_de_la_commune")
LATITUDE_COLUMNS = ("latitude", "lat")
LONGITUDE_COLUMNS = ("longitude", "lon", "lng")
# Older La Poste files give both in one column: "46.15, 4.92".
GPS_COLUMNS = ("coordonnees_gps", "coordonnées_gps")
# « Communes et villes de France »: the columns read, all required; the postcode
# of code_postal is in codes_postaux too, read if there. The other columns of
# LAYOUT_MARKS tell this file from La Poste's.
CDF_COLUMNS = {
    "insee": "code_insee",
    "name": "nom_standard",
    "postcodes": "codes_postaux",
    "latitude": "latitude_centre",
    "longitude": "longitude_centre",
    "hall_latitude": "latitude_mairie",
    "hall_longitude": "longitude_mairie",
}
LAYOUT_MARKS = {*CDF_COLUMNS.values(), "nom_sans_accent", "typecom", "dep_code"} - {"code_insee"}
# Paris, Lyon and Marseille as a whole, and their arrondissements' INSEE codes. La Poste
# gives only the arrondissements; the whole city is imported only without them.
WHOLE_CITIES = {
    "75056": ("75101", "75120"),
    "69123": ("69381", "69389"),
    "13055": ("13201", "13216"),
}
EXPECTED = (
    "Expected either La Poste's « base officielle des codes postaux » (code_commune_INSEE, "
    "code_postal, nom_commune_complet or nom_commune, optionally latitude and longitude) or "
    "« Communes et villes de France » (" + ", ".join(CDF_COLUMNS.values()) + ")."
)
INSEE = re.compile(r"(\d{2}|2[AB])\d{3}")
POSTCODE = re.compile(r"\d{5}")
NAME_MAX_LENGTH = Commune._meta.get_field("name").max_length
# Where a commune's centre may be, by department: (territory, south, north, west, east),
# with some margin. Swapped or mistyped coordinates fall outside.
METROPOLE = ("la France métropolitaine", 41.2, 51.2, -5.3, 9.7)
TERRITORIES = {
    "971": ("la Guadeloupe", 15.7, 16.6, -61.9, -60.9),
    "972": ("la Martinique", 14.3, 15.0, -61.3, -60.7),
    "973": ("la Guyane", 2.0, 6.0, -54.7, -51.5),
    "974": ("La Réunion", -21.5, -20.8, 55.1, 55.9),
    "975": ("Saint-Pierre-et-Miquelon", 46.7, 47.2, -56.5, -56.1),
    "976": ("Mayotte", -13.1, -12.6, 44.9, 45.4),
    "977": ("Saint-Barthélemy", 17.8, 18.0, -63.0, -62.7),
    "978": ("Saint-Martin", 18.0, 18.2, -63.2, -62.9),
    "984": ("les Terres australes et antarctiques", -50.1, -10.9, 39.6, 77.7),
    "986": ("Wallis-et-Futuna", -14.5, -13.1, -178.3, -176.0),
    "987": ("la Polynésie française", -28.0, -7.8, -154.8, -134.4),
    "988": ("la Nouvelle-Calédonie", -23.0, -19.0, 162.9, 168.3),
    "989": ("Clipperton", 10.2, 10.4, -109.3, -109.1),
}


class InvalidRow(ValueError):
    """A line that cannot be imported; the message says why, in French."""


@dataclass
class CommunesReport(ImportReport):
    """Lines read and rejected; communes created, updated, unchanged; postcodes added."""

    postcodes_added: int = 0
    skipped: int = 0  # whole Paris, Lyon, Marseille, imported by arrondissement

    def summary(self):
        summary = (
            f"{self.read} lines read: {self.created} communes created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.postcodes_added} postcodes added, "
            f"{len(self.rejected)} lines rejected."
        )
        if self.skipped:
            summary += (
                f" {self.skipped} lines skipped (Paris, Lyon or Marseille as a whole: "
                "their arrondissements are imported instead)."
            )
        return summary


def _column_key(name):
    return re.sub(r"[\s\-]+", "_", name.strip().lstrip("\ufeff").lstrip("#").strip().lower())


def _find(names, candidates):
    """The position of the first of candidates in names, or None."""
    for candidate in candidates:
        if candidate in names:
            return names.index(candidate)
    return None


def clean_insee(value):
    """The 5-character INSEE code and its department; a lost leading zero is put back."""
    insee = value.strip().upper()
    if insee.isdigit() and len(insee) == 4:
        insee = "0" + insee
    if not INSEE.fullmatch(insee):
        raise InvalidRow(
            f"code INSEE non valide {value!r} (5 caractères : 2 chiffres ou 2A/2B, "
            "puis 3 chiffres)."
        )
    if insee.startswith(("00", "20", "96", "99")):
        where = "à l'étranger" if insee.startswith("99") else "inexistant"
        raise InvalidRow(f"code INSEE non valide {value!r} (département {insee[:2]} {where}).")
    department = insee[:3] if insee.startswith(("97", "98")) else insee[:2]
    if department[:2] in {"97", "98"} and department not in TERRITORIES:
        raise InvalidRow(f"code INSEE non valide {value!r} (territoire {department} inconnu).")
    return insee, department


def clean_postcode(value):
    """The 5-digit postcode; a lost leading zero is put back ("1400" → "01400")."""
    postcode = value.strip()
    if postcode.isdigit() and len(postcode) == 4:
        postcode = "0" + postcode
    if not POSTCODE.fullmatch(postcode) or postcode.startswith("00"):
        raise InvalidRow(f"code postal non valide {value!r} (5 chiffres).")
    return postcode


def clean_name(value):
    """The commune's name, its spaces collapsed."""
    name = " ".join(value.split())
    if not name:
        raise InvalidRow("nom de la commune manquant.")
    if len(name) > NAME_MAX_LENGTH:
        raise InvalidRow(f"nom de la commune trop long ({NAME_MAX_LENGTH} caractères au plus).")
    return name


def _number(value, what):
    try:
        number = float(value.strip().replace(",", "."))
    except ValueError:
        raise InvalidRow(f"{what} non valide {value!r} (un nombre, par exemple 48.8566).") from None
    if number != number or number in (float("inf"), float("-inf")):
        raise InvalidRow(f"{what} non valide {value!r} (un nombre, par exemple 48.8566).")
    return number


def clean_coordinates(latitude, longitude, department):
    """(latitude, longitude) as numbers within the department's territory, or None if both
    are empty."""
    latitude, longitude = latitude.strip(), longitude.strip()
    if not latitude and not longitude:
        return None
    if not latitude or not longitude:
        missing = "latitude" if not latitude else "longitude"
        raise InvalidRow(f"{missing} manquante (donnez les deux coordonnées, ou aucune).")
    lat, lon = _number(latitude, "latitude"), _number(longitude, "longitude")
    territory, south, north, west, east = TERRITORIES.get(department, METROPOLE)
    if not (south <= lat <= north and west <= lon <= east):
        raise InvalidRow(
            f"coordonnées hors de {territory} (latitude {latitude}, longitude {longitude}) : "
            "vérifiez-les, ou qu'elles ne sont pas inversées."
        )
    return lat, lon


class CommunesImport:
    """One communes file, read as a stream of text lines and written in batches.

    Creating the import reads the header row (HeaderError when a required
    column is missing, before anything is written); ``run()`` imports the rest.
    """

    def __init__(self, lines, batch_size=BATCH_SIZE):
        lines = iter(lines)
        first = next(lines, "")
        delimiter = ";" if first.count(";") > first.count(",") else ","
        self.reader = csv.reader(itertools.chain([first], lines), delimiter=delimiter)
        try:
            header = next(self.reader, None)
        except csv.Error as error:
            raise HeaderError(f"Unreadable header row: {error}.") from error
        self.read_header(header)
        self.batch_size = batch_size
        self.report = CommunesReport()
        self.seen = {}  # INSEE code → "created", "updated" or "unchanged", this import
        self.located = set()  # INSEE codes whose centre this import has set
        self.whole_cities = []  # the cleaned rows of Paris, Lyon, Marseille as a whole

    def read_header(self, header):
        if not header or not any(cell.strip() for cell in header):
            raise HeaderError(f"The file is empty: it has no header row. {EXPECTED}")
        names = [_column_key(name) for name in header]
        self.width = len(names)
        if LAYOUT_MARKS & set(names):
            self.read_cdf_header(header, names)
            return
        self.clean = self.clean_la_poste
        self.insee = _find(names, INSEE_COLUMNS)
        self.postcode = _find(names, POSTCODE_COLUMNS)
        self.names = [names.index(name) for name in NAME_COLUMNS if name in names]
        self.latitude = _find(names, LATITUDE_COLUMNS)
        self.longitude = _find(names, LONGITUDE_COLUMNS)
        self.gps = _find(names, GPS_COLUMNS)
        missing = []
        if self.insee is None:
            missing.append("the INSEE code (code_commune_INSEE)")
        if self.postcode is None:
            missing.append("the postcode (code_postal)")
        if not self.names:
            missing.append("the name (nom_commune_complet, nom_commune or nom_commune_postal)")
        if (self.latitude is None) != (self.longitude is None):
            missing.append("latitude" if self.latitude is None else "longitude")
        if missing:
            raise HeaderError(
                f"Wrong header row: missing column(s) for {'; '.join(missing)}. "
                f"Columns found: {', '.join(header)}. {EXPECTED} Nothing was imported."
            )

    def read_cdf_header(self, header, names):
        """The header of « Communes et villes de France »: every column read is required."""
        missing = [column for column in CDF_COLUMNS.values() if column not in names]
        if missing:
            raise HeaderError(
                "Wrong header row: this looks like « Communes et villes de France » but the "
                f"column(s) {', '.join(missing)} are missing. Columns found: "
                f"{', '.join(header)}. {EXPECTED} Nothing was imported."
            )
        self.columns = {field: names.index(column) for field, column in CDF_COLUMNS.items()}
        self.postcode = _find(names, ("code_postal",))
        self.clean = self.clean_cdf

    def clean_la_poste(self, row):
        """[(insee, department, postcode, name, coordinates or None)] of one La Poste row."""
        if len(row) != self.width:
            raise InvalidRow(f"{self.width} colonnes attendues, {len(row)} trouvées.")
        problems = []
        insee = department = postcode = name = coordinates = None
        try:
            insee, department = clean_insee(row[self.insee])
        except InvalidRow as error:
            problems.append(str(error))
        try:
            postcode = clean_postcode(row[self.postcode])
        except InvalidRow as error:
            problems.append(str(error))
        try:
            name = clean_name(next((row[i] for i in self.names if row[i].strip()), ""))
        except InvalidRow as error:
            problems.append(str(error))
        if department is not None:
            try:
                if self.latitude is not None:
                    coordinates = clean_coordinates(
                        row[self.latitude], row[self.longitude], department
                    )
                elif self.gps is not None and row[self.gps].strip():
                    latitude, _, longitude = row[self.gps].partition(",")
                    coordinates = clean_coordinates(latitude, longitude, department)
            except InvalidRow as error:
                problems.append(str(error))
        if problems:
            raise InvalidRow(" ".join(problems))
        return [(insee, department, postcode, name, coordinates)]

    def clean_cdf(self, row):
        """The rows La Poste would give for one « Communes et villes de France » row: one per
        postcode, located at the commune's centre, else at its town hall."""
        if len(row) != self.width:
            raise InvalidRow(f"{self.width} colonnes attendues, {len(row)} trouvées.")
        cell = {field: row[position] for field, position in self.columns.items()}
        problems = []
        insee = department = name = coordinates = None
        try:
            insee, department = clean_insee(cell["insee"])
        except InvalidRow as error:
            problems.append(str(error))
        codes = re.split(r"[\s,;/]+", cell["postcodes"].strip())
        if self.postcode is not None:
            codes.append(row[self.postcode].strip())
        codes = [code for code in dict.fromkeys(codes) if code]
        if not codes:
            problems.append("code postal manquant (codes_postaux et code_postal vides).")
        postcodes = []
        for code in codes:
            try:
                postcodes.append(clean_postcode(code))
            except InvalidRow as error:
                problems.append(str(error))
        try:
            name = clean_name(cell["name"])
        except InvalidRow as error:
            problems.append(str(error))
        if department is not None:
            latitude, longitude = cell["latitude"], cell["longitude"]
            where = "centre"
            if not latitude.strip() and not longitude.strip():
                latitude, longitude = cell["hall_latitude"], cell["hall_longitude"]
                where = "mairie"
            try:
                coordinates = clean_coordinates(latitude, longitude, department)
            except InvalidRow as error:
                problems.append(f"{where} : {error}")
        if problems:
            raise InvalidRow(" ".join(problems))
        return [
            (insee, department, postcode, name, coordinates)
            for postcode in dict.fromkeys(postcodes)
        ]

    def run(self, on_batch=None):
        """Import the lines after the header; ``on_batch(report)`` after each batch written."""
        for batch in self.batches():
            with transaction.atomic():
                self.write(batch)
            if on_batch:
                on_batch(self.report)
        self.report.rejected.sort(key=lambda rejection: rejection.line)
        if self.report.created or self.report.updated or self.report.postcodes_added:
            # Locating a postcode reads its index only once statistics exist.
            analyze(Commune, Postcode)
        return self.report

    def batches(self):
        """Lists of at most batch_size cleaned rows; bad lines go to the report."""
        report, batch = self.report, []
        for line, row, error in numbered_rows(self.reader):
            report.read += 1
            if error:
                report.rejected.append(Rejection(line, f"CSV illisible : {error}."))
                continue
            try:
                rows = self.clean(row)
            except InvalidRow as error:
                report.rejected.append(Rejection(line, str(error)))
                continue
            if self.clean == self.clean_cdf and rows[0][0] in WHOLE_CITIES:
                self.whole_cities.append(rows)  # until its arrondissements are known
                continue
            batch += rows
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        if batch:
            yield batch
        # Every other batch is written: are the cities' arrondissements known now?
        batch = []
        for rows in self.whole_cities:
            first, last = WHOLE_CITIES[rows[0][0]]
            if Commune.objects.filter(insee__gte=first, insee__lte=last).exists():
                report.skipped += 1
            else:
                batch += rows
        if batch:
            yield batch

    def write(self, batch):
        """Upsert the communes of a batch of rows, then add their missing postcodes."""
        communes, postcodes = {}, set()
        for insee, department, postcode, name, coordinates in batch:
            postcodes.add((insee, postcode))
            commune = communes.get(insee)
            if commune is None:
                communes[insee] = [name, department, coordinates]
            elif commune[2] is None:
                commune[2] = coordinates
        fields = ("insee", "name", "search_name", "department", "latitude", "longitude")
        known = {
            row[1]: row
            for row in _among(Commune.objects, "insee", communes).values_list("pk", *fields)
        }
        to_create, to_update = [], []
        for insee, (name, department, coordinates) in communes.items():
            row = known.get(insee)
            first_time = insee not in self.seen
            if first_time:
                values = {"name": name, "search_name": search_key(name), "department": department}
            else:  # met in an earlier batch: only its centre may still be missing
                values = {}
            if coordinates is not None and insee not in self.located:
                values["latitude"], values["longitude"] = coordinates
                self.located.add(insee)
            if row is None:
                to_create.append(
                    (
                        insee,
                        values["name"],
                        values["search_name"],
                        values["department"],
                        values.get("latitude"),
                        values.get("longitude"),
                    )
                )
                self.seen[insee] = "created"
                self.report.created += 1
                continue
            current = dict(zip(fields, row[1:], strict=True))
            if all(current[field] == value for field, value in values.items()):
                if first_time:
                    self.seen[insee] = "unchanged"
                    self.report.unchanged += 1
                continue
            to_update.append(Commune(pk=row[0], **{**current, **values}))
            if first_time or self.seen[insee] == "unchanged":
                if not first_time:
                    self.report.unchanged -= 1
                self.seen[insee] = "updated"
                self.report.updated += 1
        ids = {row[1]: row[0] for row in known.values()}
        ids.update(_insert_all(Commune, fields, to_create, returning=("insee", "id")))
        update_all(Commune, fields[1:], to_update)
        known_ids = [row[0] for row in known.values()]
        existing = set()
        if known_ids:
            existing = set(
                _among(Postcode.objects, "commune", known_ids).values_list("commune", "code")
            )
        new = [
            (postcode, ids[insee])
            for insee, postcode in sorted(postcodes)
            if (ids[insee], postcode) not in existing
        ]
        _insert_all(Postcode, ("code", "commune"), new)
        self.report.postcodes_added += len(new)


def _among(queryset, field, values):
    """``queryset`` where ``field`` is one of ``values``: ``= ANY(array)`` on PostgreSQL.

    The driver parses a parameter marker per value of an ``IN (…)``: with a
    few thousand values a query, that costs more than the query itself.
    """
    if connection.vendor != "postgresql":
        return queryset.filter(**{f"{field}__in": list(values)})
    column = connection.ops.quote_name(queryset.model._meta.get_field(field).column)
    # Only a quoted column name from the model is formatted in; the values are a parameter.
    return queryset.extra(where=[f"{column} = ANY(%s)"], params=[list(values)])  # noqa: S610


def _insert_all(model, fields, rows, returning=()):
    """INSERT rows (tuples of values for these fields), many rows a statement.

    Returns the values of the ``returning`` fields of the rows inserted.
    Without model instances: QuerySet.bulk_create spends most of its time
    building them and their SQL, several times what the database takes.
    """
    if not rows:
        return []
    quote = connection.ops.quote_name
    fields = [model._meta.get_field(name) for name in fields]
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(model._meta.db_table)
    suffix = ""
    if returning:
        returned = ", ".join(quote(model._meta.get_field(name).column) for name in returning)
        suffix = f" RETURNING {returned}"
    if connection.vendor == "postgresql":
        # One array a column: the driver parses a parameter marker per value otherwise.
        arrays = ", ".join(f"%s::{field.cast_db_type(connection)}[]" for field in fields)
        statements = [
            (
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays}){suffix}",  # noqa: S608
                [list(column) for column in zip(*rows, strict=True)],
            )
        ]
    else:
        row = f"({', '.join(['%s'] * len(fields))})"
        size = min(ROWS_PER_INSERT, connection.features.max_query_params // len(fields))
        statements = [
            (
                f"INSERT INTO {table} ({columns}) "  # noqa: S608
                f"VALUES {', '.join([row] * len(rows[start : start + size]))}{suffix}",
                [value for values in rows[start : start + size] for value in values],
            )
            for start in range(0, len(rows), size)
        ]
    # Only quoted identifiers from the model are formatted in; values are parameters.
    results = []
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            if returning:
                results += cursor.fetchall()
    return results


def import_communes(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the communes and postcodes of a CSV stream; returns a CommunesReport.

    ``lines`` is any iterable of text lines: a file opened with
    ``encoding="utf-8-sig", newline=""``, or a generator; it is consumed
    lazily. Raises HeaderError, before writing anything, when a required
    column is missing.
    """
    return CommunesImport(lines, batch_size).run(on_batch)
