"""`assure import_members --rights`: the rights periods of members and beneficiaries."""

import datetime

import pytest
from django.core.management import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.members.importing import import_rights
from assure.members.models import Beneficiary, RightsPeriod
from tests.members.factories import MemberFactory
from tests.members.registry_files import (
    BENEFICIARIES_HEADER,
    CAMILLE,
    CAMILLE_NIR,
    HEADER,
    RIGHTS_HEADER,
    run,
    write,
)

pytestmark = pytest.mark.django_db

OWN_CLOSED = "2 85 03 75 111 034 94,,2003-09-01,2019-12-31,Régime général,Caisse de démonstration\n"
OWN_OPEN = "2850375111034,,2020-01-01,,Régime général,Caisse de démonstration\n"
SPOUSE = "2850375111034,1,2019-06-01,,Régime général,Caisse de démonstration\n"
CHILD = "2850375111034,2,2014-05-20,,Régime général,Caisse de démonstration\n"


@pytest.fixture
def camille():
    member = MemberFactory(nir=CAMILLE_NIR, last_name="Martin", first_names="Camille Marie")
    for rank, relationship, first_names, birth_date in [
        (1, Beneficiary.SPOUSE, "Julien", datetime.date(1983, 9, 2)),
        (2, Beneficiary.CHILD, "Léa", datetime.date(2014, 5, 20)),
    ]:
        Beneficiary.objects.create(
            member=member,
            rank=rank,
            relationship=relationship,
            last_name="Martin",
            first_names=first_names,
            birth_date=birth_date,
        )
    return member


def import_file(tmp_path, *lines):
    return run("--rights", write(tmp_path, *lines, name="rights.csv"))


def periods(member):
    return [
        (period.beneficiary and period.beneficiary.rank, period.start, period.end, period.regime)
        for period in member.rights_periods.select_related("beneficiary").order_by("pk")
    ]


def test_rights_periods_of_the_member_and_beneficiaries(tmp_path, camille):
    output = import_file(tmp_path, RIGHTS_HEADER, OWN_CLOSED, OWN_OPEN, SPOUSE, CHILD)

    assert "Rights (" in output
    assert "4 lines read: 4 created, 0 updated, 0 unchanged, 0 rejected." in output
    assert periods(camille) == [
        (None, datetime.date(2003, 9, 1), datetime.date(2019, 12, 31), "Régime général"),
        (None, datetime.date(2020, 1, 1), None, "Régime général"),
        (1, datetime.date(2019, 6, 1), None, "Régime général"),
        (2, datetime.date(2014, 5, 20), None, "Régime général"),
    ]
    assert camille.beneficiaries.get(rank=2).rights_periods.get().fund == "Caisse de démonstration"


def test_importing_the_same_rights_again_changes_nothing(tmp_path, camille):
    lines = [RIGHTS_HEADER, OWN_CLOSED, OWN_OPEN, SPOUSE, CHILD]
    import_file(tmp_path, *lines)
    before = list(RightsPeriod.objects.values().order_by("pk"))

    output = import_file(tmp_path, *lines)

    assert "4 lines read: 0 created, 0 updated, 4 unchanged, 0 rejected." in output
    assert list(RightsPeriod.objects.values().order_by("pk")) == before


def test_a_period_sent_again_with_its_end_is_closed(tmp_path, camille):
    import_file(tmp_path, RIGHTS_HEADER, OWN_OPEN, CHILD)
    closed = CHILD.replace("2014-05-20,,", "2014-05-20,2032-05-19,")

    output = import_file(tmp_path, RIGHTS_HEADER, OWN_OPEN, closed)

    assert "2 lines read: 0 created, 1 updated, 1 unchanged, 0 rejected." in output
    assert camille.beneficiaries.get(rank=2).rights_periods.get().end == datetime.date(2032, 5, 19)
    assert RightsPeriod.objects.count() == 2


def test_the_same_start_for_the_member_and_a_beneficiary_are_two_periods(tmp_path, camille):
    same_start = SPOUSE.replace("2019-06-01", "2020-01-01")
    output = import_file(tmp_path, RIGHTS_HEADER, OWN_OPEN, same_start)
    assert "2 created" in output
    assert "0 created, 0 updated, 2 unchanged" in import_file(
        tmp_path, RIGHTS_HEADER, same_start, OWN_OPEN
    )


def test_bad_lines_are_reported_with_their_number_and_reason(tmp_path, camille):
    output = import_file(
        tmp_path,
        RIGHTS_HEADER,
        OWN_OPEN,  # line 2
        "2850375111034,,2020-01-01,2019-12-31,Régime général,Caisse de démonstration\n",  # 3
        "2850375111034,4,2020-01-01,,Régime général,Caisse de démonstration\n",  # line 4
        "1841276451089,,2020-01-01,,Régime général,Caisse de démonstration\n",  # line 5
        "2850375111034,,1/1/2020,,,Caisse de démonstration\n",  # line 6
        OWN_OPEN.replace("Caisse de démonstration", "Autre caisse"),  # line 7: same period
        "2850375111034,deux,2020-01-01,2020-13-01,Régime général,\n",  # line 8
    )

    assert "7 lines read: 1 created, 0 updated, 0 unchanged, 6 rejected." in output
    assert "line 3: end: la fin (2019-12-31) précède le début (2020-01-01)." in output
    assert (
        "line 4: beneficiary_rank: ayant droit inconnu : pas de rang 4 "
        "pour l'assuré 2 85 03 75 111 034 94."
    ) in output
    assert (
        "line 5: member_nir: assuré inconnu : 1 84 12 76 451 089 46 (absent du registre)."
    ) in output
    assert (
        "line 6: start: date non valide '1/1/2020' (attendu AAAA-MM-JJ); regime: obligatoire."
    ) in output
    assert (
        "line 7: start: période déjà présente ligne 2 du fichier (la première ligne est gardée)."
    ) in output
    assert (
        "line 8: beneficiary_rank: rang non valide 'deux' (un nombre de 1 à 99); "
        "end: date non valide '2020-13-01' (attendu AAAA-MM-JJ); fund: obligatoire."
    ) in output
    assert periods(camille) == [(None, datetime.date(2020, 1, 1), None, "Régime général")]
    assert camille.rights_periods.get().fund == "Caisse de démonstration"


def test_each_batch_costs_the_same_queries_whatever_its_size(camille):
    lines = [
        f"2850375111034,{rank},{year}-01-01,{year}-12-31,Régime général,Caisse\n"
        for rank in ("", "1", "2")
        for year in range(2000, 2020)
    ]
    changed = [line.replace("Caisse", "Caisse de démonstration") for line in lines]

    def queries(lines):
        with CaptureQueriesContext(connection) as context:
            import_rights([RIGHTS_HEADER, *lines])
        return len(context)

    assert queries(lines[:1] + lines[-1:]) == queries(lines)
    assert queries(changed[:1] + changed[-1:]) == queries(changed)
    assert RightsPeriod.objects.count() == 60


def test_members_beneficiaries_and_rights_in_one_command(tmp_path):
    members = write(tmp_path, HEADER, CAMILLE)
    beneficiaries = write(
        tmp_path,
        BENEFICIARIES_HEADER,
        "2850375111034,1,conjoint,Moreau,Julien,1983-09-02\n",
        name="beneficiaries.csv",
    )
    rights = write(tmp_path, RIGHTS_HEADER, OWN_OPEN, SPOUSE, name="rights.csv")

    output = run(members, "--beneficiaries", beneficiaries, "--rights", rights)

    sections = output.split("\n")
    assert [line for line in sections if not line.startswith("  ")] == [
        f"Members ({members}):",
        f"Beneficiaries ({beneficiaries}):",
        f"Rights ({rights}):",
        "",
    ]
    assert output.count("lines read: ") == 3
    assert "  2 lines read: 2 created, 0 updated, 0 unchanged, 0 rejected." in output
    assert RightsPeriod.objects.filter(beneficiary__first_names="Julien").exists()


def test_without_any_file_the_command_says_what_to_give():
    with pytest.raises(CommandError) as error:
        run()
    assert "Nothing to import: give the members file, --beneficiaries FILE or --rights FILE" in (
        str(error.value)
    )


def test_a_wrong_rights_header_stops_everything(tmp_path, camille):
    beneficiaries = write(
        tmp_path,
        BENEFICIARIES_HEADER,
        "2850375111034,3,enfant,Martin,Hugo,2018-10-03\n",
        name="beneficiaries.csv",
    )
    rights = write(tmp_path, "member_nir,start,end,regime,fund,fund\n", name="rights.csv")

    with pytest.raises(CommandError) as error:
        run("--beneficiaries", beneficiaries, "--rights", rights)

    assert "missing column(s): beneficiary_rank" in str(error.value)
    assert "repeated column(s): fund" in str(error.value)
    assert "Expected the columns member_nir, beneficiary_rank, start, end, regime, fund" in str(
        error.value
    )
    assert camille.beneficiaries.count() == 2  # rank 3 not imported


def test_an_empty_rights_file_is_a_header_error(tmp_path):
    with pytest.raises(CommandError, match="The file is empty"):
        import_file(tmp_path)


def test_a_missing_rights_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot open .*nowhere.csv"):
        run("--rights", tmp_path / "nowhere.csv")
