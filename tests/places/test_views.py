"""« Trouver un point d'accueil »: the search page and a place's page."""

import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from assure.places.models import Place
from tests.conftest import text
from tests.geography.test_forms import communes  # noqa: F401  (fixture)
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db
URL = "/trouver-un-point-d-accueil/"
# Monday 9 March 2026, 10:00 in Paris.
MONDAY_MORNING = datetime.datetime(2026, 3, 9, 10, 0, tzinfo=zoneinfo.ZoneInfo("Europe/Paris"))


@pytest.fixture
def places(communes):  # noqa: F811
    return {
        "rouen": PlaceFactory(
            key="ROUEN-1",
            name="Accueil de Rouen centre",
            address="12 rue de l'Exemple",
            latitude=49.4410,
            longitude=1.0930,
            phone="+33199002001",
            services=["Carte Vitale", "Attestations"],
        ),
        "kiosk": PlaceFactory(
            key="ROUEN-B",
            name="Borne de Rouen gare",
            kind=Place.BORNE,
            address="Hall de la gare",
            latitude=49.4490,
            longitude=1.0940,
            hours={
                day: [["00:00", "24:00"]]
                for day in (
                    "monday",
                    "tuesday",
                    "wednesday",
                    "thursday",
                    "friday",
                    "saturday",
                    "sunday",
                )
            },  # fmt: skip
        ),
        "le_havre": PlaceFactory(
            key="HAVRE-1",
            name="Accueil du Havre",
            postcode="76600",
            city="Le Havre",
            latitude=49.4940,
            longitude=0.1080,
        ),
        "closed": PlaceFactory(key="OLD", name="Ancien accueil", active=False),
    }


def test_the_url_and_its_name():
    assert reverse("places:search") == URL
    assert reverse("places:detail", args=["ROUEN-1"]) == f"{URL}ROUEN-1/"


def test_a_first_visit_shows_the_form_without_error(client, places):
    response = client.get(URL)
    page = text(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Trouver un point d\'accueil</h1>' in page
    assert 'name="location"' in page
    assert "Il y a un problème" not in page
    assert "les 10 plus proches de votre commune, à 50 km au plus" in page


def test_the_public_home_page_links_to_both_searches(client):
    page = text(client.get("/"))
    assert f'<a class="govuk-link" href="{URL}">Trouver un point d\'accueil</a>' in page
    assert '<a class="govuk-link" href="/trouver-un-medecin/">Trouver un médecin</a>' in page


def test_the_public_sees_the_public_layout(client, places):
    page = text(client.get(URL))
    assert "Menu principal" not in page


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_reception_points_nearest_first_with_todays_hours_and_services(client, places):
    response = client.get(URL, {"location": "76000"})
    page = text(response)
    assert response.status_code == 200
    assert "Rouen (76) : 2 lieux à moins de 50 km" in page
    assert page.index("Accueil de Rouen centre") < page.index("Borne de Rouen gare")
    assert "Accueil du Havre" not in page  # 72 km away
    assert "Ancien accueil" not in page
    assert "Point d'accueil, à 0,6 km" in page
    assert "Borne libre-service, à 0,8 km" in page
    assert "Ouvert maintenant, jusqu'à 12 h" in page
    assert "Ouvert aujourd'hui de 8 h 30 à 12 h et de 13 h 30 à 16 h 30" in page
    assert "Ouvert maintenant, 24 h sur 24" in page
    assert "Services : Carte Vitale, Attestations" in page
    assert '<a class="govuk-link" href="tel:+33199002001">01 99 00 20 01</a>' in page
    assert f'href="{URL}ROUEN-1/?location=76000"' in page


def test_kiosks_only(client, places):
    page = text(client.get(URL, {"location": "Rouen", "kind": "borne"}))
    assert "Rouen (76) : 1 lieu à moins de 50 km" in page
    assert "Borne de Rouen gare" in page
    assert "Accueil de Rouen centre" not in page


def test_a_town_with_nothing_within_50_km(client, places, communes):  # noqa: F811
    page = text(client.get(URL, {"location": "Saint-Denis 974"}))
    assert "Saint-Denis (974) : aucun lieu à moins de 50 km" in page
    assert "n'a pas de point d'accueil ni de borne près de cette commune" in page


def test_homonyms_are_offered_as_links_that_search_again(client, places):
    page = text(client.get(URL, {"location": "Saint-Denis", "kind": "accueil"}))
    assert "Plusieurs communes correspondent à « Saint-Denis »" in page
    assert (
        '<a class="govuk-link" href="?location=Saint-Denis+%28974%29&kind=accueil'
        '&commune=97411">Saint-Denis (974)</a>' in page
    )
    chosen = text(client.get(URL, {"location": "Saint-Denis (974)", "commune": "97411"}))
    assert "Saint-Denis (974) : aucun lieu à moins de 50 km" in chosen
    assert 'type="hidden" name="commune" value="97411"' in chosen


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"location": ""}, "Indiquez une ville ou un code postal."),
        ({"location": "Atlantide"}, "Nous ne connaissons pas de commune nommée « Atlantide »"),
        ({"location": "SW1A 1AA"}, "« SW1A 1AA » n'est pas un code postal français."),
        ({"location": "1000 Bruxelles"}, "« 1000 Bruxelles » n'est pas un code postal français."),
        ({"location": "99999"}, "« 99999 » n'est pas un code postal français."),
        ({"location": "x" * 5000}, "doit comporter 100 caractères au plus"),
        ({"location": "Rouen", "kind": "piscine"}, "Choisissez un type de lieu dans la liste."),
    ],
)
def test_bad_input_is_explained_in_the_summary_and_next_to_the_field(
    client, places, query, message
):
    response = client.get(URL, query)
    page = text(response)
    assert response.status_code == 200
    assert "<title>Erreur : " in page
    summary = page.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    assert message in summary
    field = page.split('class="govuk-error-message"')[1].split("</p>")[0]
    assert message in field
    assert "lieux à moins de" not in page


def test_a_signed_in_member_sees_their_postcode_and_the_member_menu(signed_in, places):
    page = text(signed_in.get(URL))
    assert 'value="76000 Rouen"' in page
    assert "Menu principal" in page
    assert f'href="{URL}" aria-current="page">Trouver un point d\'accueil</a>' in page


def test_the_number_of_queries_does_not_grow_with_the_places(
    client, places, django_assert_num_queries
):
    with django_assert_num_queries(2):  # the commune by postcode, the places
        client.get(URL, {"location": "76000"})
    for number in range(20):
        PlaceFactory(latitude=49.44 + number / 1000)
    with django_assert_num_queries(2):
        page = text(client.get(URL, {"location": "76000"}))
    assert "Rouen (76) : 10 lieux à moins de 50 km" in page


@time_machine.travel(MONDAY_MORNING, tick=False)
def test_a_place_page_shows_the_whole_week(client, places):
    response = client.get(f"{URL}ROUEN-1/", {"location": "76000"})
    page = text(response)
    assert response.status_code == 200
    assert "Accueil de Rouen centre</h1>" in page
    assert "Ouvert maintenant, jusqu'à 12 h" in page
    assert (
        '<th scope="row" class="govuk-table__header">Lundi</th>'
        '<td class="govuk-table__cell">De 8 h 30 à 12 h et de 13 h 30 à 16 h 30</td>'
    ) in page
    assert (
        '<th scope="row" class="govuk-table__header">Vendredi</th>'
        '<td class="govuk-table__cell">De 8 h 30 à 12 h</td>'
    ) in page
    assert '<td class="govuk-table__cell">Fermé</td>' in page
    assert f'href="{URL}?location=76000" class="govuk-back-link">Retour aux résultats' in page


def test_a_kiosk_open_day_and_night(client, places):
    page = text(client.get(f"{URL}ROUEN-B/"))
    assert '<td class="govuk-table__cell">24 h sur 24</td>' in page


@pytest.mark.parametrize("key", ["OLD", "NOWHERE", "../etc", "a%00b", "A" * 41, "été"])
def test_a_closed_or_unknown_place_is_not_found(client, places, key):
    assert client.get(f"{URL}{key}/").status_code == 404


def test_a_search_is_only_read(client, places):
    assert client.post(URL, {"location": "76000"}).status_code == 405


@pytest.mark.parametrize("field", ["location", "commune", "kind"])
def test_a_null_character_typed_by_hand_is_refused_not_a_crash(client, places, field):
    response = client.get(URL, {"location": "76000", field: "a\x00b"})
    assert response.status_code == 200
    assert "Il y a un problème" in text(response)
