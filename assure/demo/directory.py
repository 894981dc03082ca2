"""Fictitious health professionals for the demo: a directory around the demo towns.

Everything is invented, as in assure/demo/members.py: the people (names drawn
from the demo members' lists), their RPPS numbers (beginning with 99, far
from the real ones, which begin with 1), the surgeries and their
streets, the phone numbers (in the 01 99 00 range that ARCEP keeps for
fiction), the sectors and fees. Only the towns are real: the demo communes
of assure/demo/communes.py, with their INSEE codes and postcodes, so a
search near a demo member's postcode finds professionals.

The directory goes through the real imports: an RPPS file in the layout of
annuaire.sante.fr (``import_directory``) and a fees file
(``import_fees``), so it passes their checks, and loading it again changes
nothing (a seeded generator: the same lines every time).
"""

import csv
import io
import random
import re

from assure.directory.importing import EXTRACTION_COLUMNS, import_directory
from assure.directory.importing_fees import import_fees
from assure.directory.models import Convention, PracticePlace

from .communes import COMMUNES
from .members import FEMALE_FIRST_NAMES, MALE_FIRST_NAMES, STREETS, SURNAMES

SEED = 2026
RPPS_PREFIX = "99"  # real RPPS numbers begin with 1
# (code, profession, savoir-faire, title, how many per town (lowest, highest), fees)
# fees: [(weight, sector, optam, fee_min, fee_max)], or [] for no fees file line.
PROFESSIONALS = [
    ("10", "Médecin", "Médecine Générale", "Docteur", (3, 6), [
        (70, "1", "non", "30,00", "30,00"),
        (15, "2", "oui", "30,00", "45,00"),
        (8, "2", "non", "35,00", "60,00"),
        (2, "non conventionné", "", "60,00", "90,00"),
        (5, None, None, None, None),
    ]),
    ("10", "Médecin", "Pédiatrie", "Docteur", (0, 2), [
        (60, "1", "non", "35,00", "35,00"),
        (30, "2", "oui", "40,00", "60,00"),
        (10, None, None, None, None),
    ]),
    ("10", "Médecin", "Ophtalmologie", "Docteur", (0, 2), [
        (40, "1", "non", "31,50", "31,50"),
        (50, "2", "oui", "50,00", "80,00"),
        (10, None, None, None, None),
    ]),
    ("10", "Médecin", "Gynécologie médicale", "Docteur", (0, 1), [
        (40, "1", "non", "31,50", "31,50"),
        (50, "2", "non", "50,00", "70,00"),
        (10, None, None, None, None),
    ]),
    ("10", "Médecin", "Dermatologie et vénéréologie", "Docteur", (0, 1), [
        (50, "1", "non", "31,50", "31,50"),
        (40, "2", "oui", "45,00", "70,00"),
        (10, None, None, None, None),
    ]),
    ("10", "Médecin", "Psychiatrie", "Docteur", (0, 1), [
        (70, "1", "non", "55,00", "55,00"),
        (30, "2", "non", "70,00", "90,00"),
    ]),
    ("40", "Chirurgien-Dentiste", "", "Docteur", (1, 3), [
        (90, "1", "non", "23,00", "23,00"),
        (10, None, None, None, None),
    ]),
    ("70", "Masseur-Kinésithérapeute", "", "", (1, 3), [
        (90, "1", "non", "", ""),
        (10, None, None, None, None),
    ]),
    ("60", "Infirmier", "", "", (1, 3), [
        (90, "1", "non", "", ""),
        (10, None, None, None, None),
    ]),
    ("50", "Sage-Femme", "", "", (0, 1), [
        (90, "1", "non", "30,00", "30,00"),
        (10, None, None, None, None),
    ]),
]  # fmt: skip
SURGERIES = [
    "Cabinet médical {street}",
    "Maison de santé {street}",
    "Cabinet {name}",
    "Centre de santé {street}",
]
# "Paris 11e Arrondissement" is "Paris" in the RPPS file.
ARRONDISSEMENT = re.compile(r" \d+(?:er|e) Arrondissement$")
FEES_HEADER = ["rpps", "secteur", "optam", "tarif_min", "tarif_max"]


def demo_professionals(seed=SEED):
    """[(RPPS file values by column label, fees line or None)], the same every time."""
    rng = random.Random(seed)
    found, number = [], 0
    for insee, city, postcodes, _, _ in COMMUNES:
        department = insee[:3] if insee.startswith("97") else insee[:2]
        for code, profession, specialty, title, (low, high), fees in PROFESSIONALS:
            for _ in range(rng.randint(low, high)):
                number += 1
                found.append(
                    _professional(
                        rng,
                        number,
                        department,
                        insee,
                        city,
                        postcodes,
                        (code, profession, specialty, title),
                        fees,
                    )  # fmt: skip
                )
    return found


def _professional(rng, number, department, insee, city, postcodes, profession, fees):
    code, profession, specialty, title = profession
    rpps = f"{RPPS_PREFIX}{number:09}"
    first_name = rng.choice(rng.choice((FEMALE_FIRST_NAMES, MALE_FIRST_NAMES)))
    last_name = rng.choice(SURNAMES).upper()
    street_type, _, street = rng.choice(STREETS).partition(" ")
    surgery = rng.choice(SURGERIES).format(
        street=street, name=f"du docteur {last_name}" if title else last_name
    )
    values = {
        "Type d'identifiant PP": "8",
        "Identifiant PP": rpps,
        "Identification nationale PP": f"8{rpps}",
        "Libellé civilité d'exercice": title,
        "Nom d'exercice": last_name,
        "Prénom d'exercice": first_name,
        "Code profession": code,
        "Libellé profession": profession,
        "Libellé savoir-faire": specialty,
        "Code mode exercice": "L",
        "Libellé mode exercice": "Libéral",
        "Identifiant technique de la structure": f"DEMO{number:08}",
        "Raison sociale site": surgery,
        "Numéro Voie (coord. structure)": str(rng.randint(1, 120)),
        "Libellé type de voie (coord. structure)": street_type.capitalize(),
        "Libellé Voie (coord. structure)": street,
        "Code postal (coord. structure)": rng.choice(postcodes),
        "Code commune (coord. structure)": insee,
        "Libellé commune (coord. structure)": ARRONDISSEMENT.sub("", city),
        "Code pays (coord. structure)": "99000",
        "Libellé pays (coord. structure)": "France",
        "Téléphone (coord. structure)": (
            f"019900{number % 10_000:04}" if rng.random() < 0.85 else ""
        ),
        "Code Département (structure)": department,
    }
    weights = [weight for weight, *_ in fees]
    sector, optam, fee_min, fee_max = rng.choices(fees, weights)[0][1:]
    line = None if sector is None else [rpps, sector, optam, fee_min, fee_max]
    return values, line


def demo_directory_file(professionals):
    """The lines of an RPPS file ("|"-separated, every line ending in "|"), header first."""
    yield "|".join(EXTRACTION_COLUMNS) + "|\n"
    for values, _ in professionals:
        yield "|".join(values.get(column, "") for column in EXTRACTION_COLUMNS) + "|\n"


def demo_fees_file(professionals):
    """The lines of a fees file (docs/formats.md, ";"-separated), header first."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(FEES_HEADER)
    for _, line in professionals:
        if line:
            writer.writerow(line)
    return out.getvalue().splitlines(keepends=True)


def is_demo_directory():
    """True when every professional and convention in the database is a demo one."""
    return not (
        PracticePlace.objects.exclude(rpps__startswith=RPPS_PREFIX).exists()
        or Convention.objects.exclude(rpps__startswith=RPPS_PREFIX).exists()
    )


def load_demo_directory():
    """Import the demo professionals and their fees; (DirectoryReport, ImportReport).

    Only when the directory holds no other professional (else None): a real
    directory is never mixed with fictitious people. The demo communes
    (``load_demo_communes``) locate the places: load them first.
    """
    if not is_demo_directory():
        return None
    professionals = demo_professionals()
    directory = import_directory(demo_directory_file(professionals))
    fees = import_fees(demo_fees_file(professionals))
    return directory, fees
