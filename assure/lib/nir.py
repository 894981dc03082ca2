"""The French social security number (NIR), as members type it.

A NIR is 13 characters, often followed by a 2-digit key::

    1 84 12 76 451 089 | 46
    | |  |  |  |   |     key: 97 - (the 13 characters as a number) mod 97
    | |  |  |  |   order number of the birth in that place and month, 001-999
    | |  |  |  commune of birth (or country of birth after 99)
    | |  |  department of birth
    | |  month of birth
    | year of birth (last two digits)
    sex

Members type it with or without spaces (dots, dashes and non-breaking spaces
are tolerated too) and with or without the key. ``parse_nir`` returns the 13
canonical characters, or raises ``InvalidNIR`` whose ``message`` says in
plain French what is wrong.

The structure rules checked here come from the INSEE's description of the
NIR, as restated by service-public.fr and securite-sociale.fr, and from the
Assurance Maladie's own validator (assurance-maladie-digital/nir-validation):

- Sex: 1 (man) or 2 (woman). We also accept 3 and 4, which are given to
  people born abroad while their registration is under way (same structure,
  usually department 99), and 7 and 8, the funds' temporary numbers
  ("numéro national provisoire"), whose other 12 digits are a fund number
  and an order number rather than a birth date and place: for 7 and 8 we only
  check that they are digits, and the key when given.
- Year: 00 to 99.
- Month: 01 to 12; also 20, and 30 to 42 or 50 to 99, the "fictitious
  months" the INSEE gives when the civil-status record does not give the
  month of birth. 00, 13-19, 21-29 and 43-49 are refused.
- Department: 01 to 95; 2A and 2B for Corsica (since 1976, and the key is
  computed with 19 for 2A and 18 for 2B); 20 for people born in Corsica
  before 1976 (a NIR never changes), so refused with a year of 76 to 99;
  91 to 94 and 95 also served for Algeria before 1962, 95 for Morocco and 96
  for Tunisia before 1964, so 96 is accepted although no French department
  bears it; 97 and 98 are overseas and take a third digit (971-978 overseas
  departments and collectivities, 984-989 the other collectivities), leaving
  a 2-digit commune; 99 means born abroad, followed by the INSEE country code
  (101-990: 1xx Europe, 2xx Asia, 3xx Africa, 4xx Americas, 5xx Oceania).
- Commune: 001 to 990 in metropolitan departments (Paris, Lyon and
  Marseille use their arrondissements, 101-120, 381-389 and 201-216, which
  fit), 01 to 90 overseas. 000 never exists.
- Order number: 001 to 999.
- Key: 01 to 97, checked with python-stdnum's ``stdnum.fr.nir``.
"""

import re

from stdnum.fr import nir as stdnum_nir

# What people put between the groups: spaces (also non-breaking and narrow
# ones), tabs, dots, dashes of any kind, underscores.
SEPARATORS = re.compile(r"[\s.\-_\u2010-\u2015\u2212]+")

LENGTH_MESSAGE = "Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé."
CHARACTERS_MESSAGE = (
    "Le numéro de sécurité sociale ne contient que des chiffres "
    "(et 2A ou 2B pour une naissance en Corse)."
)
SEX_MESSAGE = (
    "Le premier chiffre (sexe) doit être 1 ou 2 (ou 3, 4, 7, 8 pour un numéro provisoire)."
)
MONTH_MESSAGE = "Le mois de naissance (4e et 5e chiffres) n'est pas valide."
DEPARTMENT_MESSAGE = "Le département de naissance (6e et 7e caractères) n'est pas valide."
CORSICA_MESSAGE = (
    "Le département de naissance (6e et 7e caractères) n'est pas valide : "
    "depuis 1976, la Corse s'écrit 2A ou 2B."
)
OVERSEAS_MESSAGE = "Le département de naissance outre-mer (6e, 7e et 8e chiffres) n'est pas valide."
COMMUNE_MESSAGE = "La commune de naissance (8e, 9e et 10e chiffres) n'est pas valide."
COUNTRY_MESSAGE = "Le pays de naissance (8e, 9e et 10e chiffres, après 99) n'est pas valide."
ORDER_MESSAGE = "Le numéro d'ordre (11e, 12e et 13e chiffres) ne peut pas être 000."
# Only Corsica puts letters in a NIR, and only there.
DEPARTMENT_CHARACTERS = {f"{n:02d}" for n in range(100)} | {"2A", "2B"}

KEY_MESSAGE = (
    "La clé (2 derniers chiffres) ne correspond pas au numéro. Vérifiez votre carte Vitale."
)


class InvalidNIR(ValueError):
    """A NIR that cannot be right; ``message`` tells the member why, in French."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def compact(value):
    """What was typed, upper-cased, without separators."""
    return SEPARATORS.sub("", str(value)).upper()


def parse_nir(value):
    """The canonical 13 characters of a typed NIR, key checked when given.

    Raises InvalidNIR with a French message for the member.
    """
    nir = compact(value)
    if re.search(r"[^0-9AB]", nir):
        raise InvalidNIR(CHARACTERS_MESSAGE)
    if len(nir) not in (13, 15):
        raise InvalidNIR(LENGTH_MESSAGE)
    body, key = nir[:13], nir[13:]
    if not (body[:5] + body[7:] + key).isdigit() or body[5:7] not in DEPARTMENT_CHARACTERS:
        raise InvalidNIR(CHARACTERS_MESSAGE)
    _check_structure(body)
    if key and key != nir_key(body):
        raise InvalidNIR(KEY_MESSAGE)
    return body


def _check_structure(body):
    sex, year, month = body[0], int(body[1:3]), int(body[3:5])
    if sex not in "123478":
        raise InvalidNIR(SEX_MESSAGE)
    if sex in "78":
        # Temporary numbers: a fund number and an order number, not a birth.
        if not body.isdigit():
            raise InvalidNIR(CHARACTERS_MESSAGE)
        return
    if not (1 <= month <= 12 or month == 20 or 30 <= month <= 42 or month >= 50):
        raise InvalidNIR(MONTH_MESSAGE)
    department = body[5:7]
    if department in ("2A", "2B"):
        commune = int(body[7:10])
    elif department == "00":
        raise InvalidNIR(DEPARTMENT_MESSAGE)
    elif department == "20" and year >= 76:
        raise InvalidNIR(CORSICA_MESSAGE)
    elif department in ("97", "98"):
        third = int(body[7])
        if (department == "97" and not 1 <= third <= 8) or (department == "98" and third < 4):
            raise InvalidNIR(OVERSEAS_MESSAGE)
        if not 1 <= int(body[8:10]) <= 90:
            raise InvalidNIR(COMMUNE_MESSAGE)
        commune = None
    elif department == "99":
        if not 101 <= int(body[7:10]) <= 990:
            raise InvalidNIR(COUNTRY_MESSAGE)
        commune = None
    else:
        commune = int(body[7:10])
    if commune is not None and not 1 <= commune <= 990:
        raise InvalidNIR(COMMUNE_MESSAGE)
    if body[10:13] == "000":
        raise InvalidNIR(ORDER_MESSAGE)


def nir_key(nir13):
    """The 2-digit key of 13 canonical characters (Corsica: 2A counts as 19, 2B as 18)."""
    return stdnum_nir.calc_check_digits(nir13)


def format_nir(nir13, with_key=True):
    """Grouped for display, as on the carte Vitale: "1 84 12 76 451 089 46"."""
    groups = [nir13[0], nir13[1:3], nir13[3:5], nir13[5:7], nir13[7:10], nir13[10:13]]
    if with_key:
        groups.append(nir_key(nir13))
    return " ".join(groups)


def build_nir(sex, year, month, department, commune, order):
    """13 canonical characters from their parts (used by the demo and tests).

    ``department`` is "75", "2A", "974" or "99"; ``commune`` the rest of the
    5-character place (3 digits, or 2 after a 3-digit overseas department).
    """
    place = f"{department}{commune:0{5 - len(department)}d}"
    nir = f"{sex}{year % 100:02d}{month:02d}{place}{order:03d}"
    return parse_nir(nir)
