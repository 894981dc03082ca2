import io

import pytest
from django.core.management import call_command

from assure.lib.nir import parse_nir
from assure.members.demo import demo_identities, fictitious_members
from assure.members.models import Member
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
    from assure.members.importing import COLUMNS, clean_line

    for member in members:
        values = {name: str(getattr(member, name)) for name in COLUMNS}
        assert clean_line(values)["nir"] == member.nir


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
    assert "240 fictitious members loaded." in out.getvalue()
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
    call_command("load_demo_members", stdout=io.StringIO())
    assert Member.objects.count() == 240
