"""Dates, months, amounts and phone numbers written the French way: one wording for
pages (the `french` template-tag library of assure/portal), PDFs and e-mails alike.
Dates are in the portal's time zone (Europe/Paris by default)."""

from datetime import datetime
from decimal import Decimal

import phonenumbers
from django.utils import timezone

NBSP = "\u00a0"
MINUS = "\u2212"  # the minus sign of French typography, read "moins" by screen readers

MONTHS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]
# Month names short enough for a chart's labels ("sept. 2025").
SHORT_MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]

# Numbers dialled from France as national ones: metropolitan France and the
# overseas departments and territories that share its numbering plan.
FRENCH_PLAN = {"FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF"}


def french_date(value):
    """22 novembre 2026; 1er décembre 2026 (a datetime is taken in local time)."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_datetime(value):
    """23 novembre 2026 à 15 h 30 (local time)."""
    local = timezone.localtime(value)
    return f"{french_date(local)} à {local.hour} h {local.minute:02d}"


def month_name(month):
    """date(2026, 2, 1) → "février 2026"."""
    return f"{MONTHS[month.month - 1]} {month.year}"


def of_month(month):
    """date(2026, 4, 1) → "d'avril 2026"; date(2026, 3, 1) → "de mars 2026"."""
    name = month_name(month)
    return f"d'{name}" if name[0] in "aeiouéèâêôû" else f"de {name}"


def short_month_name(month):
    """date(2025, 9, 1) → "sept. 2025"."""
    return f"{SHORT_MONTHS[month.month - 1]} {month.year}"


def euros(value):
    """1234.5 → "1 234,50 €", -12.5 → "−12,50 €": rounded to the cent, with
    no-break spaces so the amount never wraps. Accepts a Decimal, an int or a
    string ("1234.56")."""
    if not isinstance(value, Decimal):
        value = Decimal(value)
    value = value.quantize(Decimal("0.01"))
    sign = MINUS if value < 0 else ""
    return f"{sign}{abs(value):,.2f}".replace(",", NBSP).replace(".", ",") + f"{NBSP}€"


def phone(value):
    """A stored number (E.164) as a member would dial it: "01 99 00 10 01" for
    a French number, "+32 2 123 45 67" for a foreign one; what cannot be read
    is given back as it is."""
    try:
        number = phonenumbers.parse(value, "FR")
    except phonenumbers.NumberParseException:
        return value
    if phonenumbers.region_code_for_number(number) in FRENCH_PLAN:
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.INTERNATIONAL)
