"""The bulk writer, on a table of the project (communes): it works alike on both databases."""

import pytest
from django.db import DatabaseError, connection

from assure.geography.models import Commune
from assure.lib import bulk

pytestmark = pytest.mark.django_db
FIELDS = ("insee", "name", "search_name", "department")


def commune(insee, name="Rouen"):
    return (insee, name, name.lower(), insee[:2])


def test_insert_then_select_in():
    bulk.insert(Commune, FIELDS, [commune("76540"), commune("76351", "Le Havre")])
    rows = bulk.select_in(Commune, ("insee", "name"), "insee", ["76351", "76540", "00000"])
    assert sorted(rows) == [("76351", "Le Havre"), ("76540", "Rouen")]


def test_select_in_more_values_than_one_statement_takes_on_sqlite():
    values = [f"76{n:03d}" for n in range(1000)]
    bulk.insert(Commune, FIELDS, [commune(insee) for insee in values])
    rows = bulk.select_in(Commune, ("insee",), "insee", reversed(values), order=True)
    assert sorted(rows) == [(insee,) for insee in values]


def test_insert_returning_ids_gives_each_key_its_row():
    ids = bulk.insert_returning_ids(Commune, FIELDS, [commune("76540"), commune("76351")])
    assert ids == dict(Commune.objects.values_list("insee", "pk"))


def test_insert_returning_ids_without_returning(monkeypatch):
    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)
    ids = bulk.insert_returning_ids(Commune, FIELDS, [commune("76540")])
    assert ids == {"76540": Commune.objects.get().pk}


def test_update_all():
    bulk.insert(Commune, FIELDS, [commune("76540")])
    rouen = Commune.objects.get()
    rouen.name = "Rouen (76)"
    bulk.update_all(Commune, ("name",), [rouen])
    assert Commune.objects.get().name == "Rouen (76)"


def test_a_refused_write_is_retried_one_item_at_a_time():
    bulk.insert(Commune, FIELDS, [commune("76540")])
    rejected = []

    def write(insees):
        bulk.insert(Commune, FIELDS, [commune(insee) for insee in insees])

    [written] = bulk.write_or_one_by_one(
        [(write, ["76351", "76540", "27229"])],
        lambda insee, error: rejected.append(insee),
    )
    assert (written, rejected) == (["76351", "27229"], ["76540"])
    assert Commune.objects.count() == 3


def test_save_creates_and_updates_instances_and_reports_the_refused_lines():
    bulk.insert(Commune, FIELDS, [commune("76540")])
    rouen = Commune.objects.get()
    rouen.name = "Rouen (76)"
    rejected = []
    created, updated = bulk.save(
        Commune,
        ("name",),
        [
            (2, Commune(**dict(zip(FIELDS, commune("76351"), strict=True)))),
            (3, Commune(insee="76540")),
        ],
        [(4, rouen)],
        lambda line, reason: rejected.append(line),
    )
    assert ([line for line, _ in created], [line for line, _ in updated]) == ([2], [4])
    assert rejected == [3]
    assert Commune.objects.get(insee="76540").name == "Rouen (76)"


def test_staged_upsert_creates_updates_and_leaves_alone():
    if connection.vendor != "postgresql":  # PostgreSQL only: SQLite never stages
        with pytest.raises(DatabaseError):
            bulk.StagedUpsert(Commune, FIELDS, ("insee",), "test_upsert")
        return
    bulk.insert(Commune, FIELDS, [commune("76540"), commune("76351", "Le Havre")])
    stage = bulk.StagedUpsert(Commune, FIELDS, ("insee",), "test_upsert")
    try:
        first = stage.upsert(
            [(2, *commune("76540")), (3, *commune("76351")), (4, *commune("27229"))]
        )
        again = stage.upsert([(9, *commune("27229", "Évreux"))])
    finally:
        stage.drop()
    assert first == ([], 1, 1)  # Évreux created, Le Havre renamed, Rouen unchanged
    assert again == ([(9, 4)], 0, 0)
    assert Commune.objects.get(insee="76351").name == "Rouen"


def test_analyze():
    bulk.analyze(Commune)
