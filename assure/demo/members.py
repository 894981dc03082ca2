"""Fictitious members for the demo and training mode.

Everything here is invented: the people, their NIRs, their streets and
e-mail addresses (on the reserved ``.test`` domain), phone numbers (in the
01 99 00 range that ARCEP keeps for fiction), doctors, and bank accounts (at
the bank code 99999, which no bank has; the keys are right so that they pass
the checks). Only the towns are real, with their postcodes and INSEE commune
codes, so that addresses look right and each NIR agrees with the member's
sex, birth date and place of birth.

The first members are named situations a trainer can use (see
``demo_identities``); the others are drawn from a seeded random generator,
so the same list comes out every time. ``fictitious_coverage`` adds their
beneficiaries and rights periods once the members are saved.
"""

import random
from dataclasses import dataclass
from datetime import date, timedelta

from django.conf import settings
from schwifty import IBAN

from assure.lib.names import normalize_name
from assure.lib.nir import build_nir, format_nir
from assure.members.models import Beneficiary, Member, RightsPeriod

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
FICTITIOUS_BANK_CODE = "99999"
GENERAL_REGIME = "Régime général"
# Protection universelle maladie: since 1 January 2016 adults have rights of their own.
PUMA = date(2016, 1, 1)
# The beneficiaries of the named situations, by NIR: (relationship, last name,
# first names, birth date), in rank order. Camille Martin has a family.
NAMED_FAMILIES = {
    "2850375111034": [
        (Beneficiary.SPOUSE, "Moreau", "Julien", date(1983, 9, 2)),
        (Beneficiary.CHILD, "Martin", "Léa Rose", date(2014, 5, 20)),
        (Beneficiary.CHILD, "Martin", "Hugo", date(2018, 10, 3)),
    ],
    "278072A004057": [(Beneficiary.CHILD, "Le Gall", "Zoé", date(2011, 2, 17))],
}


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


def fictitious_members(count=240, seed=2026, today=None):
    """Unsaved fictitious members, always the same ones for the same count and seed.

    Most have a médecin traitant and an IBAN; a few have the complémentaire
    santé solidaire, for the twelve months around ``today``.
    """
    today = today or date.today()
    rng = random.Random(seed)
    used_nirs = set()
    members = [*_named_situations(today)][:count]
    used_nirs.update(member.nir for member in members)
    while len(members) < count:
        member = _random_member(rng)
        if member.nir not in used_nirs:
            used_nirs.add(member.nir)
            members.append(_with_details(member, today))
    yield from members


def fictitious_coverage(members, today=None):
    """Unsaved beneficiaries and rights periods of saved fictitious members.

    Returns (beneficiaries, rights_periods): the members' own rights in the
    régime général at the demo fund, and for some a spouse and children with
    their own periods. The same members give the same coverage. Save the
    beneficiaries first: the periods refer to them.
    """
    today = today or date.today()
    fund = settings.ASSURE_FUND_NAME
    beneficiaries, periods = [], []
    for member in members:
        rng = random.Random(f"coverage {member.nir}")
        own = _own_rights(member, rng, fund)
        periods += own
        family = NAMED_FAMILIES.get(member.nir) or _random_family(member, rng, today)
        for rank, (relationship, last_name, first_names, birth_date) in enumerate(family, 1):
            beneficiary = Beneficiary(
                member=member,
                rank=rank,
                relationship=relationship,
                last_name=last_name,
                first_names=first_names,
                birth_date=birth_date,
            )
            beneficiaries.append(beneficiary)
            # A child is covered from birth, a spouse from the member's current period.
            start = birth_date if relationship == Beneficiary.CHILD else own[-1].start
            periods.append(
                RightsPeriod(
                    member=member,
                    beneficiary=beneficiary,
                    start=start,
                    regime=GENERAL_REGIME,
                    fund=fund,
                )
            )
    return beneficiaries, periods


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
        for member in list(_named_situations(date.today()))[:3]
    ]


def _named_situations(today):
    # 1. Receives her code by e-mail; a spouse and two children on her file.
    yield _member(
        sex=2, first_names="Camille Marie", last_name="Martin", birth_date=date(1985, 3, 14),
        birth_place=("75", 111), order=34, town=_town("75011"), street="12 rue des Lilas",
        email="camille.martin@exemple.test", phone="01 99 00 10 01",
        gp_name="Dr Sophie Lambert", iban=_fictitious_iban(12345678),
    )  # fmt: skip
    # 2. No e-mail on file: the code goes by post.
    yield _member(
        sex=1, first_names="Jean-Pierre Louis", last_name="Dubois", birth_date=date(1952, 11, 2),
        birth_place=("69", 383), order=121, town=_town("69003"), street="4 avenue des Tilleuls",
        extra_line="Résidence Les Pins", gp_name="Dr Karim Benali", iban=_fictitious_iban(87654321),
    )  # fmt: skip
    # 3. Married name on the card, maiden name in the registry too; born in Corsica;
    # the complémentaire santé solidaire; a daughter on her file.
    yield _member(
        sex=2, first_names="Hélène", last_name="Le Gall", birth_name="Santoni",
        birth_date=date(1978, 7, 21), birth_place=("2A", 4), order=57, town=_town("29000"),
        street="8 chemin des Vignes", email="helene.legall@exemple.test",
        gp_name="Dr Anne Roussel", iban=_fictitious_iban(11223344), css=_css_period(today, 2),
    )  # fmt: skip
    # 4. Born in Upper Corsica, lives in Bastia; no doctor declared, no bank account on file.
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
    birth_name="", extra_line="", email="", phone="", gp_name="", iban="", css=(None, None),
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
        gp_name=gp_name,
        iban=iban,
        css_start=css[0],
        css_end=css[1],
    )


def _with_details(member, today):
    """A random member with a médecin traitant, an IBAN and the CSS, or not.

    Drawn from the member's own NIR, so that the list of members stays the
    same whatever is drawn here.
    """
    rng = random.Random(f"details {member.nir}")
    if rng.random() < 0.85:
        first_name = rng.choice(rng.choice((FEMALE_FIRST_NAMES, MALE_FIRST_NAMES)))
        member.gp_name = f"Dr {first_name} {rng.choice(SURNAMES)}"
    if rng.random() < 0.9:
        member.iban = _fictitious_iban(rng.randrange(10**10))
    if rng.random() < 0.08:
        member.css_start, member.css_end = _css_period(today, rng.randrange(12))
    return member


def _own_rights(member, rng, fund):
    """The member's rights periods, the open one last: from their twentieth year,
    closed and reopened at the protection universelle maladie for some."""
    start = date(member.birth_date.year + 20, 9, 1)
    periods = []
    if start < PUMA and rng.random() < 0.3:
        periods.append(
            RightsPeriod(
                member=member,
                start=start,
                end=PUMA - timedelta(days=1),
                regime=GENERAL_REGIME,
                fund=fund,
            )
        )
        start = PUMA
    periods.append(RightsPeriod(member=member, start=start, regime=GENERAL_REGIME, fund=fund))
    return periods


def _random_family(member, rng, today):
    """(relationship, last name, first names, birth date) of a spouse and children, or []."""
    age = (today - member.birth_date).days // 365
    family = []
    if 25 <= age <= 60 and rng.random() < 0.15:
        names = FEMALE_FIRST_NAMES if member.nir[0] == "1" else MALE_FIRST_NAMES
        birth_date = member.birth_date + timedelta(days=rng.randint(-2000, 2000))
        family.append(
            (Beneficiary.SPOUSE, rng.choice(SURNAMES), rng.choice(names), min(birth_date, today))
        )
    # Children under 18, born when the member was at least 22.
    earliest = max(member.birth_date + timedelta(days=22 * 365), today - timedelta(days=17 * 365))
    latest = today - timedelta(days=30)
    if 25 <= age <= 55 and earliest < latest and rng.random() < 0.4:
        births = sorted(
            earliest + timedelta(days=rng.randrange((latest - earliest).days))
            for _ in range(rng.randint(1, 3))
        )
        for birth_date in births:
            names = rng.choice((FEMALE_FIRST_NAMES, MALE_FIRST_NAMES))
            family.append((Beneficiary.CHILD, member.last_name, rng.choice(names), birth_date))
    return family


def _fictitious_iban(account_number):
    """A French IBAN at a bank code no bank has, with the right RIB key and check digits."""
    return IBAN.generate(
        "FR",
        bank_code=FICTITIOUS_BANK_CODE,
        branch_code="00001",
        account_code=f"{account_number:011d}",
    ).compact


def _css_period(today, months_ago):
    """Twelve months of complémentaire santé solidaire, started months_ago months ago."""
    month = today.year * 12 + today.month - 1 - months_ago
    start = date(month // 12, month % 12 + 1, 1)
    return start, date(start.year + 1, start.month, 1) - timedelta(days=1)


def _town(postcode):
    return next(town for town in TOWNS if town[1] == postcode)


def _email_part(name):
    return normalize_name(name).replace(" ", "-")


def _e164(phone):
    return "+33" + phone.replace(" ", "")[1:] if phone else ""
