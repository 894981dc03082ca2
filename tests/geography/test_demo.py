import io

import pytest
from django.core.management import call_command

from assure.demo.communes import COMMUNES, load_demo_communes
from assure.demo.members import TOWNS
from assure.geography.importing import import_communes
from assure.geography.models import Commune, Postcode

pytestmark = pytest.mark.django_db


def test_the_demo_communes_cover_the_demo_members_towns():
    load_demo_communes()
    for city, postcode, department, number in TOWNS:
        [commune] = Commune.objects.by_postcode(postcode)
        # The INSEE code is the place of birth of the members' NIRs.
        width = 2 if len(department) == 3 else 3
        assert commune.insee == f"{department}{number:0{width}d}", city
        assert commune.department == department
        assert commune.is_locatable
        assert commune.name.startswith(city), city
        assert [found.insee for found in Commune.objects.locate(f"{postcode} {city}")] == [
            commune.insee
        ]


def test_the_demo_communes_are_valid_for_the_import():
    """Each one would be accepted by `assure import_communes`, coordinates included."""
    rows = [
        f'{insee},{postcode},"{name}",{latitude},{longitude}'
        for insee, name, postcodes, latitude, longitude in COMMUNES
        for postcode in postcodes
    ]
    report = import_communes(
        ["code_commune_INSEE,code_postal,nom_commune,latitude,longitude", *rows]
    )
    assert report.rejected == []
    assert report.created == len(COMMUNES)


def test_loading_the_demo_communes_twice_changes_nothing():
    assert load_demo_communes() == len(COMMUNES)
    before = (
        list(Commune.objects.values_list().order_by("pk")),
        list(Postcode.objects.values_list().order_by("pk")),
    )
    assert load_demo_communes() == 0
    after = (
        list(Commune.objects.values_list().order_by("pk")),
        list(Postcode.objects.values_list().order_by("pk")),
    )
    assert after == before


def test_imported_communes_are_left_as_they_are_and_missing_postcodes_added():
    rouen = Commune(insee="76540", name="Rouen (importée)", department="76")
    rouen.save()
    Postcode.objects.create(code="76000", commune=rouen)

    assert load_demo_communes() == len(COMMUNES) - 1

    rouen.refresh_from_db()
    assert rouen.name == "Rouen (importée)"
    assert sorted(rouen.postcodes.values_list("code", flat=True)) == ["76000", "76100"]


def test_load_demo_members_loads_the_communes():
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    assert f"{len(COMMUNES)} real communes loaded, with their postcodes." in out.getvalue()
    assert Commune.objects.by_insee("76540").name == "Rouen"
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    assert "real communes loaded" not in out.getvalue()
    assert Commune.objects.count() == len(COMMUNES)
