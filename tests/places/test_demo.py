import io

import pytest
from django.core.management import call_command

from assure.demo.members import TOWNS
from assure.demo.places import PLACES, load_demo_places
from assure.places.models import Place
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db


def test_demo_places_load_through_the_import_and_again_change_nothing():
    report = load_demo_places()
    assert (report.created, len(report.rejected)) == (len(PLACES), 0)
    assert 6 <= len(PLACES) <= 10
    again = load_demo_places()
    assert (again.created, again.updated, again.unchanged) == (0, 0, len(PLACES))
    assert Place.objects.active().count() == len(PLACES)


def test_demo_places_are_labelled_fictitious_in_towns_of_the_demo_members():
    load_demo_places()
    towns = {(city, postcode) for city, postcode, _, _ in TOWNS}
    for place in Place.objects.all():
        assert "de démonstration" in place.name
        assert (place.city, place.postcode) in towns
    kinds = set(Place.objects.values_list("kind", flat=True))
    assert kinds == {Place.ACCUEIL, Place.BORNE}


def test_demo_places_are_near_their_town():
    load_demo_places()
    rouen = [place.city for place in Place.objects.near(49.4431, 1.0993, 5)]
    assert rouen == ["Rouen", "Rouen"]
    assert {place.city for place in Place.objects.near(49.4944, 0.1079, 5)} == {"Le Havre"}
    assert {place.city for place in Place.objects.near(14.6161, -61.0588, 10)} == {"Fort-de-France"}


def test_no_demo_place_when_the_fund_has_real_places():
    PlaceFactory(key="ROUEN-1")
    assert load_demo_places() is None
    assert list(Place.objects.values_list("key", flat=True)) == ["ROUEN-1"]


def test_load_demo_members_loads_the_places_too():
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    assert Place.objects.count() == len(PLACES)
    assert f"Fictitious reception points and kiosks: {len(PLACES)} lines read" in out.getvalue()
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    assert f"0 created, 0 updated, {len(PLACES)} unchanged" in out.getvalue()
