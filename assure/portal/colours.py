"""The fund's colours: parsing and WCAG contrast."""

import re

from django.conf import settings

HEX_COLOUR = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def normalise(value):
    """'#0B5C55' or '#abc' → '#0b5c55' / '#aabbcc'; None when not a hex colour."""
    value = (value or "").strip()
    if not HEX_COLOUR.fullmatch(value):
        return None
    digits = value[1:].lower()
    if len(digits) == 3:
        digits = "".join(d * 2 for d in digits)
    return f"#{digits}"


def relative_luminance(colour):
    """WCAG 2 relative luminance of a normalised '#rrggbb' colour."""

    def channel(hex_pair):
        c = int(hex_pair, 16) / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(colour[i : i + 2]) for i in (1, 3, 5))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast_ratio(colour, other="#ffffff"):
    lighter, darker = sorted(
        (relative_luminance(normalise(colour)), relative_luminance(normalise(other))),
        reverse=True,
    )
    return (lighter + 0.05) / (darker + 0.05)


DEFAULT_COLOURS = {"ASSURE_PRIMARY_COLOUR": "#0b5c55", "ASSURE_SECONDARY_COLOUR": "#f2c14e"}


def fund_colours():
    """The fund's (primary, secondary) colours from settings; the default
    fund's where a setting is not a hex colour (a system check says so)."""
    return tuple(
        normalise(getattr(settings, name, default)) or default
        for name, default in DEFAULT_COLOURS.items()
    )
