import csv
import datetime
import io

import pytest
from django.conf import settings
from django.core.management import call_command

from assure.demo.members import demo_identities, fictitious_members
from assure.lib.nir import parse_nir
from assure.members.importing import (
    BENEFICIARY_COLUMNS,
    COLUMNS,
    OPTIONAL_COLUMNS,
    RIGHTS_COLUMNS,
    clean_line,
)
from assure.members.models import Beneficiary, Member, RightsPeriod
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def members():
    return list(fictitious_members())


def test_240_members_with_distinct_valid_nirs(members):
    assert len(members) == 240
    assert len({member.nir for member in members}) == 240
    assert all(parse_nir(member.nir) == member.nir for member in members)


def test_each_nir_agrees_with_the_birth_date(members):
    for member in members:
        assert member.nir[1:3] == f"{member.birth_date.year % 100:02d}"
        assert member.nir[3:5] == f"{member.birth_date.month:02d}"


def test_the_same_seed_gives_the_same_members(members):
    assert [member.nir for member in fictitious_members()] == [member.nir for member in members]
    assert [member.nir for member in fictitious_members(seed=1)] != [m.nir for m in members]


def test_the_situations_a_trainer_needs(members):
    assert any(member.nir[5:7] in ("2A", "2B") for member in members)
    assert any(member.email for member in members)
    assert any(not member.email for member in members)
    assert any(member.birth_name and member.birth_name != member.last_name for member in members)
    assert all(member.email.endswith("@exemple.test") for member in members if member.email)


def test_every_member_passes_the_importer_checks(members):
    for member in members:
        values = {name: str(getattr(member, name) or "") for name in COLUMNS + OPTIONAL_COLUMNS}
        assert clean_line(values)["iban"] == member.iban


def test_doctors_bank_accounts_and_a_few_css_periods(members):
    assert sum(bool(member.gp_name) for member in members) > 150
    assert all(member.gp_name.startswith("Dr ") for member in members if member.gp_name)
    assert sum(bool(member.iban) for member in members) > 150
    assert all(member.iban[4:9] == "99999" for member in members if member.iban)
    with_css = [member for member in members if member.css_start]
    assert 3 <= len(with_css) <= 40
    assert all(member.css_start < member.css_end for member in with_css)
    camille, jean_pierre, helene = members[:3]
    assert camille.masked_iban == "FR76 •••• •••• •••• •••• ••67 809"
    assert helene.css_start <= datetime.date.today() <= helene.css_end


def test_the_three_identities_to_try(members):
    with_email, by_letter, maiden_name = demo_identities()
    assert with_email.email
    assert not by_letter.email
    assert maiden_name.birth_name and maiden_name.birth_name != maiden_name.last_name
    for identity in (with_email, by_letter, maiden_name):
        member = next(member for member in members if member.nir == identity.nir)
        assert member.postcode == identity.postcode
    assert "code par courrier" in str(by_letter)
    assert "née SANTONI" in str(maiden_name)


def test_load_demo_members_then_identify_them():
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)

    assert Member.objects.count() == 240
    assert "240 fictitious members loaded, with " in out.getvalue()
    for identity in demo_identities():
        assert str(identity) in out.getvalue()
        member = Member.objects.identify(
            identity.nir,
            identity.birth_name or identity.last_name,
            identity.first_name,
            identity.birth_date,
            identity.postcode,
        )
        assert member is not None


def test_load_demo_members_leaves_an_existing_registry_alone():
    MemberFactory()
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    assert Member.objects.count() == 1
    assert "no demo member loaded" in out.getvalue()


def test_load_demo_members_twice_loads_once():
    call_command("load_demo_members", stdout=io.StringIO())
    counts = (Beneficiary.objects.count(), RightsPeriod.objects.count())
    call_command("load_demo_members", stdout=io.StringIO())
    assert Member.objects.count() == 240
    assert (Beneficiary.objects.count(), RightsPeriod.objects.count()) == counts


def test_demo_members_have_rights_and_some_have_a_family():
    call_command("load_demo_members", stdout=io.StringIO())

    camille = Member.objects.get(nir=demo_identities()[0].nir)
    assert [(b.relationship, b.first_names) for b in camille.beneficiaries.all()] == [
        (Beneficiary.SPOUSE, "Julien"),
        (Beneficiary.CHILD, "Léa Rose"),
        (Beneficiary.CHILD, "Hugo"),
    ]
    for beneficiary in camille.beneficiaries.all():
        [period] = beneficiary.rights_periods.all()
        assert period.end is None
    assert Beneficiary.objects.values("member").distinct().count() > 20
    assert Beneficiary.objects.filter(relationship=Beneficiary.CHILD).count() > 30
    # Every member has one open period of their own, in the régime général of the demo fund.
    own_open = RightsPeriod.objects.filter(beneficiary=None, end=None)
    assert own_open.count() == own_open.values("member").distinct().count() == 240
    assert RightsPeriod.objects.filter(end__isnull=False).exists()
    assert set(RightsPeriod.objects.values_list("regime", "fund").distinct()) == {
        ("Régime général", settings.ASSURE_FUND_NAME)
    }
    # A child is covered from birth.
    for period in RightsPeriod.objects.filter(beneficiary__relationship=Beneficiary.CHILD):
        assert period.start == period.beneficiary.birth_date


def test_the_demo_registry_written_as_import_files_reimports_unchanged(tmp_path):
    """The demo goes through the importer's checks: its three files change nothing."""
    call_command("load_demo_members", stdout=io.StringIO())

    def write(name, columns, rows):
        with open(tmp_path / name, "w", newline="", encoding="utf-8") as file:
            writer = csv.writer(file)
            writer.writerow(columns)
            writer.writerows([["" if value is None else value for value in row] for row in rows])
        return str(tmp_path / name)

    members = write(
        "members.csv",
        COLUMNS + OPTIONAL_COLUMNS,
        Member.objects.values_list(*COLUMNS, *OPTIONAL_COLUMNS),
    )
    relationships = dict(Beneficiary.RELATIONSHIPS)
    beneficiaries = write(
        "beneficiaries.csv",
        BENEFICIARY_COLUMNS,
        [
            (nir, rank, relationships[relationship], *names_and_birth_date)
            for nir, rank, relationship, *names_and_birth_date in Beneficiary.objects.values_list(
                "member__nir", "rank", "relationship", "last_name", "first_names", "birth_date"
            )
        ],
    )
    rights = write(
        "rights.csv",
        RIGHTS_COLUMNS,
        RightsPeriod.objects.values_list(
            "member__nir", "beneficiary__rank", "start", "end", "regime", "fund"
        ),
    )
    out = io.StringIO()

    call_command(
        "import_members", members, "--beneficiaries", beneficiaries, "--rights", rights, stdout=out
    )

    summaries = [line.strip() for line in out.getvalue().splitlines() if "lines read" in line]
    assert summaries == [
        "240 lines read: 0 created, 0 updated, 240 unchanged, 0 rejected.",
        f"{Beneficiary.objects.count()} lines read: 0 created, 0 updated, "
        f"{Beneficiary.objects.count()} unchanged, 0 rejected.",
        f"{RightsPeriod.objects.count()} lines read: 0 created, 0 updated, "
        f"{RightsPeriod.objects.count()} unchanged, 0 rejected.",
    ]
