"""Writes the import files of a fictitious fund: members and their payment lines.

    python bench/payments_file.py --members 1000000 --lines 20000000 DIR

writes DIR/members.csv (for `assure import_members`, by bench/members_file.py)
and DIR/payments.csv (for `assure import_payments`): about LINES payment lines
spread over the members, a realistic mix of natures (care mostly, daily
allowances, invalidity pensions, annuities, others), 1 to 4 lines a
payment, paid over the 24 months before today (``--today``). The same
arguments give the same files. As a module: ``write_payments(path, nirs,
lines)`` and ``member_nirs(members_path)``.

Lines are built from pre-rendered pieces (acts with their amounts, dates),
so that the file comes out at several hundred thousand lines a second.
"""

import argparse
import csv
import io
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HEADER = (
    "reference,member_nir,beneficiary_rank,paid_on,nature,care_date,end_date,act,professional,"
    "charged,base,rate,reimbursed,flat_fee,franchise\n"
)
DAYS = 730  # payments over the last 24 months
# Care acts: (act, kind of professional, charged, base, rate, flat fee, franchise per unit,
# how many units at most, weight). Rough 2026 tariffs of the régime général.
CARE = [
    ("Consultation médecin généraliste", "doctor", "30.00", "30.00", 70, "2.00", 0, 1, 30),
    ("Consultation médecin spécialiste", "doctor", "56.50", "31.50", 70, "2.00", 0, 1, 8),
    ("Pharmacie", "pharmacy", "", "", 65, "0.00", 1, 4, 30),
    ("Pharmacie (médicaments à 30 %)", "pharmacy", "", "", 30, "0.00", 1, 3, 6),
    ("Séance de kinésithérapie", "physio", "18.00", "16.87", 60, "0.00", 1, 1, 8),
    ("Détartrage", "dentist", "43.38", "43.38", 60, "2.00", 0, 1, 3),
    ("Soins dentaires (composite)", "dentist", "60.00", "53.00", 60, "2.00", 0, 1, 3),
    ("Analyses de biologie médicale", "lab", "", "", 60, "2.00", 0, 1, 8),
    ("Radiographie", "imaging", "39.90", "39.90", 70, "2.00", 0, 1, 3),
    ("Soins infirmiers", "nurse", "15.85", "15.85", 60, "0.00", 1, 1, 4),
]
PROFESSIONALS = {
    "doctor": [f"Dr {first} {last}" for first in ("Sophie", "Karim", "Anne", "Marc", "Julie")
               for last in ("Lambert", "Benali", "Roussel", "Petit", "Nguyen", "Faure")],
    "pharmacy": [f"Pharmacie {name}" for name in ("des Lilas", "de la Gare", "du Centre",
                                                  "Pasteur", "des Écoles", "du Marché")],
    "physio": [f"{name} (masseur-kinésithérapeute)" for name in ("Paul Morel", "Inès Girard",
                                                                  "Hugo Blanc")],
    "dentist": [f"Dr {name} (chirurgien-dentiste)" for name in ("Léa Mercier", "Rémi Garnier",
                                                                 "Nadia Perrin")],
    "lab": [f"Laboratoire {name}" for name in ("des Tilleuls", "Bio Centre", "de la Fontaine")],
    "imaging": [f"Centre d'imagerie {name}" for name in ("du Parc", "Saint-Jean")],
    "nurse": [f"{name} (infirmière)" for name in ("Claire Robin", "Emma Masson", "Zoé Henry")],
}  # fmt: skip
# Natures of the payments, by weight out of 1000.
NATURE_WEIGHTS = [("soins", 900), ("ij", 60), ("invalidite", 15), ("rente", 5), ("autre", 20)]


def member_nirs(members_path):
    """The NIRs of a members file, in its order."""
    with open(members_path, newline="", encoding="utf-8-sig") as file:
        reader = csv.reader(file)
        column = next(reader).index("nir")
        return [row[column] for row in reader]


def _cents(cents):
    return f"{cents // 100}.{cents % 100:02d}"


def _fields(*values):
    """Values as one piece of a CSV line (quoted where needed)."""
    out = io.StringIO()
    csv.writer(out, lineterminator="").writerow(values)
    return out.getvalue()


def _care_pieces(rng):
    """Pre-rendered 'act,professional,charged,base,rate,reimbursed,flat_fee,franchise' pieces
    of care lines, repeated by weight."""
    pieces = []
    for act, kind, charged, base, rate, flat_fee, franchise, units, weight in CARE:
        variants = []
        for professional in PROFESSIONALS[kind]:
            for count in range(1, units + 1):
                if charged:
                    charged_cents = int(charged.replace(".", ""))
                    base_cents = int(base.replace(".", ""))
                else:  # drugs and analyses: an amount of their own
                    base_cents = charged_cents = rng.randrange(500, 6000) * count
                label = f"{act} ({count} boîtes)" if units > 1 and count > 1 else act
                variants.append(
                    _fields(
                        label,
                        professional,
                        _cents(charged_cents),
                        _cents(base_cents),
                        rate,
                        _cents(base_cents * rate // 100),
                        flat_fee,
                        f"{franchise * count}.00",
                    )
                )
        pieces += variants * max(1, weight * 40 // len(variants))
    return pieces


def write_payments(path, nirs, lines, seed=2026, today=None):
    """Writes a payments file of `lines` lines over these NIRs; returns the number of payments."""
    today = today or date.today()
    rng = random.Random(seed)
    r = rng.random
    days = [(today - timedelta(days=offset)).isoformat() for offset in range(DAYS + 400)]
    care = _care_pieces(rng)
    natures = [name for name, weight in NATURE_WEIGHTS for _ in range(weight)]
    # Daily allowances: (days, piece), paid after the period, the waiting days left out.
    daily = [
        (
            count,
            _fields(
                f"Indemnités journalières maladie, {count} jours à "
                f"{_cents(amount).replace('.', ',')} €",
                "",
                "0.00",
                _cents(amount * count),
                100,
                _cents(amount * count),
                "0.00",
                "0.00",
            ),
        )
        for count in (4, 7, 11, 14, 21, 30)
        for amount in (1850, 2475, 3120, 3480, 4147)
    ]
    pensions = [
        _fields(label, "", "0.00", _cents(amount), 100, _cents(amount), "0.00", "0.00")
        for label in ("Pension d'invalidité catégorie 1", "Pension d'invalidité catégorie 2")
        for amount in (61234, 87450, 102034, 145590)
    ]
    annuities = [
        _fields("Rente accident du travail", "", "0.00", _cents(a), 100, _cents(a), "0.00", "0.00")
        for a in (21840, 45612, 98000)
    ]
    others = [
        _fields(label, "", "0.00", _cents(a), 100, _cents(a), "0.00", "0.00")
        for label, a in (
            ("Frais de transport pour une convocation au service médical", 2380),
            ("Complément de remboursement (régularisation)", 1250),
            ("Remboursement de frais de déplacement", 4715),
        )
    ]
    member_count = len(nirs)
    written = payments = 0
    chunk = []
    with open(path, "w", encoding="utf-8", newline="") as out:
        out.write(HEADER)
        while written < lines:
            payments += 1
            paid = int(r() * DAYS)
            nature = natures[int(r() * 1000)]
            head = f"B{payments:011d},{nirs[int(r() * member_count)]},,{days[paid]},{nature},"
            if nature == "soins":
                count = 1 + int(r() * r() * 4)  # 1 to 4, mostly 1 or 2
                care_day = paid + 2 + int(r() * 12)
                for _ in range(min(count, lines - written)):
                    chunk.append(f"{head}{days[care_day]},,{care[int(r() * len(care))]}\n")
                    care_day += int(r() * 3)
                written += min(count, lines - written)
                continue
            if nature == "ij":
                count, piece = daily[int(r() * len(daily))]
                end = paid + 3 + int(r() * 10)
                start = end + count - 1
            elif nature == "autre":
                start, end = paid + 3 + int(r() * 20), None
                piece = others[int(r() * len(others))]
            else:  # a month (pension) or a quarter (annuity) already gone by
                start = paid + (35 if nature == "invalidite" else 95)
                end = paid + 5
                piece = (pensions if nature == "invalidite" else annuities)[
                    int(r() * (len(pensions) if nature == "invalidite" else len(annuities)))
                ]
            end_text = "" if end is None else days[end]
            chunk.append(f"{head}{days[start]},{end_text},{piece}\n")
            written += 1
            if len(chunk) >= 20_000:
                out.write("".join(chunk))
                chunk.clear()
        out.write("".join(chunk))
    return payments


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--members", type=int, default=1000)
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--today", type=date.fromisoformat, help="YYYY-MM-DD (default: today)")
    parser.add_argument("dir", type=Path)
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "assure.settings")
    import django

    django.setup()
    sys.path.insert(0, str(ROOT / "bench"))
    import members_file

    args.dir.mkdir(parents=True, exist_ok=True)
    members_path, payments_path = args.dir / "members.csv", args.dir / "payments.csv"
    start = time.perf_counter()
    members_file.main(args.members, members_path)
    nirs = member_nirs(members_path)
    middle = time.perf_counter()
    payments = write_payments(payments_path, nirs, args.lines, args.seed, args.today)
    end = time.perf_counter()
    print(
        f"{members_path}: {len(nirs):,} members in {middle - start:.1f} s; "
        f"{payments_path}: {args.lines:,} lines, {payments:,} payments in {end - middle:.1f} s "
        f"({args.lines / (end - middle):,.0f} lines/s)."
    )


if __name__ == "__main__":
    main()
