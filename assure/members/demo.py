"""Fictitious members for the demo and training mode.

Everything here is invented: the people, their NIRs, their streets and
e-mail addresses (on the reserved ``.test`` domain) and phone numbers (in
the 01 99 00 range that ARCEP keeps for fiction). Only the towns are real,
with their postcodes and INSEE commune codes, so that addresses look right
and each NIR agrees with the member's sex, birth date and place of birth.

The first members are named situations a trainer can use (see
``demo_identities``); the others are drawn from a seeded random generator,
so the same list comes out every time.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from assure.lib.names import normalize_name
from assure.lib.nir import build_nir, format_nir

from .models import Member

FEMALE_FIRST_NAMES = [
    "Marie", "Camille", "Léa", "Manon", "Chloé", "Emma", "Inès", "Sarah", "Julie", "Lucie",
    "Nathalie", "Isabelle", "Sylvie", "Catherine", "Christine", "Françoise", "Monique",
    "Hélène", "Élodie", "Aurélie", "Sophie", "Céline", "Anaïs", "Zoé", "Louise", "Jeanne",
    "Amina", "Fatima", "Yasmine", "Nadia",
]  # fmt: skip
MALE_FIRST_NAMES = [
    "Jean", "Pierre", "Michel", "Philippe", "Alain", "Nicolas", "Julien", "Thomas", "Lucas",
    "Hugo", "Louis", "Gabriel", "Arthur", "Nathan", "Théo", "Antoine", "François", "Éric",
    "Stéphane", "Laurent", "Olivier", "Christophe", "Jérôme", "Mathieu", "Karim", "Mehdi",
    "Youssef", "Jean-Pierre", "Jean-Luc", "Rémi",
]  # fmt: skip
SURNAMES = [
    "Martin", "Bernard", "Thomas", "Petit", "Robert", "Richard", "Durand", "Dubois", "Moreau",
    "Laurent", "Simon", "Michel", "Lefèvre", "Leroy", "Roux", "David", "Bertrand", "Morel",
    "Fournier", "Girard", "Bonnet", "Dupont", "Lambert", "Fontaine", "Rousseau", "Vincent",
    "Muller", "Lefebvre", "Faure", "André", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier",
    "Chevalier", "François", "Legrand", "Gauthier", "Garcia", "Perrin", "Robin", "Clément",
    "Morin", "Nicolas", "Henry", "Roussel", "Mathieu", "Gautier", "Masson", "Le Gall",
    "Le Goff", "N'Diaye", "Benali", "Da Silva", "Ferreira", "Pereira", "Rossi", "Nguyen",
    "Colonna", "Santoni", "Hoarau", "Payet",
]  # fmt: skip
STREETS = [
    "rue des Lilas", "rue de la Paix", "avenue des Tilleuls", "rue du Moulin",
    "impasse des Acacias", "boulevard des Platanes", "rue des Écoles", "place de la Fontaine",
    "chemin des Vignes", "allée des Peupliers", "rue des Jardins", "rue du Stade",
    "avenue de la Gare", "rue des Roses", "rue de l'Église", "rue Pasteur", "rue Victor Hugo",
    "rue Jean Jaurès", "avenue des Marronniers", "rue des Cerisiers",
]  # fmt: skip
EXTRA_LINES = ["Bâtiment B", "Résidence Les Pins", "Appartement 12", "Escalier C", "Chez M. Durand"]

# Real towns (public facts): city, postcode, and the place of birth as it
# appears in a NIR (department, then commune: Paris, Lyon and Marseille by
# arrondissement; 3-digit overseas departments leave a 2-digit commune).
TOWNS = [
    ("Paris", "75011", "75", 111),
    ("Paris", "75015", "75", 115),
    ("Marseille", "13005", "13", 205),
    ("Lyon", "69003", "69", 383),
    ("Toulouse", "31000", "31", 555),
    ("Nice", "06000", "06", 88),
    ("Nantes", "44000", "44", 109),
    ("Strasbourg", "67000", "67", 482),
    ("Montpellier", "34000", "34", 172),
    ("Bordeaux", "33000", "33", 63),
    ("Lille", "59000", "59", 350),
    ("Rennes", "35000", "35", 238),
    ("Reims", "51100", "51", 454),
    ("Le Havre", "76600", "76", 351),
    ("Saint-Étienne", "42000", "42", 218),
    ("Toulon", "83000", "83", 137),
    ("Grenoble", "38000", "38", 185),
    ("Dijon", "21000", "21", 231),
    ("Angers", "49000", "49", 7),
    ("Nîmes", "30000", "30", 189),
    ("Clermont-Ferrand", "63000", "63", 113),
    ("Le Mans", "72000", "72", 181),
    ("Brest", "29200", "29", 19),
    ("Quimper", "29000", "29", 232),
    ("Tours", "37000", "37", 261),
    ("Amiens", "80000", "80", 21),
    ("Limoges", "87000", "87", 85),
    ("Perpignan", "66000", "66", 136),
    ("Metz", "57000", "57", 463),
    ("Besançon", "25000", "25", 56),
    ("Orléans", "45000", "45", 234),
    ("Rouen", "76000", "76", 540),
    ("Caen", "14000", "14", 118),
    ("Nancy", "54000", "54", 395),
    ("Pau", "64000", "64", 445),
    ("La Rochelle", "17000", "17", 300),
    ("Poitiers", "86000", "86", 194),
    ("Annecy", "74000", "74", 10),
    ("Avignon", "84000", "84", 7),
    ("Ajaccio", "20000", "2A", 4),
    ("Bastia", "20200", "2B", 33),
    ("Fort-de-France", "97200", "972", 9),
    ("Saint-Denis", "97400", "974", 11),
]
# Countries of birth abroad, by INSEE code (the NIR then reads 99 and the code).
COUNTRIES = [350, 351, 352, 139, 127, 134]  # Maroc, Tunisie, Algérie, Portugal, Italie, Espagne


@dataclass(frozen=True)
class DemoIdentity:
    """What a trainer types in « Je demande un code » for one fictitious member."""

    nir: str  # 13 characters
    birth_date: date
    postcode: str
    last_name: str
    birth_name: str
    first_name: str
    email: str

    def __str__(self):
        born = "née" if self.nir[0] in "248" else "né"
        name = f"{self.first_name} {self.last_name.upper()}"
        if self.birth_name and self.birth_name != self.last_name:
            name += f" ({born} {self.birth_name.upper()})"
        channel = f"code par e-mail ({self.email})" if self.email else "code par courrier"
        return (
            f"{name} — n° {format_nir(self.nir)}, {born} le {self.birth_date:%d/%m/%Y}, "
            f"code postal {self.postcode} — {channel}"
        )


def fictitious_members(count=240, seed=2026):
    """Unsaved fictitious members, always the same ones for the same count and seed."""
    rng = random.Random(seed)
    used_nirs = set()
    members = [*_named_situations()][:count]
    used_nirs.update(member.nir for member in members)
    while len(members) < count:
        member = _random_member(rng)
        if member.nir not in used_nirs:
            used_nirs.add(member.nir)
            members.append(member)
    yield from members


def demo_identities():
    """The three identities printed by ``make demo``: e-mail, letter, maiden name."""
    return [
        DemoIdentity(
            nir=member.nir,
            birth_date=member.birth_date,
            postcode=member.postcode,
            last_name=member.last_name,
            birth_name=member.birth_name,
            first_name=member.first_name,
            email=member.email,
        )
        for member in list(_named_situations())[:3]
    ]


def _named_situations():
    # 1. Receives her code by e-mail.
    yield _member(
        sex=2, first_names="Camille Marie", last_name="Martin", birth_date=date(1985, 3, 14),
        birth_place=("75", 111), order=34, town=_town("75011"), street="12 rue des Lilas",
        email="camille.martin@exemple.test", phone="01 99 00 10 01",
    )  # fmt: skip
    # 2. No e-mail on file: the code goes by post.
    yield _member(
        sex=1, first_names="Jean-Pierre Louis", last_name="Dubois", birth_date=date(1952, 11, 2),
        birth_place=("69", 383), order=121, town=_town("69003"), street="4 avenue des Tilleuls",
        extra_line="Résidence Les Pins",
    )  # fmt: skip
    # 3. Married name on the card, maiden name in the registry too; born in Corsica.
    yield _member(
        sex=2, first_names="Hélène", last_name="Le Gall", birth_name="Santoni",
        birth_date=date(1978, 7, 21), birth_place=("2A", 4), order=57, town=_town("29000"),
        street="8 chemin des Vignes", email="helene.legall@exemple.test",
    )  # fmt: skip
    # 4. Born in Upper Corsica, lives in Bastia.
    yield _member(
        sex=1, first_names="Antoine", last_name="Colonna", birth_date=date(1990, 1, 9),
        birth_place=("2B", 33), order=8, town=_town("20200"), street="3 rue du Moulin",
    )  # fmt: skip


def _random_member(rng):
    sex = rng.choice((1, 2))
    first_names = rng.sample(MALE_FIRST_NAMES if sex == 1 else FEMALE_FIRST_NAMES, 2)
    birth_date = date(1940, 1, 1) + timedelta(days=rng.randrange(65 * 365))
    last_name = rng.choice(SURNAMES)
    birth_name = ""
    if sex == 2 and rng.random() < 0.3:
        birth_name = rng.choice([name for name in SURNAMES if name != last_name])
    town = rng.choice(TOWNS)
    if rng.random() < 0.1:
        birth_place = ("99", rng.choice(COUNTRIES))
    elif rng.random() < 0.5:
        birth_place = town[2:]
    else:
        birth_place = rng.choice(TOWNS)[2:]
    has_email = rng.random() < 0.6
    email = ""
    if has_email:
        email = f"{_email_part(first_names[0])}.{_email_part(birth_name or last_name)}"
        email += f"{rng.randrange(100)}@exemple.test"
    street = f"{rng.randrange(1, 120)} {rng.choice(STREETS)}"
    return _member(
        sex=sex,
        first_names=" ".join(first_names),
        last_name=last_name,
        birth_name=birth_name,
        birth_date=birth_date,
        birth_place=birth_place,
        order=rng.randrange(1, 1000),
        town=town,
        street=street,
        extra_line=rng.choice(EXTRA_LINES) if rng.random() < 0.15 else "",
        email=email,
        phone=f"01 99 00 {rng.randrange(100):02d} {rng.randrange(100):02d}"
        if rng.random() < 0.5
        else "",
    )


def _member(
    *, sex, first_names, last_name, birth_date, birth_place, order, town, street,
    birth_name="", extra_line="", email="", phone="",
):  # fmt: skip
    department, commune = birth_place
    if department in ("2A", "2B") and birth_date.year < 1976:
        department = "20"  # Corsica was one department before 1976, and a NIR never changes
    city, postcode = town[0], town[1]
    return Member(
        nir=build_nir(sex, birth_date.year, birth_date.month, department, commune, order),
        last_name=last_name,
        birth_name=birth_name,
        first_names=first_names,
        birth_date=birth_date,
        address="\n".join(line for line in (extra_line, street) if line),
        postcode=postcode,
        city=city,
        email=email,
        phone=_e164(phone),
    )


def _town(postcode):
    return next(town for town in TOWNS if town[1] == postcode)


def _email_part(name):
    return normalize_name(name).replace(" ", "-")


def _e164(phone):
    return "+33" + phone.replace(" ", "")[1:] if phone else ""
