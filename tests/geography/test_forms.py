"""The place of a search: what a person types, and what they are told."""

import pytest
from django.http import QueryDict

from assure.geography.forms import LocationForm
from assure.geography.models import Commune, Postcode
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


def commune(insee, name, *postcodes, latitude, longitude):
    created = Commune(
        insee=insee,
        name=name,
        department=insee[:3] if insee.startswith("97") else insee[:2],
        latitude=latitude,
        longitude=longitude,
    )
    created.save()
    for code in postcodes:
        Postcode.objects.create(code=code, commune=created)
    return created


@pytest.fixture
def communes():
    """A few real communes (public facts), homonyms and a shared postcode among them."""
    return {
        "rouen": commune("76540", "Rouen", "76000", "76100", latitude=49.4432, longitude=1.0999),
        "le_havre": commune("76351", "Le Havre", "76600", latitude=49.4944, longitude=0.1079),
        "bois_guillaume": commune(
            "76108", "Bois-Guillaume", "76230", latitude=49.4614, longitude=1.1203
        ),
        "isneauville": commune("76377", "Isneauville", "76230", latitude=49.4978, longitude=1.1547),
        "saint_denis": commune(
            "93066", "Saint-Denis", "93200", "93210", latitude=48.9362, longitude=2.3574
        ),
        "saint_denis_reunion": commune(
            "97411", "Saint-Denis", "97400", "97490", latitude=-20.8821, longitude=55.4507
        ),
        "mamoudzou": commune("97611", "Mamoudzou", "97600", latitude=None, longitude=None),
    }


def form(**values):
    query = QueryDict(mutable=True)
    query.update(values)
    return LocationForm(query)


def error(location, **values):
    bound = form(location=location, **values)
    assert not bound.is_valid()
    [message] = bound.errors["location"]
    return message


def test_a_first_visit_is_not_an_error():
    blank = LocationForm(QueryDict(""))
    assert not blank.is_bound
    assert not blank.is_valid()
    assert not blank.errors


def test_a_signed_in_member_starts_from_their_postcode_and_town(db):
    member = MemberFactory(postcode="76000", city="Rouen")
    assert LocationForm(QueryDict(""), member=member)["location"].value() == "76000 Rouen"


@pytest.mark.parametrize(
    "typed", ["76000", "76100", "Rouen", "rouen", "ROUEN 76000", "76100 Rouen", " Rouen "]
)
def test_a_postcode_or_a_name_finds_the_commune(communes, typed):
    bound = form(location=typed)
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["commune"] == communes["rouen"]


def test_the_beginning_of_a_single_name_is_enough(communes):
    bound = form(location="Le Hav")
    assert bound.is_valid()
    assert bound.cleaned_data["commune"] == communes["le_havre"]


def test_a_department_number_tells_homonyms_apart(communes):
    bound = form(location="Saint-Denis 974")
    assert bound.is_valid()
    assert bound.cleaned_data["commune"] == communes["saint_denis_reunion"]


def test_homonyms_are_offered_as_choices(communes):
    bound = form(location="Saint-Denis", radius="20")
    assert error("Saint-Denis") == (
        "Plusieurs communes correspondent à « Saint-Denis » : choisissez la vôtre dans la "
        "liste, ou précisez le code postal."
    )
    assert not bound.is_valid()
    assert bound.choices == [communes["saint_denis"], communes["saint_denis_reunion"]]
    assert bound.choice_links() == [
        ("Saint-Denis (93)", "?location=Saint-Denis+%2893%29&radius=20&commune=93066"),
        ("Saint-Denis (974)", "?location=Saint-Denis+%28974%29&radius=20&commune=97411"),
    ]


def test_a_postcode_shared_by_several_communes_offers_them(communes):
    bound = form(location="76230")
    assert not bound.is_valid()
    assert bound.choices == [communes["bois_guillaume"], communes["isneauville"]]


def test_a_commune_chosen_from_the_list_is_found(communes):
    bound = form(location="Saint-Denis (974)", commune="97411")
    assert bound.is_valid()
    assert bound.cleaned_data["commune"] == communes["saint_denis_reunion"]


def test_a_commune_chosen_earlier_gives_way_to_a_new_place(communes):
    bound = form(location="Rouen", commune="97411")
    assert bound.is_valid()
    assert bound.cleaned_data["commune"] == communes["rouen"]


def test_a_made_up_commune_code_is_ignored(communes):
    assert "Plusieurs communes" in error("Saint-Denis", commune="x" * 500)


def test_an_empty_search_asks_for_a_place(communes):
    assert error("") == "Indiquez une ville ou un code postal."
    assert error("   ") == "Indiquez une ville ou un code postal."


def test_a_very_long_place_is_refused_with_its_length(communes):
    assert error("a" * 150) == (
        "La ville ou le code postal doit comporter 100 caractères au plus (vous en avez saisi 150)."
    )


def test_an_unknown_town(communes):
    assert error("Trifouillis-les-Oies") == (
        "Nous ne connaissons pas de commune nommée « Trifouillis-les-Oies » en France. "
        "Vérifiez l'orthographe, ou indiquez le code postal."
    )


def test_an_unknown_french_postcode(communes):
    assert error("76999") == (
        "Nous ne connaissons pas de commune au code postal 76999. "
        "Vérifiez-le, ou indiquez le nom de la ville."
    )


@pytest.mark.parametrize(
    "typed", ["1000 Bruxelles", "SW1A 1AA", "99999", "00100", "H3Z 2Y7", "1012 AB Amsterdam"]
)
def test_a_foreign_postcode_is_told_apart(communes, typed):
    assert error(typed) == (
        f"« {typed} » n'est pas un code postal français. La recherche couvre la France "
        "seulement : indiquez une commune française ou son code postal à 5 chiffres, "
        "par exemple 76000."
    )


def test_a_commune_without_a_known_centre_cannot_be_searched_around(communes):
    assert error("Mamoudzou").startswith("Nous ne connaissons pas de commune nommée")


def test_ordinals_and_corsican_departments_are_not_foreign_postcodes(communes):
    assert "n'est pas un code postal français" not in error("Paris 11e")
    assert "n'est pas un code postal français" not in error("Ajaccio 2A")
