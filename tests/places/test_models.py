import datetime
import math
import zoneinfo

import pytest
import time_machine

from assure.lib.geo import haversine_km
from assure.places.models import Place
from tests.places.factories import OFFICE_HOURS, PlaceFactory

pytestmark = pytest.mark.django_db
PARIS = zoneinfo.ZoneInfo("Europe/Paris")
UTC = datetime.UTC
ROUEN = (49.4431, 1.0993)  # Hôtel de ville
LE_HAVRE = (49.4944, 0.1079)
PARIS_CENTRE = (48.8530, 2.3499)  # Notre-Dame
MARSEILLE = (43.2951, 5.3740)  # Vieux-Port
LYON = (45.7640, 4.8357)


def flat_km(latitude1, longitude1, latitude2, longitude2):
    """The equirectangular approximation, close enough over a hundred km."""
    mean = math.radians((latitude1 + latitude2) / 2)
    x = math.radians(longitude2 - longitude1) * math.cos(mean)
    y = math.radians(latitude2 - latitude1)
    return 6371.0 * math.hypot(x, y)


def at(year, month, day, hour, minute=0):
    return datetime.datetime(year, month, day, hour, minute, tzinfo=PARIS)


# 2026-03-09 is a Monday, 2026-03-13 a Friday, 2026-03-14 a Saturday.
MONDAY, FRIDAY, SATURDAY, SUNDAY = 9, 13, 14, 15


def test_great_circle_distances_between_real_towns():
    assert haversine_km(*ROUEN, *LE_HAVRE) == pytest.approx(71.9, abs=0.5)
    assert haversine_km(*PARIS_CENTRE, *MARSEILLE) == pytest.approx(660, rel=0.01)
    assert haversine_km(*PARIS_CENTRE, *LYON) == pytest.approx(392, rel=0.01)
    assert haversine_km(*ROUEN, *ROUEN) == 0


def test_near_keeps_the_places_within_the_radius_nearest_first(django_assert_num_queries):
    havre = PlaceFactory(name="Le Havre", latitude=LE_HAVRE[0], longitude=LE_HAVRE[1])
    rouen = PlaceFactory(name="Rouen", latitude=ROUEN[0], longitude=ROUEN[1])
    paris = PlaceFactory(name="Paris", latitude=PARIS_CENTRE[0], longitude=PARIS_CENTRE[1])
    PlaceFactory(name="Marseille", latitude=MARSEILLE[0], longitude=MARSEILLE[1])
    # A point in Rouen's suburbs (Sotteville-lès-Rouen).
    with django_assert_num_queries(1):
        places = Place.objects.near(49.4100, 1.0900, 150)
    assert places == [rouen, havre, paris]
    point = (49.4100, 1.0900)
    assert [place.distance_km for place in places] == [
        pytest.approx(flat_km(*point, *town), rel=0.005) for town in (ROUEN, LE_HAVRE, PARIS_CENTRE)
    ]
    assert [p.name for p in Place.objects.near(*ROUEN, 50)] == ["Rouen"]
    assert [p.name for p in Place.objects.near(*ROUEN, 71.5)] == ["Rouen"]
    assert [p.name for p in Place.objects.near(*ROUEN, 72.5)] == ["Rouen", "Le Havre"]


def test_near_chains_with_other_filters_and_works_overseas():
    PlaceFactory(name="Rouen", latitude=ROUEN[0], longitude=ROUEN[1], active=False)
    fdf = PlaceFactory(name="Fort-de-France", latitude=14.6040, longitude=-61.0680)
    lamentin = PlaceFactory(name="Le Lamentin", latitude=14.6130, longitude=-60.9990)
    assert Place.objects.active().near(*ROUEN, 100) == []
    assert Place.objects.active().near(14.6000, -61.0700, 20) == [fdf, lamentin]


def test_near_with_a_huge_radius_finds_everything():
    PlaceFactory(name="Rouen", latitude=ROUEN[0], longitude=ROUEN[1])
    PlaceFactory(name="Saint-Denis", latitude=-20.8823, longitude=55.4504)
    assert [p.name for p in Place.objects.near(*ROUEN, 20000)] == ["Rouen", "Saint-Denis"]


def test_hours_on_a_date_are_those_of_its_weekday():
    place = PlaceFactory(hours=OFFICE_HOURS)
    assert place.hours_on(datetime.date(2026, 3, MONDAY)) == [
        ("08:30", "12:00"),
        ("13:30", "16:30"),
    ]
    assert place.hours_on(datetime.date(2026, 3, FRIDAY)) == [("08:30", "12:00")]
    assert place.hours_on(datetime.date(2026, 3, SUNDAY)) == []


@pytest.mark.parametrize(
    ("moment", "is_open"),
    [
        (at(2026, 3, MONDAY, 8, 29), False),
        (at(2026, 3, MONDAY, 8, 30), True),
        (at(2026, 3, MONDAY, 11, 59), True),
        (at(2026, 3, MONDAY, 12, 0), False),
        (at(2026, 3, MONDAY, 16, 29), True),
        (at(2026, 3, FRIDAY, 14, 0), False),
        (at(2026, 3, SATURDAY, 10, 0), False),
        # 07:45 UTC is 08:45 in Paris in winter, 09:45 in summer (Friday afternoon closed).
        (datetime.datetime(2026, 3, MONDAY, 7, 45, tzinfo=UTC), True),
        (datetime.datetime(2026, 3, MONDAY, 7, 15, tzinfo=UTC), False),
        (datetime.datetime(2026, 7, 3, 10, 15, tzinfo=UTC), False),  # Friday 12:15 in Paris
        (datetime.datetime(2026, 7, 3, 9, 45, tzinfo=UTC), True),  # Friday 11:45 in Paris
    ],
)
def test_is_open_at_reads_the_moment_in_local_time(moment, is_open):
    assert PlaceFactory(hours=OFFICE_HOURS).is_open_at(moment) is is_open


def test_today_text():
    office = PlaceFactory(hours=OFFICE_HOURS)
    kiosk = PlaceFactory(hours={day: [["00:00", "24:00"]] for day in OFFICE_HOURS})
    assert (
        office.today_text(at(2026, 3, MONDAY, 20))
        == "Ouvert aujourd'hui de 8 h 30 à 12 h et de 13 h 30 à 16 h 30"
    )
    assert office.today_text(at(2026, 3, FRIDAY, 7)) == "Ouvert aujourd'hui de 8 h 30 à 12 h"
    assert office.today_text(at(2026, 3, SUNDAY, 10)) == "Fermé aujourd'hui"
    # 23:30 UTC on Friday is already Saturday in Paris.
    saturday_night = datetime.datetime(2026, 3, FRIDAY, 23, 30, tzinfo=UTC)
    assert office.today_text(saturday_night) == "Fermé aujourd'hui"
    assert kiosk.today_text(at(2026, 3, SUNDAY, 3)) == "Ouvert 24 h sur 24"


def test_today_text_defaults_to_now():
    office = PlaceFactory(hours=OFFICE_HOURS)
    with time_machine.travel(at(2026, 3, FRIDAY, 22, 30), tick=False):
        assert office.today_text() == "Ouvert aujourd'hui de 8 h 30 à 12 h"
        assert office.open_now_text() == "Fermé maintenant, ouvre lundi à 8 h 30"
    with time_machine.travel(datetime.datetime(2026, 3, FRIDAY, 23, 30, tzinfo=UTC), tick=False):
        assert office.today_text() == "Fermé aujourd'hui"  # Saturday 00:30 in Paris


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (at(2026, 3, MONDAY, 7), "Fermé maintenant, ouvre à 8 h 30"),
        (at(2026, 3, MONDAY, 9, 15), "Ouvert maintenant, jusqu'à 12 h"),
        (at(2026, 3, MONDAY, 12), "Fermé maintenant, ouvre à 13 h 30"),
        (at(2026, 3, MONDAY, 16), "Ouvert maintenant, jusqu'à 16 h 30"),
        (at(2026, 3, MONDAY, 16, 30), "Fermé maintenant, ouvre demain à 8 h 30"),
        (at(2026, 3, MONDAY, 23, 59), "Fermé maintenant, ouvre demain à 8 h 30"),
        (at(2026, 3, FRIDAY, 11, 59), "Ouvert maintenant, jusqu'à 12 h"),
        (at(2026, 3, FRIDAY, 12), "Fermé maintenant, ouvre lundi à 8 h 30"),
        (at(2026, 3, SATURDAY, 10), "Fermé maintenant, ouvre lundi à 8 h 30"),
        (at(2026, 3, SUNDAY, 23, 30), "Fermé maintenant, ouvre demain à 8 h 30"),
    ],
)
def test_open_now_text_across_days_and_weekends(moment, text):
    assert PlaceFactory(hours=OFFICE_HOURS).open_now_text(moment) == text


def test_open_now_text_when_open_once_a_week():
    place = PlaceFactory(hours={"tuesday": [["09:00", "11:00"]]})
    tuesday = 10
    assert place.open_now_text(at(2026, 3, tuesday, 8)) == "Fermé maintenant, ouvre à 9 h"
    assert place.open_now_text(at(2026, 3, tuesday, 10)) == "Ouvert maintenant, jusqu'à 11 h"
    assert (
        place.open_now_text(at(2026, 3, tuesday, 11))
        == "Fermé maintenant, ouvre mardi prochain à 9 h"
    )
    assert place.open_now_text(at(2026, 3, SATURDAY, 11)) == "Fermé maintenant, ouvre mardi à 9 h"


def test_open_now_text_of_kiosks_open_around_the_clock():
    always = PlaceFactory(hours={day: [["00:00", "24:00"]] for day in OFFICE_HOURS})
    assert always.open_now_text(at(2026, 3, SUNDAY, 23, 59)) == "Ouvert maintenant, 24 h sur 24"
    assert always.is_open_at(at(2026, 3, SUNDAY, 23, 59))
    weekdays = {day: [["00:00", "24:00"]] for day in list(OFFICE_HOURS)[:5]}
    weekdays["saturday"] = [["00:00", "12:00"]]
    kiosk = PlaceFactory(hours=weekdays)
    assert kiosk.open_now_text(at(2026, 3, MONDAY, 3)) == "Ouvert maintenant, jusqu'à samedi 12 h"
    assert kiosk.open_now_text(at(2026, 3, FRIDAY, 22)) == "Ouvert maintenant, jusqu'à demain 12 h"
    assert kiosk.open_now_text(at(2026, 3, SATURDAY, 13)) == "Fermé maintenant, ouvre lundi à 0 h"
    evening = PlaceFactory(hours={"monday": [["18:00", "24:00"]]})
    assert evening.open_now_text(at(2026, 3, MONDAY, 19)) == "Ouvert maintenant, jusqu'à minuit"
    late = PlaceFactory(hours={"monday": [["18:00", "24:00"]], "tuesday": [["00:00", "24:00"]]})
    assert late.open_now_text(at(2026, 3, MONDAY, 19)) == "Ouvert maintenant, jusqu'à demain minuit"


def test_a_place_without_hours_is_closed():
    place = PlaceFactory(hours={})
    assert place.open_now_text(at(2026, 3, MONDAY, 10)) == "Fermé maintenant"
    assert place.today_text(at(2026, 3, MONDAY, 10)) == "Fermé aujourd'hui"
    assert not place.is_open_at(at(2026, 3, MONDAY, 10))


def test_kinds_have_french_labels():
    assert PlaceFactory(kind=Place.ACCUEIL).get_kind_display() == "Point d'accueil"
    assert PlaceFactory(kind=Place.BORNE).get_kind_display() == "Borne libre-service"
