"""Fictitious payments of the demo members, over the last fourteen months.

Everything is invented, as in assure/demo/members.py: references, amounts,
professionals. The amounts follow the régime général's rules as they stand in
2026, rounded, so that a statement looks right to someone who knows them:

- a general practitioner's consultation is 30 €, reimbursed at 70 % (21 €),
  less the participation forfaitaire of 2 € (since 15 May 2024);
- medicines with a white label at 65 %, blue at 30 %, less a franchise of
  1 € a box (since 31 March 2024); physiotherapy and nursing at 60 %, less
  1 € an act; dental care, biology at 60 %, less 2 €;
- children under 18 and people with the complémentaire santé solidaire pay
  neither participation forfaitaire nor franchise; an ALD (long-term
  illness) is covered at 100 %, the deductions still apply;
- daily allowances (indemnités journalières) start after 3 waiting days, at
  a daily amount of at most 41,47 € (1,4 SMIC); an invalidity pension is paid
  monthly for the month gone by; an annuity for an accident at work
  quarterly.

The payments go through the real import (``import_payments``), so they pass
its checks, and loading them again changes nothing (the references depend on
the member and the order of their payments, not on the day).
"""

import csv
import hashlib
import io
import random
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from assure.members.models import Beneficiary, Member
from assure.payments.importing import COLUMNS, NATURE_WORDS, import_payments
from assure.payments.models import Payment

from .members import fictitious_members

MONTHS = 14
CENT = Decimal("0.01")
FLAT_FEE = Decimal("2.00")  # participation forfaitaire
FRANCHISE = Decimal("1.00")  # per box of medicine or paramedical act
MONTH_NAMES = [
    "janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
    "octobre", "novembre", "décembre",
]  # fmt: skip
PHARMACIES = ["Pharmacie des Lilas", "Pharmacie de la Gare", "Pharmacie du Centre"]
LABORATORIES = ["Laboratoire des Tilleuls", "Laboratoire Bio Centre"]
DOCTORS = ["Dr Sophie Lambert", "Dr Karim Benali", "Dr Anne Roussel", "Dr Marc Petit"]
PEDIATRICIANS = ["Dr Claire Fontaine (pédiatre)", "Dr Paul Girard (pédiatre)"]
DENTISTS = ["Dr Léa Mercier (chirurgien-dentiste)", "Dr Rémi Garnier (chirurgien-dentiste)"]
PHYSIOTHERAPISTS = [
    "Inès Morel (masseur-kinésithérapeute)",
    "Hugo Blanc (masseur-kinésithérapeute)",
]
OPHTHALMOLOGISTS = ["Dr Nadia Perrin (ophtalmologiste)"]


def demo_payments_file(members, today=None):
    """The lines of a payments file (docs/formats.md) for these saved members, header first.

    ``members`` with their beneficiaries (prefetched, best). The same members
    on the same day give the same file.
    """
    today = today or date.today()
    named = dict(
        zip(
            (member.nir for member in fictitious_members(count=4, today=today)),
            (_History.camille, _History.jean_pierre, _History.helene, _History.antoine),
            strict=True,
        )
    )
    pension = annuity = True
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    yield _take(out)
    for member in members:
        history = _History(member, today)
        named.get(member.nir, _History.random)(history)
        # Besides Antoine Colonna's, one more invalidity pension, and one annuity.
        if member.nir not in named and history.age in range(40, 62) and pension:
            history.monthly_pensions("Pension d'invalidité 2e catégorie", Decimal("1043.27"))
            pension = False
        elif member.nir not in named and history.age in range(25, 65) and annuity:
            history.quarterly_annuity(Decimal("318.45"))
            annuity = False
        for row in history.rows:
            writer.writerow(row)
            yield _take(out)


def load_demo_payments(today=None):
    """Import the demo payments of the members in the database; returns the PaymentsReport.

    Only when every member there is a demo member (else None): fictitious
    payments must never land on the file of a real person.
    """
    demo_nirs = {member.nir for member in fictitious_members(today=today)}
    if not Member.objects.exists() or Member.objects.exclude(nir__in=demo_nirs).exists():
        return None
    members = list(Member.objects.order_by("pk").prefetch_related("beneficiaries"))
    return import_payments(demo_payments_file(members, today), today=today)


def _take(out):
    text = out.getvalue()
    out.seek(0)
    out.truncate()
    return text


def _money(value):
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


class _History:
    """The payments of one member, drawn from a generator seeded by their NIR."""

    def __init__(self, member, today):
        self.member, self.today = member, today
        self.rng = random.Random(f"payments {member.nir}")
        self.beneficiaries = sorted(member.beneficiaries.all(), key=lambda b: b.rank)
        self.count = 0
        self.rows = []
        self.age = (today - member.birth_date).days // 365

    # The named situations of assure/demo/members.py.

    def camille(self):
        """Camille Martin: care for herself, her spouse and their two children."""
        spouse, lea, hugo = self.beneficiaries[:3]
        for months_ago in range(MONTHS):
            day = self.day(months_ago)
            if months_ago % 2 == 0:
                self.care(None, day, self.gp_consultation(day) + self.pharmacy(None, day, 2))
            if months_ago % 3 == 1:
                self.care(hugo, day, [self.consultation(day, PEDIATRICIANS[0], "pédiatre", 35)])
            if months_ago % 4 == 2:
                self.care(hugo, day, self.pharmacy(hugo, day, 1))
            if months_ago in (3, 9):
                self.care(lea, day, [self.orthodontics(day)])
            if months_ago in (5, 11):
                self.care(lea, day, [self.dental(lea, day)])
        self.physiotherapy_series(spouse, self.day(7), 6)
        day = self.day(1)
        self.care(spouse, day, self.gp_consultation(day, who=spouse))
        day = self.day(6)
        self.care(None, day, [self.analyses(None, day, Decimal("38.61"))])
        day = self.day(10)
        self.care(None, day, [self.ophthalmology(day)])

    def jean_pierre(self):
        """Jean-Pierre Dubois, retired, a long-term illness (ALD) at 100 %."""
        for months_ago in range(MONTHS):
            day = self.day(months_ago)
            lines = self.gp_consultation(
                day, rate=100, act="Consultation médecin généraliste (ALD)"
            )
            self.care(None, day, lines + self.pharmacy(None, day, 4, rate=100))
            if months_ago % 3 == 0:
                self.care(None, day + timedelta(days=2), [self.analyses(None, day, rate=100)])
            if months_ago % 5 == 1:
                self.nursing(day, 3)
        self.other(
            self.day(4), "Frais de transport pour une convocation au service médical", "23.80"
        )

    def helene(self):
        """Hélène Le Gall, with the complémentaire santé solidaire: two sick leaves."""
        self.daily_allowances(self.day(5), 14, Decimal("34.80"))
        self.daily_allowances(self.day(1), 30, Decimal("34.80"))
        zoe = self.beneficiaries[0] if self.beneficiaries else None
        for months_ago in range(0, MONTHS, 2):
            day = self.day(months_ago)
            self.care(None, day, self.gp_consultation(day) + self.pharmacy(None, day, 3))
            if zoe:
                self.care(zoe, day, self.gp_consultation(day, who=zoe))

    def antoine(self):
        """Antoine Colonna: an invalidity pension since an accident, and some care."""
        self.monthly_pensions("Pension d'invalidité 1re catégorie", Decimal("612.30"))
        for months_ago in (2, 6, 12):
            day = self.day(months_ago)
            self.care(None, day, self.gp_consultation(day) + self.pharmacy(None, day, 1))
        self.physiotherapy_series(None, self.day(8), 8)

    # Everyone else.

    def random(self):
        rng, age = self.rng, self.age
        frequency = 0.3 + min(age, 90) / 120  # older people see doctors more often
        for months_ago in range(MONTHS):
            while rng.random() < frequency * 0.7:
                self.random_care(self.day(months_ago))
                frequency /= 2
            frequency = 0.3 + min(age, 90) / 120
        if 20 <= age <= 62 and rng.random() < 0.08:
            self.daily_allowances(self.day(rng.randrange(MONTHS)), rng.choice((7, 14, 21)))
        if rng.random() < 0.03:
            self.other(self.day(rng.randrange(MONTHS)), "Régularisation d'un remboursement", "6.30")

    def random_care(self, day):
        rng = self.rng
        born = [beneficiary for beneficiary in self.beneficiaries if beneficiary.birth_date < day]
        who = rng.choice([None, None, None, *born])
        child = who is not None and who.relationship == Beneficiary.CHILD
        kind = rng.random()
        if child and kind < 0.5:
            lines = [self.consultation(day, rng.choice(PEDIATRICIANS), "pédiatre", 35)]
            lines += self.pharmacy(who, day, rng.randint(1, 2)) if rng.random() < 0.5 else []
        elif kind < 0.5:
            lines = self.gp_consultation(day, who=who)
            if rng.random() < 0.6:
                lines += self.pharmacy(who, day, rng.randint(1, 4))
        elif kind < 0.7:
            lines = self.pharmacy(who, day, rng.randint(1, 3), rate=rng.choice((65, 65, 30)))
        elif kind < 0.8:
            lines = [self.dental(who, day)]
        elif kind < 0.9:
            lines = [self.analyses(who, day)]
        elif kind < 0.95:
            lines = [self.ophthalmology(day, who=who)]
        else:
            self.physiotherapy_series(who, day, rng.randint(3, 8))
            return
        self.care(who, day, lines)

    # Lines.

    def day(self, months_ago):
        """A day of the month `months_ago` months before today (about)."""
        return self.today - timedelta(days=months_ago * 30 + self.rng.randrange(3, 28))

    def exempt(self, who, day):
        """No participation forfaitaire nor franchise: a child, or the CSS."""
        birth_date = self.member.birth_date if who is None else who.birth_date
        if (day - birth_date).days < 18 * 365:
            return True
        css_start, css_end = self.member.css_start, self.member.css_end
        return bool(css_start and css_start <= day and (css_end is None or day <= css_end))

    def line(self, day, act, professional, charged, base, rate, flat_fee=0, franchise=0):
        charged, base = _money(charged), _money(base)
        return {
            "care_date": day,
            "end_date": None,
            "act": act,
            "professional": professional,
            "charged": charged,
            "base": base,
            "rate": rate,
            "reimbursed": _money(base * rate / 100),
            "flat_fee": _money(flat_fee),
            "franchise": _money(franchise),
        }

    def gp_consultation(self, day, who=None, rate=70, act="Consultation médecin généraliste"):
        doctor = self.member.gp_name or DOCTORS[self.count % len(DOCTORS)]
        flat_fee = 0 if self.exempt(who, day) else FLAT_FEE
        return [self.line(day, act, doctor, 30, 30, rate, flat_fee=flat_fee)]

    def consultation(self, day, professional, specialty, amount):
        return self.line(day, f"Consultation {specialty}", professional, amount, amount, 70)

    def ophthalmology(self, day, who=None):
        flat_fee = 0 if self.exempt(who, day) else FLAT_FEE
        act = "Consultation ophtalmologiste"
        return self.line(day, act, OPHTHALMOLOGISTS[0], 55, "31.50", 70, flat_fee=flat_fee)

    def pharmacy(self, who, day, boxes, rate=65):
        price = _money(self.rng.uniform(4, 18) * boxes)
        franchise = 0 if self.exempt(who, day) else FRANCHISE * boxes
        act = "Médicaments (1 boîte)" if boxes == 1 else f"Médicaments ({boxes} boîtes)"
        pharmacy = PHARMACIES[int(self.member.nir[-3:]) % len(PHARMACIES)]
        return [self.line(day, act, pharmacy, price, price, rate, franchise=franchise)]

    def dental(self, who, day):
        flat_fee = 0 if self.exempt(who, day) else FLAT_FEE
        act, charged, base = self.rng.choice(
            [("Détartrage", "43.38", "43.38"), ("Soin d'une carie (composite)", "60.00", "53.00")]
        )
        return self.line(day, act, DENTISTS[0], charged, base, 60, flat_fee=flat_fee)

    def orthodontics(self, day):
        act = "Traitement d'orthodontie (un semestre)"
        return self.line(day, act, DENTISTS[1], 650, "193.50", 100)

    def analyses(self, who, day, base=None, rate=60):
        base = base or _money(self.rng.uniform(12, 60))
        flat_fee = 0 if self.exempt(who, day) else FLAT_FEE
        laboratory = LABORATORIES[self.count % len(LABORATORIES)]
        return self.line(
            day, "Analyses de biologie médicale", laboratory, base, base, rate, flat_fee
        )

    def physiotherapy_series(self, who, day, sessions):
        """Physiotherapy sessions two days apart, paid together after the last."""
        franchise = 0 if self.exempt(who, day) else FRANCHISE
        professional = PHYSIOTHERAPISTS[sessions % len(PHYSIOTHERAPISTS)]
        lines = [
            self.line(
                day + timedelta(days=2 * n),
                "Séance de kinésithérapie",
                professional,
                "16.87",
                "16.87",
                60,
                franchise=franchise,
            )  # fmt: skip
            for n in range(sessions)
        ]
        self.care(who, lines[-1]["care_date"], lines)

    def nursing(self, day, acts):
        lines = [
            self.line(day + timedelta(days=n), "Soins infirmiers (pansement)", "Claire Robin "
                      "(infirmière)", "15.85", "15.85", 60, franchise=FRANCHISE)
            for n in range(acts)
        ]  # fmt: skip
        self.care(None, lines[-1]["care_date"], lines)

    # Payments.

    def care(self, who, day, lines):
        self.pay(Payment.CARE, day + timedelta(days=self.rng.randint(2, 7)), lines, who)

    def daily_allowances(self, first_day, days, daily=None):
        """A sick leave of `days` days from `first_day`: after 3 waiting days, paid
        every 14 days (one payment a fortnight, each with its period)."""
        daily = daily or _money(self.rng.uniform(22, 41.47))
        start = first_day + timedelta(days=3)
        end_of_leave = first_day + timedelta(days=days - 1)
        while start <= end_of_leave:
            end = min(start + timedelta(days=13), end_of_leave)
            count = (end - start).days + 1
            amount = daily * count
            act = f"Indemnités journalières maladie : {count} jours à {daily} €".replace(".", ",")
            line = self.line(start, act, "", 0, amount, 100)
            line["end_date"] = end
            self.pay(Payment.DAILY_ALLOWANCE, end + timedelta(days=4), [line])
            start = end + timedelta(days=1)

    def monthly_pensions(self, act, amount):
        """A pension for each month gone by, paid on the 9th of the next."""
        month = self.today.replace(day=1)
        for _ in range(MONTHS):
            paid_on = month.replace(day=9)
            first = (month - timedelta(days=1)).replace(day=1)
            label = f"{act} — {MONTH_NAMES[first.month - 1]} {first.year}"
            line = self.line(first, label, "", 0, amount, 100)
            line["end_date"] = month - timedelta(days=1)
            self.pay(Payment.INVALIDITY, paid_on, [line])
            month = first

    def quarterly_annuity(self, amount):
        """An annuity for an accident at work (permanent incapacity), paid each quarter."""
        quarter = date(self.today.year, (self.today.month - 1) // 3 * 3 + 1, 1)
        for _ in range(MONTHS // 3):
            first = date(quarter.year - (quarter.month == 1), (quarter.month - 4) % 12 + 1, 1)
            act = "Rente accident du travail (incapacité permanente de 12 %)"
            line = self.line(first, act, "", 0, amount, 100)
            line["end_date"] = quarter - timedelta(days=1)
            self.pay(Payment.ANNUITY, quarter + timedelta(days=4), [line])
            quarter = first

    def other(self, day, act, amount):
        self.pay(Payment.OTHER, day + timedelta(days=10), [self.line(day, act, "", 0, amount, 100)])

    def pay(self, nature, paid_on, lines, who=None):
        """One payment's rows; one paid after today is left out (not paid yet)."""
        self.count += 1
        digest = hashlib.blake2b(f"{self.member.nir} {self.count}".encode(), digest_size=5)
        reference = f"DEMO-{digest.hexdigest().upper()}"
        if paid_on > self.today:
            return
        rank = "" if who is None else who.rank
        head = [reference, self.member.nir, rank, paid_on, NATURE_WORDS[nature]]
        for line in lines:
            self.rows.append(
                head + ["" if line[name] is None else line[name] for name in COLUMNS[5:]]
            )
