"""No provisional code remains readable in the database once it has done its
job: sent, printed, used or expired (the code itself is kept only as a keyed hash)."""

import datetime
import io

import time_machine
from django.apps import apps
from django.core.management import call_command
from django.db import connection, models
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assure.accounts.models import ProvisionalCode
from assure.outbox.models import Email, Letter
from tests.smtp import SMTPServer

TEXT_FIELDS = (models.CharField, models.TextField, models.JSONField)


def rows_holding(code):
    """(table, column) of every text column, in every table, that holds the
    code as printed ("ABCD EFGH") or typed ("ABCDEFGH")."""
    found = []
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table = connection.ops.quote_name(model._meta.db_table)
            for field in model._meta.concrete_fields:
                if not isinstance(field, TEXT_FIELDS):
                    continue
                column = connection.ops.quote_name(field.column)
                for form in (code, code.replace(" ", "")):
                    cursor.execute(
                        f"SELECT count(*) FROM {table} WHERE CAST({column} AS TEXT) LIKE %s",  # noqa: S608
                        [f"%{form}%"],
                    )
                    if cursor.fetchone()[0]:
                        found.append((model._meta.db_table, field.column))
    return found


def test_the_search_finds_a_pending_code(claire):
    code = ProvisionalCode.issue(claire, ProvisionalCode.EMAIL, reason="first").clear_code
    assert ("outbox_email", "text_body") in rows_holding(code)


def test_once_the_email_is_sent_no_code_remains(claire, smtp_server):
    code = ProvisionalCode.issue(claire, ProvisionalCode.EMAIL, reason="first").clear_code

    call_command("worker", "--once")

    [message] = smtp_server.messages
    assert code in message.get_body(("plain",)).get_content()
    assert code in message.get_body(("html",)).get_content()
    assert rows_holding(code) == []
    email = Email.objects.get()
    assert email.status == "sent" and "•••• ••••" in email.text_body


def test_a_resend_after_an_smtp_failure_still_carries_the_code(claire):
    code = ProvisionalCode.issue(claire, ProvisionalCode.EMAIL, reason="first").clear_code
    server = SMTPServer()  # its port is reserved, nothing listens there yet
    start = timezone.now()
    with override_settings(**server.settings()):
        call_command("worker", "--once")
        assert Email.objects.get().status == "retrying"
        server.start()
        try:
            with time_machine.travel(start + datetime.timedelta(minutes=1, seconds=5)):
                call_command("worker", "--once")
        finally:
            server.stop()

    [message] = server.messages
    assert code in message.get_body(("plain",)).get_content()
    assert rows_holding(code) == []


def test_once_the_letter_is_printed_no_code_remains(claire, tmp_path):
    code = ProvisionalCode.issue(claire, ProvisionalCode.LETTER, reason="first").clear_code
    assert rows_holding(code) == [("outbox_letter", "secret")]

    call_command("print_letters", "--output", str(tmp_path / "lot.pdf"), stdout=io.StringIO())

    printed = "".join(page.extract_text() for page in PdfReader(tmp_path / "lot.pdf").pages)
    assert code in printed
    assert rows_holding(code) == []
    assert Letter.objects.get().render_context()["secret"] == "•••• ••••"


def test_a_code_used_before_its_email_left_is_forgotten_and_the_email_abandoned(client, claire):
    code = ProvisionalCode.issue(claire, ProvisionalCode.EMAIL, reason="first").clear_code
    response = client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": code})
    assert response.url == reverse("accounts:choose_password")

    assert rows_holding(code) == []
    assert Email.objects.get().status == "abandoned"
    assert not Email.objects.due().exists()


def test_an_older_code_voided_by_a_newer_one_is_forgotten(claire):
    old = ProvisionalCode.issue(claire, ProvisionalCode.LETTER, reason="first").clear_code
    new = ProvisionalCode.issue(claire, ProvisionalCode.EMAIL, reason="forgotten").clear_code
    assert rows_holding(old) == []
    assert {table for table, _ in rows_holding(new)} == {"outbox_email"}  # not yet sent


def test_a_code_that_expired_unsent_is_forgotten_by_the_worker(claire, smtp_server):
    code = ProvisionalCode.issue(claire, ProvisionalCode.EMAIL, reason="first").clear_code
    with time_machine.travel(timezone.now() + datetime.timedelta(hours=25)):
        call_command("worker", "--once")

    assert smtp_server.messages == []
    assert rows_holding(code) == []
    assert Email.objects.get().status == "abandoned"


def test_a_letter_whose_code_expired_unprinted_is_not_printed(claire, tmp_path):
    code = ProvisionalCode.issue(claire, ProvisionalCode.LETTER, reason="first").clear_code
    out = io.StringIO()
    with time_machine.travel(timezone.now() + datetime.timedelta(days=31)):
        call_command("print_letters", "--output", str(tmp_path / "lot.pdf"), stdout=out)

    assert "Aucun courrier en attente" in out.getvalue()
    assert rows_holding(code) == []
    assert Letter.objects.get().status == "abandoned"


def test_the_demo_outbox_still_shows_trainers_a_sent_code(client, claire, smtp_server, settings):
    settings.ASSURE_DEMO = True
    code = ProvisionalCode.issue(claire, ProvisionalCode.EMAIL, reason="first").clear_code
    call_command("worker", "--once")

    email = Email.objects.get()
    assert email.status == "sent"
    assert code in client.get(reverse("outbox:demo_email", args=[email.pk])).content.decode()
    response = client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": code})
    assert response.url == reverse("accounts:choose_password")
    assert rows_holding(code) == []  # spent: gone, demo or not
