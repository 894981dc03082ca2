import datetime

import pytest

from assure.lib.nir import format_nir
from assure.members.models import Member
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def helene():
    """Married name Le Gall on her card, born Santoni."""
    return MemberFactory(
        last_name="Le Gall",
        birth_name="Santoni",
        first_names="Hélène Marie",
        birth_date=datetime.date(1978, 7, 21),
        postcode="29000",
        email="helene.legall@exemple.test",
    )


def identify(member, **changes):
    typed = {
        "nir": format_nir(member.nir),
        "last_name": member.last_name,
        "first_name": member.first_name,
        "birth_date": member.birth_date,
        "postcode": member.postcode,
    } | changes
    return Member.objects.identify(**typed)


def test_the_usage_name_or_the_maiden_name_matches(helene):
    assert helene.name_matches("LE-GALL")
    assert helene.name_matches("le gall")
    assert helene.name_matches("santoni")
    assert not helene.name_matches("Martin")
    assert not helene.name_matches("")


def test_a_member_without_birth_name_matches_only_their_name():
    member = MemberFactory(last_name="Dupont", birth_name="")
    assert member.name_matches("DUPONT")
    assert not member.name_matches("")


def test_the_first_first_name_or_all_of_them_match(helene):
    assert helene.first_name_matches("helene")
    assert helene.first_name_matches("Hélène Marie")
    assert helene.first_name_matches("HELENE-MARIE")
    assert not helene.first_name_matches("Marie")
    assert not helene.first_name_matches("Hélèn")


def test_a_compound_first_name_matches_with_or_without_hyphen():
    member = MemberFactory(first_names="Jean-Pierre Louis")
    assert member.first_name_matches("jean pierre")
    assert member.first_name_matches("Jean-Pierre")
    assert not member.first_name_matches("Jean")


def test_the_masked_email_shows_first_letters_and_the_tld():
    assert MemberFactory.build(email="jeanne.dupont@exemple.fr").masked_email == "j•••@e•••.fr"
    assert MemberFactory.build(email="hd@mail.exemple.test").masked_email == "h•••@m•••.test"
    assert MemberFactory.build(email="").masked_email == ""


def test_identify_finds_the_member_when_everything_matches(helene, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert identify(helene) == helene


def test_identify_takes_the_nir_with_or_without_key_and_spaces(helene):
    assert identify(helene, nir=helene.nir) == helene
    assert identify(helene, nir=format_nir(helene.nir, with_key=False)) == helene


def test_identify_accepts_the_maiden_name_and_any_case(helene):
    assert identify(helene, last_name="SANTONI", first_name="helene") == helene


@pytest.mark.parametrize(
    "changes",
    [
        {"last_name": "Martin"},
        {"first_name": "Marie"},
        {"birth_date": datetime.date(1978, 7, 22)},
        {"postcode": "29200"},
        {"nir": "2 78 07 75 101 001"},
        {"nir": "not a nir"},
    ],
)
def test_identify_finds_nobody_when_one_thing_differs(helene, changes):
    assert identify(helene, **changes) is None


def test_postal_lines_for_a_letter():
    member = MemberFactory.build(
        first_names="Jean", last_name="Dubois", address="Bâtiment B\n4 rue du Moulin",
        postcode="69003", city="Lyon",
    )  # fmt: skip
    assert member.postal_lines == ["JEAN DUBOIS", "Bâtiment B", "4 rue du Moulin", "69003 LYON"]
