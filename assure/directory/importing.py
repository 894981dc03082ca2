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
twice changes nothing. It is streamed and written in batches (one query for
the batch's communes, one for the rows already there, one bulk insert, one
bulk update), so it runs in constant memory; the pairs already met are kept
in a temporary table (``SeenKeys``), and a repeated pair keeps its first line.
"""

import csv
import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache

from django.db import DatabaseError, connection, transaction
from django.utils.text import slugify

from assure.geography.models import Commune, search_key
from assure.lib.names import normalize_name
from assure.members.importing import (
    HeaderError,
    ImportReport,
    Rejection,
    SeenKeys,
    _update_all,
    _write_one_by_one,
    numbered_rows,
)

from .models import PracticePlace, cell_of

BATCH_SIZE = 2000
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


@lru_cache(maxsize=4096)
def profession_key(profession):
    """ "Masseur-Kinésithérapeute" → "masseur-kinesitherapeute"."""
    return slugify(profession)[:100]


@lru_cache(maxsize=256)
def title_of(label):
    """ "Docteur" → "Dr", "Professeur" → "Pr", anything else nothing."""
    return TITLES.get(normalize_name(label), "")


def format_phone(value):
    """ "0123456789" → "01 23 45 67 89"; anything else as given, spaces tidied."""
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
        seen = SeenKeys()
        try:
            for batch in self.batches():
                batch = seen.first_occurrences(batch, self.key, self.duplicate, self.report)
                if batch:
                    self.write(batch)
                if on_batch:
                    on_batch(self.report)
        finally:
            seen.drop()
        self.report.rejected.sort(key=lambda rejection: rejection.line)
        return self.report

    @staticmethod
    def key(data):
        key = f"{data['rpps']} {data['place_key']}"
        if len(key) > 40:  # SeenKeys' limit
            key = hashlib.sha1(key.encode(), usedforsecurity=False).hexdigest()
        return key

    def batches(self):
        report, batch = self.report, []
        positions = list(self.positions.items())
        for line, row, error in numbered_rows(self.reader):
            report.read += 1
            if error:
                report.rejected.append(Rejection(line, f"CSV : {error}."))
                continue
            if len(row) != self.width:
                reason = f"{self.width} colonnes attendues, {len(row)} trouvées."
                report.rejected.append(Rejection(line, reason))
                continue
            try:
                data = self.clean({name: row[index].strip() for name, index in positions})
            except WithoutPlace:
                report.without_place += 1
                continue
            except InvalidLine as error:
                report.rejected.append(Rejection(line, str(error)))
                continue
            batch.append((line, data))
            if len(batch) >= self.batch_size:
                yield batch
                batch = []
        yield batch

    @staticmethod
    def clean(values):
        """The PracticePlace fields of one line (InvalidLine names every problem)."""
        get = values.get
        postcode, insee = values["postcode"], values["insee"].upper()
        if not postcode and not insee:
            raise WithoutPlace
        errors = []
        rpps = values["rpps"]
        if not RPPS.fullmatch(rpps):
            errors.append(f"Identifiant PP : numéro RPPS non valide {rpps!r} (11 chiffres)")
        last_name = " ".join(values["last_name"].split())
        if not last_name:
            errors.append("Nom d'exercice : obligatoire")
        profession = " ".join(values["profession"].split())
        if not profession:
            errors.append("Libellé profession : obligatoire")
        if not POSTCODE.fullmatch(postcode):
            errors.append(f"Code postal : code postal non valide {postcode!r} (5 chiffres)")
        if not INSEE.fullmatch(insee):
            errors.append(
                f"Code commune : code INSEE non valide {insee!r} "
                "(5 caractères : 2 chiffres ou 2A/2B, puis 3 chiffres)"
            )
        city = " ".join(values["city"].split())
        if not city:
            errors.append("Libellé commune : obligatoire")
        structure_id = get("structure_id", "")
        if structure_id and not STRUCTURE_ID.fullmatch(structure_id):
            errors.append(
                f"Identifiant technique de la structure : non valide {structure_id[:50]!r} "
                "(40 lettres sans accent ou chiffres au plus)"
            )
        if errors:
            raise InvalidLine("; ".join(errors) + ".")
        specialty = " ".join(values["specialty"].split())
        street = " ".join(
            " ".join(get(name, "").split())
            for name in ("number", "repeat", "street_type", "street")
            if get(name, "").strip()
        )
        cedex = " ".join(get("cedex", "").split())
        lines = [" ".join(get(name, "").split()) for name in ("recipient", "spot")] + [
            street,
            " ".join(get("distribution", "").split()),
        ]
        structure = " ".join((get("sign", "") or get("company", "")).split())
        if structure_id:
            place_key = structure_id
        elif get("siret", "").isdigit():
            place_key = f"SIRET:{get('siret')}"
        elif get("finess", "").isalnum():
            place_key = f"FINESS:{get('finess')}"
        else:
            place_key = address_digest(structure, *lines, postcode, insee)
        return {
            "rpps": rpps,
            "place_key": place_key,
            "title": title_of(get("title", "")),
            "last_name": last_name[:100],
            "first_name": " ".join(values["first_name"].split())[:100],
            "search_name": search_key(f"{last_name} {values['first_name']}")[:201],
            "profession": profession[:100],
            "profession_key": profession_key(profession),
            "specialty": specialty[:150],
            "kind": kind_of(profession, specialty)[:100],
            "structure": structure[:200],
            "address": "\n".join(line for line in lines if line),
            "postcode": postcode,
            "insee": insee,
            "city": (cedex or city)[:100],
            "phone": format_phone(get("phone", ""))[:30],
        }

    def write(self, batch):
        """Locate the batch's communes (one query), then insert, update or leave each row."""
        centres = {
            insee: (latitude, longitude)
            for insee, latitude, longitude in Commune.objects.filter(
                insee__in={data["insee"] for _, data in batch}
            ).values_list("insee", "latitude", "longitude")
        }
        fields = PracticePlace.UPDATABLE
        known = {
            (row[1], row[2]): row
            for row in PracticePlace.objects.filter(
                rpps__in={data["rpps"] for _, data in batch}
            ).values_list("pk", "rpps", "place_key", *fields)
        }
        to_create, to_update = [], []
        for line, data in batch:
            latitude, longitude = centres.get(data["insee"], (None, None))
            if latitude is None:
                self.report.not_locatable += 1
            data["latitude"], data["longitude"] = latitude, longitude
            data["cell"] = cell_of(latitude, longitude)
            row = known.get((data["rpps"], data["place_key"]))
            if row is None:
                to_create.append((line, data))
            elif row[3:] != tuple(data[name] for name in fields):
                to_update.append((line, PracticePlace(pk=row[0], **data)))
            else:
                self.report.unchanged += 1
        try:
            with transaction.atomic():
                _insert_all([data for _, data in to_create])
                _update_all(PracticePlace, fields, [place for _, place in to_update])
        except DatabaseError:
            # Another writer got in between: one row at a time, only the failing lines lost.
            to_create = [(line, PracticePlace(**data)) for line, data in to_create]
            to_create, to_update = _write_one_by_one(to_create, to_update, fields, self.report)
        self.report.created += len(to_create)
        self.report.updated += len(to_update)


INSERTED = ("rpps", "place_key", *PracticePlace.UPDATABLE)


def _insert_all(rows):
    """INSERT these rows (dicts of INSERTED), one statement run with executemany.

    Every value is already what the database stores (text, float, integer or
    None): going through model instances and bulk_create would take most of
    the import's time.
    """
    if not rows:
        return
    quote = connection.ops.quote_name
    fields = [PracticePlace._meta.get_field(name) for name in INSERTED]
    columns = ", ".join(quote(field.column) for field in fields)
    table = quote(PracticePlace._meta.db_table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for the batch, one array parameter a column: the
            # server does not parse a statement a row.
            arrays = ", ".join(
                f"%s::{ARRAY_TYPES[field.get_internal_type()]}[]" for field in fields
            )
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT * FROM unnest({arrays})",  # noqa: S608
                [[row[name] for row in rows] for name in INSERTED],
            )
            return
        # Only quoted identifiers from the model are formatted in; values are parameters.
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(INSERTED))})"  # noqa: S608
        cursor.executemany(sql, [[row[name] for name in INSERTED] for row in rows])


ARRAY_TYPES = {
    "CharField": "text",
    "SlugField": "text",
    "TextField": "text",
    "FloatField": "double precision",
    "IntegerField": "integer",
}


def import_directory(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the practice places of an RPPS stream; a DirectoryReport.

    ``lines`` is any iterable of text lines (a file opened with
    ``encoding="utf-8-sig", newline=""``). Raises HeaderError, before writing
    anything, when a required column is missing.
    """
    return DirectoryImport(lines, batch_size).run(on_batch)
