"""Importing the convention sector and usual fees of health professionals (`assure import_fees`).

The file is described in docs/formats.md ("Convention sector and fees"): one
line per RPPS number, fields separated by ";" or ",". It works like the
members import (``CSVImport``, assure/lib/importing.py): streamed, checked
line by line, upsert by RPPS number; nothing is deleted.
"""

import csv
import itertools
import re
from decimal import Decimal

from assure.lib import bulk
from assure.lib.importing import CSVImport, InvalidLine
from assure.lib.names import normalize_name

from .importing import BATCH_SIZE, RPPS
from .models import Convention

FEES_COLUMNS = ("rpps", "secteur")
FEES_OPTIONAL_COLUMNS = ("optam", "tarif_min", "tarif_max")
# The model field each column fills.
FEES_FIELDS = {"optam": "optam", "tarif_min": "fee_min", "tarif_max": "fee_max"}
SECTORS = {
    "1": Convention.SECTOR_1,
    "secteur 1": Convention.SECTOR_1,
    "2": Convention.SECTOR_2,
    "secteur 2": Convention.SECTOR_2,
    "non conventionne": Convention.NOT_CONTRACTED,
    "nc": Convention.NOT_CONTRACTED,
}
YES_NO = {"oui": True, "non": False, "": False}
AMOUNT = re.compile(r"(\d{1,5})(?:[.,](\d{1,2}))?")


def _clean_rpps(value):
    if not value:
        raise InvalidLine("obligatoire.")
    if not RPPS.fullmatch(value):
        raise InvalidLine(f"numéro RPPS non valide {value[:30]!r} (11 chiffres).")
    return value


def _clean_sector(value):
    try:
        return SECTORS[normalize_name(value)]
    except KeyError:
        if not value:
            raise InvalidLine("obligatoire (1, 2 ou non conventionné).") from None
        raise InvalidLine(
            f"secteur non valide {value[:30]!r} (1, 2 ou non conventionné)."
        ) from None


def _clean_optam(value):
    try:
        return YES_NO[normalize_name(value)]
    except KeyError:
        raise InvalidLine(f"valeur non valide {value[:30]!r} (oui, non ou vide).") from None


def _clean_amount(value):
    """ "30", "30,5", "30,00" or "30.00" (euros, "€" allowed after) → Decimal; "" → None."""
    text = value.removesuffix("€").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    match = AMOUNT.fullmatch(text)
    if not match:
        raise InvalidLine(
            f"montant non valide {value[:30]!r} (en euros, par exemple 30 ou 30,00 ; "
            "99999,99 au plus)."
        )
    euros, cents = match.groups()
    return Decimal(f"{euros}.{(cents or '').ljust(2, '0')}")


class FeesImport(CSVImport):
    """The convention sector and usual fees file: upsert by RPPS number, nothing deleted.

    Fields separated by ";" or "," (the header row tells which). A column
    left out of the file (optam, tarif_min, tarif_max) leaves that field as it
    is (no OPTAM, no fee for a new professional).
    """

    model = Convention
    columns = FEES_COLUMNS
    optional = FEES_OPTIONAL_COLUMNS
    cleaners = {
        "rpps": _clean_rpps,
        "secteur": _clean_sector,
        "optam": _clean_optam,
        "tarif_min": _clean_amount,
        "tarif_max": _clean_amount,
    }
    duplicate = "rpps: numéro déjà présent ligne {line} du fichier (la première ligne est gardée)."

    def __init__(self, lines, batch_size=BATCH_SIZE):
        super().__init__(lines, batch_size)
        self.fields = (
            "sector",
            *(FEES_FIELDS[name] for name in FEES_OPTIONAL_COLUMNS if name in self.present),
        )

    def csv_reader(self, lines):
        """The header row tells whether the file uses ";" or ","."""
        lines = iter(lines)
        first = next(lines, None)
        delimiter = ";" if first is not None and ";" in first else ","
        return csv.reader(
            itertools.chain([] if first is None else [first], lines), delimiter=delimiter
        )

    @classmethod
    def check(cls, data):
        problems = []
        low, high = data.get("tarif_min"), data.get("tarif_max")
        if low is not None and high is not None and high < low:
            problems.append(
                f"tarif_max: inférieur à tarif_min ({format_amount(high)} < {format_amount(low)})"
            )
        if data.get("optam") and data["secteur"] == Convention.NOT_CONTRACTED:
            problems.append("optam: un professionnel non conventionné n'adhère pas à l'OPTAM")
        return problems

    def key(self, data):
        return data["rpps"]

    def write(self, batch):
        fields = self.fields
        known = {
            row[1]: row
            for row in Convention.objects.filter(
                rpps__in=[data["rpps"] for _, data in batch]
            ).values_list("pk", "rpps", *fields)
        }
        to_create, to_update = [], []
        for line, data in batch:
            values = {"sector": data["secteur"]}
            for column, name in FEES_FIELDS.items():
                if column in data:
                    values[name] = data[column]
            row = known.get(data["rpps"])
            if row is None:
                to_create.append((line, Convention(rpps=data["rpps"], **values)))
            elif row[2:] != tuple(values[name] for name in fields):
                to_update.append((line, Convention(pk=row[0], rpps=data["rpps"], **values)))
            else:
                self.report.unchanged += 1
        self.save(to_create, to_update, fields)


def format_amount(amount):
    """Decimal("30.5") → "30,50 €"."""
    return f"{amount:.2f} €".replace(".", ",")


def import_fees(lines, batch_size=BATCH_SIZE, on_batch=None):
    """Upsert the conventions of a fees CSV stream (none deleted); an ImportReport.

    ``lines`` is any iterable of text lines (a file opened with
    ``encoding="utf-8-sig", newline=""``). Raises HeaderError, before writing
    anything, when a required column is missing.
    """
    report = FeesImport(lines, batch_size).run(on_batch)
    if report.created or report.updated:
        # A search reads the fees of its 20 places by RPPS number: through the
        # index only once the table has statistics.
        bulk.analyze(Convention)
    return report
