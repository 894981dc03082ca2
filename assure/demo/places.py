"""Fictitious reception points and kiosks of the demo fund.

Invented like the demo members (demo/members.py): names say
"de démonstration", the streets are generic, the phone numbers are in the
01 99 00 range that ARCEP keeps for fiction. The towns are real, among those
of the demo members, and the coordinates are near their centres, so that a
search by distance gives sensible answers.

They go through the real import (``import_places``), so they pass its checks,
and loading them again changes nothing.
"""

import csv
import io

from assure.places.hours import WEEKDAYS
from assure.places.importing import COLUMNS, OPTIONAL_COLUMNS, import_places
from assure.places.models import Place

KEY_PREFIX = "DEMO-"
OFFICE = ["08:30-12:00,13:30-16:30"] * 4 + ["08:30-12:00", "", ""]
OFFICE_THURSDAY_AFTERNOON = [
    "08:30-12:00,13:30-16:30",
    "08:30-12:00,13:30-16:30",
    "08:30-12:00",
    "13:00-18:00",
    "08:30-12:00,13:30-16:30",
    "",
    "",
]
LOBBY_KIOSK = ["08:00-18:00"] * 5 + ["09:00-12:00", ""]
ALWAYS = ["00:00-24:00"] * 7
COUNTER = "Carte Vitale|Attestations|Rendez-vous|Dossiers et réclamations"
KIOSK = "Carte Vitale|Attestations|Relevés de remboursements"
HOLIDAYS = "Fermé les jours fériés."

# (id, name, kind, address, postcode, city, latitude, longitude, phone, services,
#  hours from Monday to Sunday, notes)
PLACES = [
    ("DEMO-ROUEN-1", "Accueil de démonstration — Rouen centre", "accueil",
     "12 rue de l'Exemple", "76000", "Rouen", 49.4410, 1.0930, "01 99 00 20 01", COUNTER,
     OFFICE, HOLIDAYS),
    ("DEMO-ROUEN-B", "Borne de démonstration — Rouen gare", "borne",
     "Hall de la gare\nPlace de l'Exemple", "76000", "Rouen", 49.4490, 1.0940, "", KIOSK,
     ALWAYS, "Borne accessible à toute heure dans le hall."),
    ("DEMO-HAVRE-1", "Accueil de démonstration — Le Havre", "accueil",
     "5 avenue de l'Exemple", "76600", "Le Havre", 49.4940, 0.1080, "01 99 00 20 02", COUNTER,
     OFFICE_THURSDAY_AFTERNOON, HOLIDAYS),
    ("DEMO-HAVRE-B", "Borne de démonstration — Le Havre", "borne",
     "5 avenue de l'Exemple", "76600", "Le Havre", 49.4941, 0.1082, "", KIOSK,
     LOBBY_KIOSK, "Dans le hall de l'accueil."),
    ("DEMO-PARIS-11", "Accueil de démonstration — Paris 11e", "accueil",
     "Bâtiment A\n30 boulevard de l'Exemple", "75011", "Paris", 48.8590, 2.3790,
     "01 99 00 20 03", COUNTER, OFFICE, HOLIDAYS),
    ("DEMO-PARIS-15-B", "Borne de démonstration — Paris 15e", "borne",
     "8 rue de l'Exemple", "75015", "Paris", 48.8420, 2.3000, "", KIOSK, LOBBY_KIOSK, ""),
    ("DEMO-LYON-3", "Accueil de démonstration — Lyon 3e", "accueil",
     "20 cours de l'Exemple", "69003", "Lyon", 45.7600, 4.8590, "01 99 00 20 04", COUNTER,
     OFFICE_THURSDAY_AFTERNOON, HOLIDAYS),
    ("DEMO-MARSEILLE-5", "Accueil de démonstration — Marseille 5e", "accueil",
     "3 rue de l'Exemple", "13005", "Marseille", 43.2930, 5.3970, "01 99 00 20 05", COUNTER,
     OFFICE, HOLIDAYS),
    ("DEMO-FDF-1", "Accueil de démonstration — Fort-de-France", "accueil",
     "1 rue de l'Exemple", "97200", "Fort-de-France", 14.6040, -61.0680, "01 99 00 20 06",
     COUNTER, ["07:30-12:00,13:00-15:30"] * 4 + ["07:30-12:00", "", ""], HOLIDAYS),
]  # fmt: skip


def demo_places_file():
    """The demo places as a CSV file of the documented format (a StringIO)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*COLUMNS, *OPTIONAL_COLUMNS])
    for key, name, kind, address, postcode, city, lat, lon, phone, services, week, notes in PLACES:
        days = dict(zip(WEEKDAYS, week, strict=True))
        row = {
            "id": key, "name": name, "kind": kind, "address": address, "postcode": postcode,
            "city": city, "latitude": f"{lat:.4f}", "longitude": f"{lon:.4f}", "phone": phone,
            "services": services, "notes": notes, **days,
        }  # fmt: skip
        writer.writerow([row[column] for column in (*COLUMNS, *OPTIONAL_COLUMNS)])
    out.seek(0)
    return out


def load_demo_places():
    """Import the demo places; returns the report, or None when the database holds
    places of a real fund (the demo's full import would deactivate them)."""
    if Place.objects.exclude(key__startswith=KEY_PREFIX).exists():
        return None
    return import_places(demo_places_file())
