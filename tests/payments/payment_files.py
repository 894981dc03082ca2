"""Rows of the payments file (docs/formats.md), the members they refer to, and ways to
import them, for the tests."""

import datetime
import io

from django.conf import settings
from django.core.management import call_command

from assure.members.models import Beneficiary
from tests.members.factories import MemberFactory

HEADER = (
    "reference,member_nir,beneficiary_rank,paid_on,nature,care_date,end_date,act,professional,"
    "charged,base,rate,reimbursed,flat_fee,franchise\n"
)
CAMILLE_NIR, JEAN_PIERRE_NIR, HELENE_NIR = "2850375111034", "1521169383121", "278072A004057"
# Camille Martin's consultation and medicines: one payment, two lines (25.06 €).
CONSULTATION = (
    "PAI-1,2 85 03 75 111 034 94,,2026-03-02,soins,2026-02-26,,Consultation médecin généraliste,"
    "Dr Sophie Lambert,30.00,30.00,70,21.00,2.00,0.00\n"
)
MEDICINES = (
    "PAI-1,2 85 03 75 111 034 94,,2026-03-02,soins,2026-02-26,,Médicaments (2 boîtes),"
    "Pharmacie des Lilas,12.40,12.40,65,8.06,,2.00\n"
)
# Her son Hugo (rank 3) at the paediatrician: no participation forfaitaire (24.50 €).
PAEDIATRICIAN = (
    "PAI-2,2850375111034,3,2026-03-09,soins,2026-03-05,,Consultation pédiatre,"
    "Dr Claire Fontaine,35.00,35.00,70,24.50,,\n"
)
# Hélène Le Gall's daily allowances for a period (382.80 €).
ALLOWANCES = (
    "PAI-3,278072A004057,,2026-03-12,ij,2026-02-20,2026-03-02,"
    '"Indemnités journalières maladie, 11 jours à 34,80 €",,0.00,382.80,100,382.80,,\n'
)


def make_members():
    """Camille Martin (a spouse and two children), Jean-Pierre Dubois, Hélène Le Gall."""
    camille = MemberFactory(nir=CAMILLE_NIR, last_name="Martin", first_names="Camille Marie")
    for rank, relationship, first_names, birth_date in (
        (1, Beneficiary.SPOUSE, "Julien", datetime.date(1983, 9, 2)),
        (2, Beneficiary.CHILD, "Léa Rose", datetime.date(2014, 5, 20)),
        (3, Beneficiary.CHILD, "Hugo", datetime.date(2018, 10, 3)),
    ):
        Beneficiary.objects.create(
            member=camille,
            rank=rank,
            relationship=relationship,
            last_name="Martin",
            first_names=first_names,
            birth_date=birth_date,
        )
    jean_pierre = MemberFactory(nir=JEAN_PIERRE_NIR, last_name="Dubois", sex=1)
    helene = MemberFactory(nir=HELENE_NIR, last_name="Le Gall")
    return camille, jean_pierre, helene


def write(tmp_path, *lines, name="payments.csv", encoding="utf-8"):
    path = tmp_path / name
    path.write_bytes("".join(lines).encode(encoding))
    return path


def run(path):
    """The output of `assure import_payments PATH`."""
    out = io.StringIO()
    call_command("import_payments", str(path), stdout=out)
    return out.getvalue()


def documented_examples(heading):
    """The ```csv blocks of one section of docs/formats.md."""
    text = (settings.BASE_DIR / "docs" / "formats.md").read_text()
    section = text.split(f"\n## {heading}")[1].split("\n## ")[0]
    return [block.split("```")[0] for block in section.split("```csv\n")[1:]]
