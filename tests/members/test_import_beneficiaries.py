"""`assure import_members --beneficiaries`: the ayants droit of the members."""

import datetime

import pytest
from django.core.management import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.members.importing import import_beneficiaries
from assure.members.models import Beneficiary, Member
from tests.members.factories import MemberFactory
from tests.members.registry_files import (
    BENEFICIARIES_HEADER,
    CAMILLE,
    CAMILLE_NIR,
    HEADER,
    HELENE_NIR,
    run,
    write,
)

pytestmark = pytest.mark.django_db

JULIEN = "2 85 03 75 111 034 94,1,conjoint,Moreau,Julien,1983-09-02\n"
LEA = "2850375111034,2,Enfant,Martin,Léa  Rose,2014-05-20\n"
ZOE = "278072A004057,01,enfant,Le Gall,Zoé,2011-02-17\n"


@pytest.fixture
def camille():
    return MemberFactory(nir=CAMILLE_NIR, last_name="Martin", first_names="Camille Marie")


@pytest.fixture
def helene():
    return MemberFactory(nir=HELENE_NIR, last_name="Le Gall", first_names="Hélène")


def import_file(tmp_path, *lines):
    return run("--beneficiaries", write(tmp_path, *lines, name="beneficiaries.csv"))


def test_beneficiaries_are_attached_to_their_member(tmp_path, camille, helene):
    output = import_file(tmp_path, BENEFICIARIES_HEADER, JULIEN, LEA, ZOE)

    assert "Beneficiaries (" in output
    assert "3 lines read: 3 created, 0 updated, 0 unchanged, 0 rejected." in output
    assert [
        (b.rank, b.relationship, b.last_name, b.first_names, b.birth_date)
        for b in camille.beneficiaries.all()
    ] == [
        (1, Beneficiary.SPOUSE, "Moreau", "Julien", datetime.date(1983, 9, 2)),
        (2, Beneficiary.CHILD, "Martin", "Léa Rose", datetime.date(2014, 5, 20)),
    ]
    assert helene.beneficiaries.get().first_names == "Zoé"


def test_importing_the_same_beneficiaries_again_changes_nothing(tmp_path, camille, helene):
    import_file(tmp_path, BENEFICIARIES_HEADER, JULIEN, LEA, ZOE)
    before = list(Beneficiary.objects.values().order_by("pk"))

    output = import_file(tmp_path, BENEFICIARIES_HEADER, ZOE, LEA, JULIEN)

    assert "3 lines read: 0 created, 0 updated, 3 unchanged, 0 rejected." in output
    assert list(Beneficiary.objects.values().order_by("pk")) == before


def test_a_known_rank_updates_the_beneficiary(tmp_path, camille, helene):
    import_file(tmp_path, BENEFICIARIES_HEADER, JULIEN, LEA)
    corrected = LEA.replace("Léa  Rose", "Léa Rose Anne")

    output = import_file(tmp_path, BENEFICIARIES_HEADER, JULIEN, corrected, ZOE)

    assert "3 lines read: 1 created, 1 updated, 1 unchanged, 0 rejected." in output
    assert camille.beneficiaries.get(rank=2).first_names == "Léa Rose Anne"
    assert Beneficiary.objects.count() == 3


def test_bad_lines_are_reported_with_their_number_and_reason(tmp_path, camille):
    output = import_file(
        tmp_path,
        BENEFICIARIES_HEADER,
        JULIEN,  # line 2
        LEA.replace("Enfant", "fils"),  # line 3
        ZOE,  # line 4: Hélène is not in the registry
        "2850375111034,0,enfant,,Hugo,2018-13-03\n",  # line 5
        "2850375111034,3,enfant,Martin\n",  # line 6
        JULIEN.replace("Julien", "Julien Paul"),  # line 7: rank 1 again
        "2 85 03 75 111 034 95,4,autre,Martin,Paul,2018-10-03\n",  # line 8: a wrong key
        "2850375111034,x,enfant,Martin,Paul,2031-10-03\n",  # line 9
    )

    assert "8 lines read: 1 created, 0 updated, 0 unchanged, 7 rejected." in output
    assert "line 3: relationship: lien non valide 'fils' (enfant, conjoint ou autre)." in output
    assert (
        "line 4: member_nir: assuré inconnu : 2 78 07 2A 004 057 59 (absent du registre)."
    ) in output
    assert (
        "line 5: rank: rang non valide '0' (un nombre de 1 à 99); last_name: obligatoire; "
        "birth_date: date non valide '2018-13-03' (attendu AAAA-MM-JJ)."
    ) in output
    assert "line 6: 6 colonnes attendues, 4 trouvées." in output
    assert (
        "line 7: rank: ayant droit déjà présent ligne 2 du fichier (la première ligne est gardée)."
    ) in output
    assert "line 8: member_nir: La clé (2 derniers chiffres) ne correspond pas" in output
    assert (
        "line 9: rank: rang non valide 'x' (un nombre de 1 à 99); "
        "birth_date: date de naissance impossible '2031-10-03'."
    ) in output
    assert camille.beneficiaries.get().first_names == "Julien"


def test_duplicates_across_batches_keep_the_first_line(camille):
    filler = [f"2850375111034,{rank},enfant,Martin,Paul,2018-10-03\n" for rank in range(2, 10)]

    report = import_beneficiaries(
        [BENEFICIARIES_HEADER, JULIEN, *filler, JULIEN.replace("Julien", "Jules")], batch_size=3
    )

    assert report.created == 9
    assert [str(rejection) for rejection in report.rejected] == [
        "line 11: rank: ayant droit déjà présent ligne 2 du fichier (la première ligne est gardée)."
    ]
    assert camille.beneficiaries.get(rank=1).first_names == "Julien"


def test_each_batch_costs_the_same_queries_whatever_its_size(camille, helene):
    """Members and existing beneficiaries are fetched once per batch, not once per line."""
    lines = [f"2850375111034,{rank},enfant,Martin,Paul,2018-10-03\n" for rank in range(1, 41)]
    lines += [f"278072A004057,{rank},enfant,Le Gall,Zoé,2011-02-17\n" for rank in range(1, 41)]
    changed = [line.replace("Paul", "Pierre") for line in lines]

    def queries(lines):
        with CaptureQueriesContext(connection) as context:
            import_beneficiaries([BENEFICIARIES_HEADER, *lines])
        return len(context)

    assert queries(lines[:1] + lines[40:41]) == queries(lines)  # created
    assert queries(changed[:1] + changed[40:41]) == queries(changed)  # updated or unchanged


def test_a_wrong_beneficiaries_header_stops_everything(tmp_path):
    members = write(tmp_path, HEADER, CAMILLE)
    beneficiaries = write(
        tmp_path, "member_nir,rank,lien,last_name,first_names\n", JULIEN, name="b.csv"
    )

    with pytest.raises(CommandError) as error:
        run(members, "--beneficiaries", beneficiaries)

    assert str(error.value).startswith(f"{beneficiaries}: Wrong header row: ")
    assert "missing column(s): relationship, birth_date" in str(error.value)
    assert "unknown column(s): 'lien'" in str(error.value)
    assert not Member.objects.exists()  # the members file was not imported either


def test_a_beneficiaries_file_that_is_not_utf8_is_refused(tmp_path, camille):
    path = write(tmp_path, BENEFICIARIES_HEADER, LEA, encoding="latin-1", name="b.csv")

    with pytest.raises(CommandError, match="not in UTF-8: invalid bytes on line 2"):
        run("--beneficiaries", path)

    assert not Beneficiary.objects.exists()
