import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.directory.models import PracticePlace, cell_of

pytestmark = pytest.mark.django_db


def place(rpps, kind, position=(49.4432, 1.0999)):
    return PracticePlace.objects.create(
        rpps=rpps,
        place_key="S1",
        last_name="MARTIN",
        profession="Médecin",
        kind=kind,
        postcode="76000",
        insee="76540",
        city="Rouen",
        latitude=position[0],
        longitude=position[1],
        cell=cell_of(*position),
    )


def test_the_kinds_on_offer_are_each_listed_once_in_alphabetical_order():
    for rpps, kind in enumerate(
        [
            "Pédiatre",
            "Médecin généraliste",
            "Chirurgien-dentiste",
            "Médecin généraliste",
            "Échographiste",
            "Pédiatre",
            "Infirmier",
            "ORL",
            "Médecin généraliste",
        ]
    ):
        place(f"{rpps:011}", kind)

    with CaptureQueriesContext(connection) as queries:
        kinds = PracticePlace.objects.kinds()
    assert kinds == [
        "Chirurgien-dentiste",
        "Échographiste",
        "Infirmier",
        "Médecin généraliste",
        "ORL",
        "Pédiatre",
    ]
    assert len(queries) == 1


def test_no_place_no_kind():
    assert PracticePlace.objects.kinds() == []


def test_the_kinds_of_a_filtered_selection():
    place("10000000001", "Pédiatre")
    place("10000000002", "Infirmier", position=(48.8566, 2.3522))
    place("10000000003", "Médecin généraliste", position=(48.8566, 2.3522))
    PracticePlace.objects.create(
        rpps="10000000004", place_key="S1", last_name="X", profession="Sage-femme",
        kind="Sage-femme", postcode="76000", insee="76999", city="Inconnue",
    )  # fmt: skip
    assert PracticePlace.objects.located().kinds() == [
        "Infirmier",
        "Médecin généraliste",
        "Pédiatre",
    ]
    assert PracticePlace.objects.kinds()[-1] == "Sage-femme"
