"""Opening hours: parsing a day's intervals, and saying in French when a place opens.

A day's hours are a list of ``[start, end]`` pairs of ``"HH:MM"`` strings,
increasing and apart (``[["08:30", "12:00"], ["13:30", "16:30"]]``); an empty
list is a closed day. ``"24:00"`` may only end an interval: a kiosk open day
and night has ``[["00:00", "24:00"]]``, and an interval ending at midnight
followed by one starting at midnight the next day is one opening.
"""

import re
from datetime import timedelta

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
FRENCH_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MAX_INTERVALS = 4
DAY = 24 * 60
INTERVAL = re.compile(r"(\d{1,2}):(\d{2})\s*[-–]\s*(\d{1,2}):(\d{2})")


class InvalidHours(ValueError):
    """A day's hours that cannot be read; the message says why, in French."""


def parse_day(text):
    """The intervals of one day from ``08:30-12:00,13:30-16:30``; empty text is closed.

    Raises InvalidHours naming the faulty interval.
    """
    text = text.strip()
    if not text:
        return []
    parts = [part.strip() for part in text.split(",")]
    if len(parts) > MAX_INTERVALS:
        raise InvalidHours(f"{MAX_INTERVALS} plages horaires au plus par jour ({len(parts)} ici)")
    intervals, previous_end = [], None
    for part in parts:
        match = INTERVAL.fullmatch(part)
        if not match:
            raise InvalidHours(
                f"plage horaire illisible {part!r} (attendu par exemple 08:30-12:00)"
            )
        start_hour, start_minute, end_hour, end_minute = (int(group) for group in match.groups())
        if start_hour > 23 or start_minute > 59:
            raise InvalidHours(f"heure de début impossible dans {part!r}")
        if end_minute > 59 or end_hour > 24 or (end_hour == 24 and end_minute):
            raise InvalidHours(f"heure de fin impossible dans {part!r}")
        start, end = start_hour * 60 + start_minute, end_hour * 60 + end_minute
        if end <= start:
            raise InvalidHours(f"la fin doit suivre le début dans {part!r}")
        if previous_end is not None and start <= previous_end:
            raise InvalidHours(
                f"la plage {part!r} doit commencer après la fin de la précédente "
                "(plages dans l'ordre, sans chevauchement ; réunissez les plages qui se touchent)"
            )
        intervals.append([_hhmm(start), _hhmm(end)])
        previous_end = end
    return intervals


def minutes(hhmm):
    """Minutes since midnight of ``"HH:MM"`` (``"24:00"`` is 1440)."""
    hours, mins = hhmm.split(":")
    return int(hours) * 60 + int(mins)


def _hhmm(total):
    return f"{total // 60:02d}:{total % 60:02d}"


def french_time(total):
    """``8 h 30``, ``12 h``, ``minuit`` for the end of a day."""
    if total == DAY:
        return "minuit"
    hours, mins = divmod(total, 60)
    return f"{hours} h {mins:02d}" if mins else f"{hours} h"


def french_intervals(intervals):
    """``de 8 h 30 à 12 h et de 13 h 30 à 16 h 30``."""
    parts = [
        f"de {french_time(minutes(start))} à {french_time(minutes(end))}"
        for start, end in intervals
    ]
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " et " + parts[-1]


def openings(hours, day):
    """The openings from ``day`` (a date) over the next 8 days, as minutes since
    the start of ``day``: [(start, end)], an opening across midnight merged."""
    merged = []
    for offset in range(8):
        weekday = WEEKDAYS[(day + timedelta(days=offset)).weekday()]
        for start, end in hours.get(weekday, []):
            start, end = offset * DAY + minutes(start), offset * DAY + minutes(end)
            if merged and merged[-1][1] == start:
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
    return merged


def when(total, day):
    """The day part of a moment ``total`` minutes after the start of ``day``:
    "" today, "demain ", "lundi ", "lundi prochain "."""
    offset = total // DAY
    if offset == 0:
        return ""
    if offset == 1:
        return "demain "
    name = FRENCH_WEEKDAYS[(day + timedelta(days=offset)).weekday()]
    return f"{name} prochain " if offset == 7 else f"{name} "


def open_now_text(hours, local):
    """ "Ouvert maintenant, jusqu'à 12 h" / "Fermé maintenant, ouvre à 13 h 30"…
    at the local (naive or aware, already in local time) datetime ``local``."""
    day = local.date()
    now = local.hour * 60 + local.minute
    for start, end in openings(hours, day):
        if end <= now:
            continue
        if start <= now:
            if end - now >= 7 * DAY:
                return "Ouvert maintenant, 24 h sur 24"
            if end % DAY == 0:
                # Closing at midnight: said as the end of that day.
                return f"Ouvert maintenant, jusqu'à {when(end - 1, day)}minuit"
            return f"Ouvert maintenant, jusqu'à {when(end, day)}{french_time(end % DAY)}"
        return f"Fermé maintenant, ouvre {when(start, day)}à {french_time(start % DAY)}"
    return "Fermé maintenant"
