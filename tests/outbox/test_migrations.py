"""The letters queued before their context kept its types are migrated."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("outbox", "0001_initial")]
AFTER = [("outbox", "0002_letter_context_typed")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.mark.django_db(transaction=True)
def test_a_queued_code_letter_gets_its_expiry_back_as_a_datetime(helene):
    try:
        apps = migrate(BEFORE)
        Letter = apps.get_model("outbox", "Letter")
        old = Letter.objects.create(
            member_id=helene.pk,
            template="code",
            postal_lines=helene.postal_lines,
            context={"code": "MK4T 9QXA", "expires_at": "2026-11-23T14:30:00Z", "reason": "first"},
        )

        apps = migrate(AFTER)
        letter = apps.get_model("outbox", "Letter").objects.get(pk=old.pk)
        assert letter.context == {
            "code": "MK4T 9QXA",
            "expires_at": datetime.datetime(2026, 11, 23, 14, 30, tzinfo=datetime.UTC),
            "reason": "first",
        }

        apps = migrate(BEFORE)
        assert apps.get_model("outbox", "Letter").objects.get(pk=old.pk).context == old.context
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
