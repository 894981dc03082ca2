"""`assure worker --once` against a real SMTP server on 127.0.0.1."""

import datetime
import logging

import pytest
import time_machine
from django.core.management import call_command
from django.test import override_settings
from django.utils import timezone

from assure.outbox.models import Email, backoff
from tests.smtp import SMTPServer


@pytest.fixture
def queued(helene, code_context):
    return Email.objects.queue(helene.email, "code", code_context(helene), member=helene)


def test_the_worker_delivers_a_queued_email_as_text_and_html(smtp_server, queued, caplog):
    caplog.set_level(logging.INFO, logger="assure.outbox")

    call_command("worker", "--once")

    [message] = smtp_server.messages
    assert message["To"] == "helene.lefevre@exemple.test"
    assert message["From"] == "Caisse de démonstration <ne-pas-repondre@assure.invalid>"
    assert message["Subject"].strip() == "Votre code provisoire – Caisse de démonstration"
    assert message["Message-ID"] == queued.message_id()
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",)).get_content()
    html = message.get_body(("html",)).get_content()
    assert "MK4T 9QXA" in text and "MK4T 9QXA" in html
    assert "mot de passe :" not in text.lower()
    queued.refresh_from_db()
    assert queued.status == "sent" and queued.attempts == 1 and queued.last_error == ""
    assert f"E-mail {queued.pk} (code) envoyé, essai n° 1." in caplog.text


def test_a_sent_email_is_never_sent_again(smtp_server, queued):
    call_command("worker", "--once")
    call_command("worker", "--once")

    assert len(smtp_server.messages) == 1


def test_emails_go_out_oldest_first(smtp_server, helene, bertrand, code_context):
    Email.objects.queue(helene.email, "code", code_context(helene), member=helene)
    Email.objects.queue("bertrand@exemple.test", "account_created", {"member": bertrand})

    call_command("worker", "--once")

    assert [m["To"] for m in smtp_server.messages] == [
        "helene.lefevre@exemple.test",
        "bertrand@exemple.test",
    ]


def test_when_the_smtp_server_is_down_the_email_is_kept_and_retried(queued, caplog):
    server = SMTPServer()  # its port is reserved, nothing listens there yet
    start = timezone.now()

    with override_settings(**server.settings()):
        # The clock stands still during the failed try: the retry is due one
        # minute after `start` exactly, however long the machine takes.
        with time_machine.travel(start, tick=False):
            call_command("worker", "--once")
        queued.refresh_from_db()
        assert queued.sent_at is None and queued.status == "retrying"
        assert queued.attempts == 1
        assert "ConnectionRefusedError" in queued.last_error
        assert queued.next_attempt_at == start + datetime.timedelta(minutes=1)
        assert f"E-mail {queued.pk} (code) non envoyé, essai n° 1" in caplog.text

        server.start()
        try:
            call_command("worker", "--once")  # not due yet
            assert server.messages == []
            with time_machine.travel(start + datetime.timedelta(minutes=1, seconds=5)):
                call_command("worker", "--once")
        finally:
            server.stop()

    [message] = server.messages
    assert message["To"] == "helene.lefevre@exemple.test"
    queued.refresh_from_db()
    assert queued.status == "sent" and queued.attempts == 2


def test_the_delay_between_tries_doubles_up_to_one_hour_and_never_gives_up():
    minutes = [backoff(n) / datetime.timedelta(minutes=1) for n in range(1, 10)]

    assert minutes == [1, 2, 4, 8, 16, 32, 60, 60, 60]
    assert backoff(1000) == datetime.timedelta(hours=1)


def test_a_claimed_email_belongs_to_its_worker_until_the_lease_ends(queued):
    lease = datetime.timedelta(seconds=120)

    claimed = Email.objects.claim_next(lease)
    assert claimed.pk == queued.pk and claimed.attempts == 1
    # A second worker finds nothing to do while the lease runs.
    assert Email.objects.claim_next(lease) is None

    # The first worker died without a word: the e-mail comes back after the lease.
    with time_machine.travel(timezone.now() + lease + datetime.timedelta(seconds=1)):
        again = Email.objects.claim_next(lease)
    assert again.pk == queued.pk and again.attempts == 2


def test_an_email_not_yet_due_is_left_alone(smtp_server, queued):
    Email.objects.filter(pk=queued.pk).update(
        next_attempt_at=timezone.now() + datetime.timedelta(minutes=5)
    )

    call_command("worker", "--once")

    assert smtp_server.messages == []
