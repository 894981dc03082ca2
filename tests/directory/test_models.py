import math
import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assure.directory.models import CELL_DEGREES, PracticePlace, cell_of, cells_around
from assure.lib.geo import KM_PER_DEGREE, haversine_km

pytestmark = pytest.mark.django_db

GP = "Médecin généraliste"
# Commune centres (INSEE's, rounded): Rouen and its neighbours, Le Havre, Paris.
ROUEN = (49.4432, 1.0999)
SOTTEVILLE = (49.4098, 1.0902)
BOIS_GUILLAUME = (49.4611, 1.1195)
ELBEUF = (49.2866, 1.0088)
LE_HAVRE = (49.4944, 0.1079)
PARIS = (48.8566, 2.3522)


def place(name, position, kind=GP, rpps="10000000000"):
    latitude, longitude = position
    return PracticePlace.objects.create(
        rpps=rpps,
        place_key=name,
        last_name=name,
        profession="Médecin",
        kind=kind,
        postcode="76000",
        insee="76540",
        city="Rouen",
        latitude=latitude,
        longitude=longitude,
        cell=cell_of(latitude, longitude),
    )


def test_near_gives_the_places_of_the_kind_within_the_radius_nearest_first():
    place("ROUEN", ROUEN)
    place("SOTTEVILLE", SOTTEVILLE)
    place("BOIS-GUILLAUME", BOIS_GUILLAUME)
    place("ELBEUF", ELBEUF)
    place("LE HAVRE", LE_HAVRE)
    place("PARIS", PARIS)
    place("PEDIATRE", ROUEN, kind="Pédiatre")
    PracticePlace.objects.create(
        rpps="1", place_key="x", last_name="NOWHERE", profession="Médecin", kind=GP,
        postcode="76000", insee="76999", city="Inconnue",
    )  # fmt: skip

    found = PracticePlace.objects.near(GP, *ROUEN, radius_km=20)
    assert [p.last_name for p in found] == ["ROUEN", "BOIS-GUILLAUME", "SOTTEVILLE", "ELBEUF"]
    assert [round(p.distance_km, 1) for p in found] == [0.0, 2.4, 3.8, 18.6]

    assert [p.last_name for p in PracticePlace.objects.near(GP, *ROUEN, radius_km=3)] == [
        "ROUEN",
        "BOIS-GUILLAUME",
    ]
    far = PracticePlace.objects.near(GP, *ROUEN, radius_km=150)
    assert [p.last_name for p in far][-2:] == ["LE HAVRE", "PARIS"]
    assert round(far[-2].distance_km) == 72
    assert round(far[-1].distance_km) == 112
    assert [p.last_name for p in PracticePlace.objects.near("Pédiatre", *ROUEN, 20)] == ["PEDIATRE"]
    assert PracticePlace.objects.near("Pédiatre", *PARIS, 20) == []


def test_near_keeps_the_limit_nearest():
    for index in range(30):
        place(f"P{index:02}", (ROUEN[0] + index * 0.001, ROUEN[1]))
    found = PracticePlace.objects.near(GP, *ROUEN, radius_km=20, limit=5)
    assert [p.last_name for p in found] == ["P00", "P01", "P02", "P03", "P04"]


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_near_agrees_with_measuring_every_place(seed):
    """Scattered places, some on cell edges: the answer is the brute-force one."""
    generator = random.Random(seed)
    centre = (generator.uniform(43, 50), generator.uniform(-1, 7))
    positions = [
        (centre[0] + generator.uniform(-0.4, 0.4), centre[1] + generator.uniform(-0.5, 0.5))
        for _ in range(300)
    ]
    edge = (round(centre[0] / CELL_DEGREES) * CELL_DEGREES, centre[1])
    positions += [edge, (edge[0] - 1e-9, edge[1])]
    # Places sharing a commune's centre, as most do.
    for _ in range(3):
        shared = (
            centre[0] + generator.uniform(-0.1, 0.1),
            centre[1] + generator.uniform(-0.1, 0.1),
        )
        positions += [shared] * 40
    for index, position in enumerate(positions):
        place(f"P{index:03}", position)
    for radius in (2, 10, 20):
        expected = sorted(
            (haversine_km(*centre, *position), f"P{index:03}")
            for index, position in enumerate(positions)
            if haversine_km(*centre, *position) <= radius
        )[:20]
        found = PracticePlace.objects.near(GP, *centre, radius_km=radius)
        assert [(p.distance_km, p.last_name) for p in found] == expected


def test_many_places_at_nearly_the_same_distance_are_ranked_exactly(
    django_assert_num_queries,
):
    """North-east of the point the flat approximation overstates the distance
    (it shrinks the longitudes by the cosine of the point's latitude, larger
    than further north): places due north, a little further in truth, come
    first by it, more of them than the candidates read first."""
    north_east = (ROUEN[0] + 0.09, ROUEN[1] + 0.13)
    true_km = haversine_km(*ROUEN, *north_east)
    shrink = math.cos(math.radians(ROUEN[0]))
    flat_km = math.hypot(0.09, 0.13 * shrink) * KM_PER_DEGREE
    north = (ROUEN[0] + (true_km + flat_km) / 2 / KM_PER_DEGREE, ROUEN[1])
    assert true_km < haversine_km(*ROUEN, *north) < flat_km
    for index in range(70):
        place(f"N{index:02}", north)
        place(f"E{index:02}", north_east)
    expected = sorted(
        [(haversine_km(*ROUEN, *north), f"N{index:02}") for index in range(70)]
        + [(true_km, f"E{index:02}") for index in range(70)]
    )[:20]
    # Candidates (within 5 km: none, so within 20 km), positions within the margin,
    # places at the nearest one (70 there), rows.
    with django_assert_num_queries(4):
        found = PracticePlace.objects.near(GP, *ROUEN, radius_km=20)
    assert [(p.distance_km, p.last_name) for p in found] == expected


def test_where_places_are_many_the_nearest_are_found_close_by(django_assert_num_queries):
    """Within a quarter of the radius first: 20 places found there are the nearest."""
    generator = random.Random(4)
    # 25 places within 4 km of Rouen's centre, 30 between 6 and 19 km.
    close = [(generator.uniform(0.2, 4), generator.uniform(0, 360)) for _ in range(25)]
    far = [(generator.uniform(6, 19), generator.uniform(0, 360)) for _ in range(30)]
    positions = [
        (
            ROUEN[0] + km * math.cos(math.radians(bearing)) / KM_PER_DEGREE,
            ROUEN[1]
            + km
            * math.sin(math.radians(bearing))
            / (KM_PER_DEGREE * math.cos(math.radians(ROUEN[0]))),
        )
        for km, bearing in close + far
    ]
    for index, position in enumerate(positions):
        place(f"P{index:02}", position)

    def expected(count):
        return sorted(
            (haversine_km(*ROUEN, *position), f"P{index:02}")
            for index, position in enumerate(positions)
        )[:count]

    with CaptureQueriesContext(connection) as queries:
        found = PracticePlace.objects.near(GP, *ROUEN, radius_km=20)
    assert [(p.distance_km, p.last_name) for p in found] == expected(20)
    assert len(queries) == 2  # candidates, rows
    assert candidates_read(queries[0]["sql"]) == 25  # within 5 km only
    # 30 wanted: fewer than that within 5 km, so within 20 km (in the same query).
    with CaptureQueriesContext(connection) as queries:
        found = PracticePlace.objects.near(GP, *ROUEN, radius_km=20, limit=30)
    assert [(p.distance_km, p.last_name) for p in found] == expected(30)
    assert len(queries) == 2
    assert candidates_read(queries[0]["sql"]) == 25 + 55


def candidates_read(sql):
    """How many rows the candidates query of ``near`` returns."""
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return len(cursor.fetchall())


def test_cells_and_the_cells_around_a_point():
    assert cell_of(None, 1.0) is None
    assert cell_of(49.44, 1.09) != cell_of(49.44, 1.11)
    assert cell_of(49.44, 1.09) != cell_of(49.51, 1.09)
    cells = cells_around(*ROUEN, d_latitude=0.18, d_longitude=0.28)
    assert len(cells) == len(set(cells)) <= 5 * 7
    assert cell_of(*ROUEN) in cells
    # Across the antimeridian the columns wrap around.
    assert cell_of(-17.5, 179.99) in cells_around(-17.5, -179.99, 0.05, 0.05)
