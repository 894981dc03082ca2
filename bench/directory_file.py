"""Writes an RPPS file of N fictitious lines for `assure import_directory`, with the
communes file that locates them, spread across metropolitan France.

The layout is the real one (annuaire.sante.fr's "PS_LibreAcces_Personne_activite":
the full header, "|" separators, a "|" ending every line); the professionals
are invented. About 3 % of the lines have no activity place, 10 % of the
professionals a second place, 1 % of the places an unknown commune code.

The communes (`bench_communes`, written by --communes in the layout of La
Poste's file for `assure import_communes`) are about as many as France's
35,000, and crowded as its people are:
- the real towns of the demo (assure/demo/communes.py), with their real
  postcodes and centres, and a rough population each;
- around each of them, invented suburbs, the more the bigger the town, within
  some 10 to 30 km (a thousand around Paris, as in Île-de-France);
- invented rural communes, spread evenly over a rough outline of metropolitan
  France (and Corsica).
The invented ones have codes and postcodes no demo town has (the postcode is
the INSEE code) and names "Bancville <code>". Each commune gets places in
proportion to its population: about 7.5 places per 1,000 inhabitants at
500,000 places, so the real towns' centres hold hundreds of places each.

With --fees, a fees file (`assure import_fees`) gives a sector to 4
professionals in 5, and fees to the doctors among them.

python bench/directory_file.py 500000 var/rpps-500k.txt [--communes var/communes.csv]
    [--fees var/fees-500k.csv]
"""

import argparse
import bisect
import contextlib
import csv
import itertools
import math
import os
import random
import sys
from pathlib import Path

import django

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assure.settings")
django.setup()

from assure.demo.communes import COMMUNES  # noqa: E402
from assure.directory.importing import EXTRACTION_COLUMNS  # noqa: E402

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

# Rough populations of the demo towns, in thousands (public orders of magnitude).
POPULATION = {
    "75111": 145, "75115": 230, "13205": 45, "69383": 100, "31555": 500, "06088": 340,
    "44109": 320, "67482": 290, "34172": 300, "33063": 260, "59350": 235, "35238": 225,
    "51454": 180, "76351": 165, "42218": 175, "83137": 180, "38185": 160, "21231": 160,
    "49007": 155, "30189": 150, "63113": 147, "72181": 145, "29019": 140, "29232": 63,
    "37261": 137, "80021": 134, "87085": 130, "66136": 120, "57463": 120, "25056": 120,
    "45234": 117, "76540": 114, "14118": 106, "54395": 105, "64445": 76, "17300": 77,
    "86194": 89, "74010": 130, "84007": 91, "2A004": 72, "2B033": 48, "97209": 76,
    "97411": 150,
}  # fmt: skip
# Invented suburbs: INSEE code of the town: (how many, spread in km, population range).
SUBURBS = {"75111": (1000, 18, (4_000, 20_000))}
SUBURB_POPULATION = (2_000, 12_000)
SUBURBS_PER_THOUSAND = 1 / 3  # elsewhere: one suburb per 3,000 inhabitants of the town
SUBURB_SPREAD_KM = 10
RURAL_COMMUNES = 28_000
CORSICAN_COMMUNES = 300
# A rough outline of metropolitan France, (latitude, longitude) clockwise from Dunkirk.
OUTLINE = [
    (51.09, 2.55), (50.35, 4.15), (49.55, 5.8), (49.45, 6.4), (49.0, 8.2), (48.0, 7.6),
    (47.5, 7.5), (46.4, 6.1), (46.0, 6.9), (45.1, 7.1), (44.1, 7.7), (43.75, 7.5),
    (43.1, 6.2), (43.4, 4.6), (43.1, 3.1), (42.45, 3.1), (42.75, 1.0), (43.35, -1.8),
    (44.6, -1.25), (45.7, -1.25), (46.4, -1.8), (47.2, -2.5), (47.8, -4.4), (48.4, -4.75),
    (48.75, -3.5), (48.6, -1.5), (49.7, -1.9), (49.35, -0.2), (49.75, 0.2), (50.1, 1.5),
]  # fmt: skip
CORSICA = ((41.4, 42.95), (8.6, 9.5))
KM_PER_DEGREE = 111.2
COMMUNE_COLUMNS = [
    "code_commune_INSEE", "nom_commune_postal", "code_postal", "latitude", "longitude",
    "nom_commune_complet",
]  # fmt: skip


def inside(latitude, longitude, outline=OUTLINE):
    """Whether a point is inside the outline (ray casting)."""
    found = False
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise([*outline, outline[0]]):
        if (lat1 > latitude) != (lat2 > latitude):
            crossing = lon1 + (latitude - lat1) * (lon2 - lon1) / (lat2 - lat1)
            if longitude < crossing:
                found = not found
    return found


def bench_communes(seed=11):
    """[(insee, name, [postcodes], latitude, longitude, population)], the same every time."""
    rng = random.Random(seed)
    taken_codes = {insee for insee, *_ in COMMUNES} | {
        code for *_, postcodes, _, _ in COMMUNES for code in postcodes
    }
    departments = [f"{number:02}" for number in range(1, 96) if number != 20]
    codes = (
        f"{department}{number:03}"
        for number in range(1, 1000)
        for department in departments
        if f"{department}{number:03}" not in taken_codes
    )
    # Corsica's INSEE codes begin with 2A or 2B, its postcodes with 20.
    corsican_codes = (
        f"2{'AB'[number % 2]}{number:03}" for number in range(1, 1000)
        if f"2A{number:03}" not in taken_codes and f"2B{number:03}" not in taken_codes
        and f"20{number:03}" not in taken_codes
    )  # fmt: skip

    def invented(code, latitude, longitude, population):
        postcode = "20" + code[2:] if code[1] in "AB" else code
        return (code, f"Bancville {code}", [postcode], latitude, longitude, population)

    communes = []
    for insee, name, postcodes, latitude, longitude in COMMUNES:
        population = POPULATION[insee] * 1000
        communes.append((insee, name, postcodes, latitude, longitude, population))
        if latitude < 41:  # overseas: no suburbs drawn
            continue
        count, spread, (smallest, biggest) = SUBURBS.get(
            insee,
            (round(population / 1000 * SUBURBS_PER_THOUSAND), SUBURB_SPREAD_KM, SUBURB_POPULATION),
        )
        for _ in range(count):
            while True:
                d_north, d_east = rng.gauss(0, spread), rng.gauss(0, spread)
                lat = latitude + d_north / KM_PER_DEGREE
                lon = longitude + d_east / (KM_PER_DEGREE * math.cos(math.radians(latitude)))
                if inside(lat, lon) or insee.startswith("2"):
                    break
            code = next(corsican_codes) if insee.startswith("2") else next(codes)
            communes.append(
                invented(code, round(lat, 5), round(lon, 5), rng.randint(smallest, biggest))
            )
    south, north = min(p[0] for p in OUTLINE), max(p[0] for p in OUTLINE)
    west, east = min(p[1] for p in OUTLINE), max(p[1] for p in OUTLINE)
    for _ in range(RURAL_COMMUNES):
        while True:
            lat, lon = rng.uniform(south, north), rng.uniform(west, east)
            if inside(lat, lon):
                break
        communes.append(
            invented(next(codes), round(lat, 5), round(lon, 5), int(rng.paretovariate(1.5) * 400))
        )
    for _ in range(CORSICAN_COMMUNES):
        lat, lon = rng.uniform(*CORSICA[0]), rng.uniform(*CORSICA[1])
        communes.append(invented(next(corsican_codes), round(lat, 5), round(lon, 5), 500))
    return communes


def write_communes(path, communes):
    """The communes in the layout of La Poste's file (`assure import_communes`)."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COMMUNE_COLUMNS)
        for insee, name, postcodes, latitude, longitude, _ in communes:
            for postcode in postcodes:
                writer.writerow([insee, name.upper(), postcode, latitude, longitude, name])


def lines(count, communes=None, seed=7):
    """The values (by column label) of `count` lines, the same every time."""
    generator = random.Random(seed)
    communes = communes or bench_communes()
    cumulative = list(itertools.accumulate(commune[5] for commune in communes))
    total = cumulative[-1]
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
                where = bisect.bisect_right(cumulative, generator.random() * total)
                insee, city, postcodes, *_ = communes[min(where, len(communes) - 1)]
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


def fees_line(rpps, code, generator):
    """A line of the fees file (docs/formats.md) for 4 professionals in 5, else None."""
    if generator.random() >= 0.8:
        return None
    if code == "10":
        sector = generator.choices(["1", "2", "non conventionné"], [70, 28, 2])[0]
        optam = "oui" if sector == "2" and generator.random() < 0.5 else "non"
        low = 30 if sector == "1" else generator.randint(30, 60)
        high = low if sector == "1" else low + generator.randint(0, 40)
        return f"{rpps};{sector};{optam};{low},00;{high},00\n"
    return f"{rpps};1;non;;\n"


def main(count, path, communes_path=None, fees_path=None):
    communes = bench_communes()
    if communes_path:
        write_communes(communes_path, communes)
    generator = random.Random(5)
    with contextlib.ExitStack() as files:
        out = files.enter_context(open(path, "w", encoding="utf-8", newline="\n"))
        fees = None
        if fees_path:
            fees = files.enter_context(open(fees_path, "w", encoding="utf-8", newline="\n"))
            fees.write("rpps;secteur;optam;tarif_min;tarif_max\n")
        out.write("|".join(EXTRACTION_COLUMNS) + "|\n")
        last = None
        for values in lines(count, communes):
            out.write("|".join(values.get(column, "") for column in EXTRACTION_COLUMNS) + "|\n")
            rpps = values["Identifiant PP"]
            if fees and rpps != last:
                last = rpps
                if line := fees_line(rpps, values["Code profession"], generator):
                    fees.write(line)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("count", type=int, help="lines of the RPPS file")
    parser.add_argument("path", help="the RPPS file written")
    parser.add_argument("--communes", metavar="FILE", help="also write the communes file")
    parser.add_argument(
        "--fees", metavar="FILE", help="also write a fees file (assure import_fees)"
    )
    args = parser.parse_args()
    main(args.count, args.path, args.communes, args.fees)
