"""Lines of the registry files (docs/formats.md) and a way to import them, for the tests."""

import io

from django.core.management import call_command

HEADER = "nir,last_name,birth_name,first_names,birth_date,address,postcode,city,email,phone\n"
CAMILLE = (
    "2 85 03 75 111 034 94,Martin,,Camille Marie,1985-03-14,12 rue des Lilas,75011,Paris,"
    "camille.martin@exemple.test,01 99 00 10 01\n"
)
JEAN_PIERRE = (
    '1521169383121,Dubois,,Jean-Pierre,1952-11-02,"Résidence Les Pins\n4 avenue des Tilleuls",'
    "69003,Lyon,,\n"
)
HELENE = (
    "278072A004057,Le Gall,Santoni,Hélène,1978-07-21,8 chemin des Vignes,29000,Quimper,"
    "helene.legall@exemple.test,\n"
)
CAMILLE_NIR, JEAN_PIERRE_NIR, HELENE_NIR = "2850375111034", "1521169383121", "278072A004057"
# Fictitious accounts at the bank code 99999, which no bank has; the keys are right.
CAMILLE_IBAN = "FR76 9999 9000 0100 0123 4567 809"
HELENE_IBAN = "FR7699999000010001122334444"

BENEFICIARIES_HEADER = "member_nir,rank,relationship,last_name,first_names,birth_date\n"
RIGHTS_HEADER = "member_nir,beneficiary_rank,start,end,regime,fund\n"


def write(tmp_path, *lines, name="members.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes("".join(lines).encode(encoding))
    return path


def run(*arguments):
    """The output of `assure import_members` with these arguments."""
    out = io.StringIO()
    call_command("import_members", *map(str, arguments), stdout=out)
    return out.getvalue()
