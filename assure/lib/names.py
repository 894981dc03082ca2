"""Comparing names as people type them.

A member types "le gall", the registry holds "LE-GALL"; "Helene" for
"Hélène"; "Oeuvray" for "Œuvray". Names are compared without case, accents,
hyphens, apostrophes, dots or extra spaces, and with ligatures spelt out
(œ → oe, æ → ae, ß → ss).
"""

import re
import unicodedata

# Ligatures that NFKD leaves whole; casefold() already turns ß into ss.
LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "ø": "o", "đ": "d", "ł": "l", "ı": "i"})
# Everything that is not a letter or a digit separates words: hyphens,
# apostrophes (typed ' or ’), dots, commas, underscores, spaces of any kind.
SEPARATORS = re.compile(r"[\W_]+")


def normalize_name(value):
    """Lower-case words without accents, joined by single spaces: "LE-GALL" → "le gall"."""
    folded = unicodedata.normalize("NFKD", str(value).casefold().translate(LIGATURES))
    plain = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return " ".join(SEPARATORS.sub(" ", plain).split())


def name_key(value):
    """normalize_name without the spaces, so "Le Gall", "LEGALL" and "le-gall" compare equal."""
    return normalize_name(value).replace(" ", "")


def same_name(typed, on_file):
    """Whether what was typed is the name on file; an empty name never matches."""
    key = name_key(typed)
    return bool(key) and key == name_key(on_file)
