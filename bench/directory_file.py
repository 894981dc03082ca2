"""Writes an RPPS file of N fictitious lines for `assure import_directory`.

The layout is the real one (annuaire.sante.fr's "PS_LibreAcces_Personne_activite":
the full header, "|" separators, a "|" ending every line); the professionals
are invented, the communes are those of the demo (assure/geography/demo.py,
load them with the demo data to locate the places) plus 1 % of unknown codes.
About 3 % of the lines have no activity place, 10 % of the professionals a
second place.

python bench/directory_file.py 500000 var/rpps-500k.txt
"""

import os
import random
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assure.settings")
django.setup()

from assure.directory.importing import EXTRACTION_COLUMNS  # noqa: E402
from assure.geography.demo import COMMUNES  # noqa: E402

# (code, profession, weight, [(savoir-faire, weight)])
PROFESSIONS = [
    ("10", "Médecin", 45, [("Médecine Générale", 5), ("Pédiatrie", 1), ("Ophtalmologie", 1),
                            ("Psychiatrie", 1), ("Radio-diagnostic", 1), ("", 1)]),
    ("60", "Infirmier", 25, [("", 1)]),
    ("70", "Masseur-Kinésithérapeute", 10, [("", 1)]),
    ("40", "Chirurgien-Dentiste", 8, [("", 5), ("Orthopédie Dento-Faciale", 1)]),
    ("21", "Pharmacien", 8, [("", 1)]),
    ("50", "Sage-Femme", 4, [("", 1)]),
]  # fmt: skip
LAST_NAMES = "MARTIN BERNARD THOMAS PETIT ROBERT RICHARD DURAND DUBOIS MOREAU LAURENT".split()
FIRST_NAMES = "Marie Jean Pierre Julie Paul Sophie Luc Claire Hugo Emma Léa Nathalie".split()
STREETS = ["DE LA REPUBLIQUE", "VICTOR HUGO", "DU GENERAL DE GAULLE", "JEAN JAURES", "PASTEUR"]


def lines(count, seed=7):
    generator = random.Random(seed)
    professions = [p for p in PROFESSIONS for _ in range(p[2])]
    written, rpps = 0, 10_000_000_000
    while written < count:
        rpps += generator.randint(1, 7)
        code, profession, _, specialties = generator.choice(professions)
        specialty = generator.choices(
            [name for name, _ in specialties], [weight for _, weight in specialties]
        )[0]
        person = {
            "Type d'identifiant PP": "8",
            "Identifiant PP": str(rpps),
            "Identification nationale PP": f"8{rpps}",
            "Libellé civilité d'exercice": "Docteur" if code in ("10", "40", "21") else "",
            "Nom d'exercice": generator.choice(LAST_NAMES),
            "Prénom d'exercice": generator.choice(FIRST_NAMES),
            "Code profession": code,
            "Libellé profession": profession,
            "Libellé savoir-faire": specialty,
            "Libellé mode exercice": "Libéral",
        }
        if generator.random() < 0.03:
            places = 0
        else:
            places = 2 if generator.random() < 0.1 else 1
        if not places:
            yield person
            written += 1
        for _ in range(places):
            if generator.random() < 0.01:
                insee, city, postcodes = "99999", "COMMUNE INCONNUE", ["99999"]
            else:
                insee, city, postcodes, _, _ = generator.choice(COMMUNES)
            structure = generator.randint(1, 10**9)
            yield {
                **person,
                "Identifiant technique de la structure": f"R10{structure:012}",
                "Raison sociale site": "CABINET " + person["Nom d'exercice"],
                "Numéro Voie (coord. structure)": str(generator.randint(1, 120)),
                "Libellé type de voie (coord. structure)": "Rue",
                "Libellé Voie (coord. structure)": generator.choice(STREETS),
                "Code postal (coord. structure)": generator.choice(postcodes),
                "Code commune (coord. structure)": insee,
                "Libellé commune (coord. structure)": city,
                "Code pays (coord. structure)": "99000",
                "Libellé pays (coord. structure)": "France",
                "Téléphone (coord. structure)": f"0199{generator.randint(0, 999999):06}",
            }
            written += 1


def main(count, path):
    with open(path, "w", encoding="utf-8", newline="\n") as out:
        out.write("|".join(EXTRACTION_COLUMNS) + "|\n")
        for values in lines(count):
            out.write("|".join(values.get(column, "") for column in EXTRACTION_COLUMNS) + "|\n")


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
