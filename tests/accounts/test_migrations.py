"""Codes in the outbox before secrets: blanked where done, kept apart where pending."""

import datetime

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assure.accounts.models.codes import code_digest
from tests.outbox.test_migrations import migrate

BEFORE = [("accounts", "0002_more_security_events"), ("outbox", "0002_letter_context_typed")]
AFTER = [("accounts", "0003_codes_out_of_sent_messages")]


@pytest.mark.django_db(transaction=True)
def test_codes_leave_sent_messages_and_become_pending_ones_secrets(claire):
    now = timezone.now()
    try:
        apps = migrate(BEFORE)
        Code = apps.get_model("accounts", "ProvisionalCode")
        Email = apps.get_model("outbox", "Email")
        Letter = apps.get_model("outbox", "Letter")
        expires = now + datetime.timedelta(days=30)
        pending = Code.objects.create(
            member_id=claire.pk,
            digest=code_digest("3FHP 7WCE"),
            channel="letter",
            expires_at=expires,
        )
        body = "Voici votre code provisoire :\n\n    {}\n"
        sent = Email.objects.create(
            to="h@exemple.test",
            subject="Code",
            template="code",
            sent_at=now,
            text_body=body.format("MK4T 9QXA"),
            html_body="<p>MK4T 9QXA</p>",
        )
        orphan = Email.objects.create(
            to="h@exemple.test",
            subject="Code",
            template="code",
            text_body=body.format("KQ4M 9TTX"),
            html_body="<p>KQ4M 9TTX</p>",
        )
        printed, waiting = (
            Letter.objects.create(
                member_id=claire.pk,
                template="code",
                postal_lines=["H"],
                posted_at=posted,
                context={"code": code, "reason": "first"},
            )
            for code, posted in (("MK4T 9QXA", now), ("3FHP 7WCE", None))
        )

        apps = migrate(AFTER)
        Email = apps.get_model("outbox", "Email")
        Letter = apps.get_model("outbox", "Letter")
        sent, orphan = Email.objects.get(pk=sent.pk), Email.objects.get(pk=orphan.pk)
        assert sent.text_body == body.format("•••• ••••") and sent.html_body == "<p>•••• ••••</p>"
        assert sent.secret == "" and sent.abandoned_at is None
        assert "KQ4M 9TTX" not in orphan.text_body and orphan.abandoned_at is not None
        printed, waiting = Letter.objects.get(pk=printed.pk), Letter.objects.get(pk=waiting.pk)
        assert printed.context == {"reason": "first"} and printed.secret == ""
        assert waiting.context == {"reason": "first"} and waiting.secret == "3FHP 7WCE"
        assert waiting.secret_ref == f"provisional-code:{pending.pk}"
        assert waiting.secret_expires_at == expires
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
