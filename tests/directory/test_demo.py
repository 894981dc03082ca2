import io
import re

import pytest
from django.core.management import call_command

from assure.demo.communes import COMMUNES, load_demo_communes
from assure.demo.directory import load_demo_directory
from assure.directory.models import Convention, PracticePlace
from assure.geography.models import Commune

pytestmark = pytest.mark.django_db

MAIN_KINDS = {
    "Chirurgien-dentiste",
    "Dermatologue",
    "Gynécologue",
    "Infirmier",
    "Masseur-kinésithérapeute",
    "Médecin généraliste",
    "Ophtalmologiste",
    "Psychiatre",
    "Pédiatre",
    "Sage-femme",
}


@pytest.fixture
def communes():
    load_demo_communes()


def test_the_demo_directory_has_fictitious_professionals_in_every_demo_town(communes):
    professionals, fees = load_demo_directory()
    assert professionals.rejected == [] and fees.rejected == []
    places = PracticePlace.objects.all()
    assert 300 <= places.count() == professionals.created <= 1000
    assert professionals.not_locatable == 0
    assert set(PracticePlace.objects.kinds()) == MAIN_KINDS
    assert {place.insee for place in places} == {insee for insee, *_ in COMMUNES}
    for place in places:
        assert place.rpps.startswith("99")  # no real RPPS number does
        assert place.phone == "" or re.fullmatch(r"01 99 00 \d\d \d\d", place.phone)
        assert place.address and place.is_located
    with_phone = places.exclude(phone="").count()
    assert 0.7 < with_phone / places.count() < 0.95
    # Most have a sector, some fees too; none is left unattached.
    assert 0.8 < Convention.objects.count() / places.count() < 1
    assert fees.created == Convention.objects.count()
    assert not Convention.objects.exclude(rpps__in=places.values("rpps")).exists()
    assert set(Convention.objects.values_list("sector", flat=True)) == {
        "1",
        "2",
        "non-conventionne",
    }


def test_a_member_in_rouen_finds_general_practitioners_with_their_fees(communes):
    load_demo_directory()
    rouen = Commune.objects.get(insee="76540")
    found = Convention.objects.attach_to(
        PracticePlace.objects.near("Médecin généraliste", rouen.latitude, rouen.longitude, 20)
    )
    assert 3 <= len(found) <= 6
    assert {place.city for place in found} == {"Rouen"}
    assert all(place.title == "Dr" for place in found)
    assert any(place.convention and place.convention.fees_text for place in found)
    paris = PracticePlace.objects.filter(insee="75111").first()
    assert paris.city == "Paris"


def test_loading_the_demo_directory_again_changes_nothing(communes):
    first, _ = load_demo_directory()
    again, fees = load_demo_directory()
    assert (again.created, again.updated, again.unchanged) == (0, 0, first.created)
    assert (fees.created, fees.updated) == (0, 0)
    assert PracticePlace.objects.count() == first.created


def test_no_demo_professional_joins_a_real_directory(communes):
    PracticePlace.objects.create(
        rpps="10001234567", place_key="R1", last_name="MARTIN", profession="Médecin",
        kind="Médecin généraliste", postcode="76000", insee="76540", city="Rouen",
    )  # fmt: skip
    assert load_demo_directory() is None
    assert PracticePlace.objects.count() == 1
    assert not Convention.objects.exists()


def test_no_demo_professional_joins_real_fees(communes):
    Convention.objects.create(rpps="10001234567", sector="1")
    assert load_demo_directory() is None
    assert not PracticePlace.objects.exists()


def test_load_demo_members_loads_the_directory_too():
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    assert "Fictitious health professionals: " in out.getvalue()
    assert "0 non localisables" in out.getvalue()
    count = PracticePlace.objects.count()
    assert count > 300
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    assert f"0 created, 0 updated, {count} unchanged" in out.getvalue()
