"""Importing the fund's reception points and kiosks from a CSV file (`assure import_places`).

The format is described in docs/formats.md ("Reception points and kiosks").
It works like the members import (``CSVImport``, assure/lib/importing.py):
streamed, checked line by line, upsert by the fund's identifier of the place
(``id``). The file is the fund's full list: after the import, the places of the database whose id is
not in the file are deactivated (kept, with ``active`` false, so that they
come back as they were if a later file lists them again). A place whose line
is rejected is left as it is: its id was in the file.
"""

import re
from dataclasses import dataclass

from assure.lib.importing import (
    BATCH_SIZE,
    CSVImport,
    ImportReport,
    InvalidLine,
    clean_address,
    clean_optional_text,
    clean_phone,
    clean_postcode,
    clean_required_text,
)

from .hours import WEEKDAYS, InvalidHours, parse_day
from .models import Place

COLUMNS = ("id", "name", "kind", "address", "postcode", "city", "latitude", "longitude", *WEEKDAYS)
# Columns a file may leave out: the field is then left as it is (empty for a new place).
OPTIONAL_COLUMNS = ("phone", "services", "notes")
KEY = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]{0,39}")
DECIMAL = re.compile(r"[+-]?\d{1,3}(\.\d+)?")
KINDS = {"accueil": Place.ACCUEIL, "borne": Place.BORNE}
MAX_SERVICES = 20
SERVICE_MAX_LENGTH = 80
# Boxes (latitude, longitude) of the places a French health insurance fund serves.
AREAS = [
    ((41.3, 51.2), (-5.3, 9.7)),  # metropolitan France and Corsica
    ((14.3, 18.2), (-63.2, -60.7)),  # Guadeloupe, Martinique, Saint-Martin, Saint-Barthélemy
    ((2.0, 6.0), (-54.7, -51.5)),  # Guyane
    ((-21.5, -20.8), (55.1, 55.9)),  # La Réunion
    ((-13.1, -12.5), (44.9, 45.4)),  # Mayotte
    ((46.7, 47.2), (-56.5, -56.0)),  # Saint-Pierre-et-Miquelon
]


@dataclass
class PlacesReport(ImportReport):
    deactivated: int = 0

    def summary(self):
        return super().summary() + f" {self.deactivated} deactivated (absent from the file)."


def _clean_key(value):
    if not value:
        raise InvalidLine("obligatoire.")
    if not KEY.fullmatch(value):
        raise InvalidLine(
            f"identifiant non valide {value!r} (40 caractères au plus : lettres sans accent, "
            "chiffres, tiret, point ou soulignement)."
        )
    return value


def _clean_kind(value):
    try:
        return KINDS[value.lower()]
    except KeyError:
        raise InvalidLine(f"type non valide {value!r} (accueil ou borne).") from None


def _clean_decimal(value, name):
    if not value:
        raise InvalidLine("obligatoire.")
    if not DECIMAL.fullmatch(value.replace(",", ".")):
        raise InvalidLine(f"{name} non valide {value!r} (degrés décimaux, par exemple 49.4431).")
    return round(float(value.replace(",", ".")), 6)


def _clean_latitude(value):
    latitude = _clean_decimal(value, "latitude")
    if not -90 <= latitude <= 90:
        raise InvalidLine(f"latitude impossible {value!r} (entre -90 et 90).")
    return latitude


def _clean_longitude(value):
    longitude = _clean_decimal(value, "longitude")
    if not -180 <= longitude <= 180:
        raise InvalidLine(f"longitude impossible {value!r} (entre -180 et 180).")
    return longitude


def _in_france(latitude, longitude):
    return any(
        low <= latitude <= high and west <= longitude <= east for (low, high), (west, east) in AREAS
    )


def _clean_services(value):
    services = [" ".join(service.split()) for service in value.split("|")]
    services = [service for service in services if service]
    if len(services) > MAX_SERVICES:
        raise InvalidLine(f"{MAX_SERVICES} services au plus ({len(services)} ici).")
    for service in services:
        if len(service) > SERVICE_MAX_LENGTH:
            raise InvalidLine(
                f"{SERVICE_MAX_LENGTH} caractères au plus par service ({service[:20]!r}…)."
            )
    return list(dict.fromkeys(services))


def _clean_hours(value):
    try:
        return parse_day(value)
    except InvalidHours as error:
        raise InvalidLine(f"{error}.") from None


class PlacesImport(CSVImport):
    """The places file: upsert by id; the places absent from the file are deactivated."""

    model = Place
    columns = COLUMNS
    optional = OPTIONAL_COLUMNS
    cleaners = {
        "id": _clean_key,
        "name": clean_required_text,
        "kind": _clean_kind,
        "address": clean_address,
        "postcode": clean_postcode,
        "city": clean_required_text,
        "latitude": _clean_latitude,
        "longitude": _clean_longitude,
        "phone": clean_phone,
        "services": _clean_services,
        "notes": clean_optional_text,
        **dict.fromkeys(WEEKDAYS, _clean_hours),
    }
    duplicate = (
        "id: identifiant déjà présent ligne {line} du fichier (la première ligne est gardée)."
    )

    def __init__(self, lines, batch_size=BATCH_SIZE):
        super().__init__(lines, batch_size)
        self.report = PlacesReport()
        self.ids_in_file = set()  # a fund has hundreds of places, not millions
        self.fields = tuple(
            name for name in Place.UPDATABLE if name not in OPTIONAL_COLUMNS or name in self.present
        )

    def clean(self, values):
        """Note every id of the file, even on a rejected line, before checking the line."""
        if values["id"].strip():
            self.ids_in_file.add(values["id"].strip())
        return super().clean(values)

    @classmethod
    def check(cls, data):
        if not _in_france(data["latitude"], data["longitude"]):
            problem = "latitude, longitude: position hors de France (métropole et outre-mer)"
            if _in_france(data["longitude"], data["latitude"]):
                problem += " ; latitude et longitude semblent inversées"
            return [problem]
        return []

    def key(self, data):
        return data["id"]

    def write(self, batch):
        keys = [data["id"] for _, data in batch]
        known = {
            row[1]: row
            for row in Place.objects.filter(key__in=keys).values_list("pk", "key", *self.fields)
        }
        to_create, to_update = [], []
        for line, data in batch:
            values = self.model_values(data)
            row = known.get(values["key"])
            if row is None:
                to_create.append((line, Place(**values)))
            elif row[2:] != tuple(values[name] for name in self.fields):
                to_update.append((line, Place(pk=row[0], **values)))
            else:
                self.report.unchanged += 1
        self.save(to_create, to_update, self.fields)

    def model_values(self, data):
        values = {name: value for name, value in data.items() if name not in WEEKDAYS}
        values["key"] = values.pop("id")
        values["hours"] = {day: data[day] for day in WEEKDAYS if data[day]}
        values["active"] = True
        return values

    def run(self, on_batch=None):
        report = super().run(on_batch)
        if report.read:  # a file without any place deactivates nothing
            absent = [
                pk
                for pk, key in Place.objects.active().values_list("pk", "key")
                if key not in self.ids_in_file
            ]
            for start in range(0, len(absent), 500):
                chunk = absent[start : start + 500]
                report.deactivated += Place.objects.filter(pk__in=chunk).update(active=False)
        return report


def import_places(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the places of a CSV stream and deactivate the absent ones; a PlacesReport.

    ``lines`` is any iterable of text lines (a file opened with
    ``encoding="utf-8-sig", newline=""``). Raises HeaderError, before writing
    anything, when the header is wrong.
    """
    return PlacesImport(lines, batch_size).run(on_batch)
