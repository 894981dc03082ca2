"""Dates written the French way, in the portal's time zone (Europe/Paris by default)."""

from datetime import datetime

from django.utils import timezone

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


def french_date(value):
    """22 novembre 2026; 1er décembre 2026."""
    if isinstance(value, datetime):
        value = timezone.localtime(value)
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def french_datetime(value):
    """23 novembre 2026 à 15 h 30 (local time)."""
    local = timezone.localtime(value)
    return f"{french_date(local)} à {local.hour} h {local.minute:02d}"
