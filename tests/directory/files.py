"""RPPS files for the tests, in the layout of annuaire.sante.fr's
"PS_LibreAcces_Personne_activite" extraction (every line ends with "|")."""

import io

from django.core.management import call_command

from assure.directory.importing import EXTRACTION_COLUMNS as COLUMNS

HEADER = "|".join(COLUMNS) + "|"

# What a line has when not told otherwise: a GP in Rouen.
DEFAULTS = {
    "Type d'identifiant PP": "8",
    "Identifiant PP": "10001234567",
    "Identification nationale PP": "810001234567",
    "Code civilité d'exercice": "DR",
    "Libellé civilité d'exercice": "Docteur",
    "Nom d'exercice": "MARTIN",
    "Prénom d'exercice": "Marie",
    "Code profession": "10",
    "Libellé profession": "Médecin",
    "Code catégorie professionnelle": "C",
    "Libellé catégorie professionnelle": "Civil",
    "Code type savoir-faire": "S",
    "Libellé type savoir-faire": "Spécialité ordinale",
    "Code savoir-faire": "SM54",
    "Libellé savoir-faire": "Médecine Générale",
    "Code mode exercice": "L",
    "Libellé mode exercice": "Libéral",
    "Identifiant technique de la structure": "R10100000111111",
    "Raison sociale site": "CABINET DU DOCTEUR MARTIN",
    "Numéro Voie (coord. structure)": "12",
    "Indice répétition voie (coord. structure)": "B",
    "Libellé type de voie (coord. structure)": "Rue",
    "Libellé Voie (coord. structure)": "DE LA REPUBLIQUE",
    "Code postal (coord. structure)": "76000",
    "Code commune (coord. structure)": "76540",
    "Libellé commune (coord. structure)": "Rouen",
    "Code pays (coord. structure)": "99000",
    "Libellé pays (coord. structure)": "France",
    "Téléphone (coord. structure)": "0235000001",
    "Code Département (structure)": "76",
    "Libellé Département (structure)": "Seine-Maritime",
    "Autorité d'enregistrement": "CNOM/CNOM/CNOM",
    "Code secteur d'activité": "SA07",
    "Libellé secteur d'activité": "Cabinet individuel",
    "Code rôle": "FON-01",
    "Libellé rôle": "Titulaire de cabinet",
    "Code genre activité": "GENR01",
    "Libellé genre activité": "Activité standard de soin ou de pharmacien",
}


def line(**values):
    """One line of the file: DEFAULTS changed by ``values`` (column label → text)."""
    fields = {**DEFAULTS, **values}
    unknown = set(fields) - set(COLUMNS)
    assert not unknown, unknown
    return "|".join(fields.get(column, "") for column in COLUMNS) + "|"


def without_place(**values):
    """A professional without an activity place (the coordinates of the structure empty)."""
    empty = {
        column: ""
        for column in COLUMNS
        if "(coord. structure)" in column or "site" in column or "structure" in column
    }
    return line(**{**empty, **values})


def stream(*lines, header=HEADER):
    return io.StringIO("\n".join([header, *lines]) + "\n")


def write(tmp_path, *lines, header=HEADER, encoding="utf-8", name="rpps.txt"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def run(path):
    """The output of `assure import_directory PATH`."""
    out = io.StringIO()
    call_command("import_directory", str(path), stdout=out)
    return out.getvalue()
