"""The jobs apps register for `assure worker`: run at each pass, before sending."""

import logging

from django.core.management import call_command

from assure.outbox import jobs
from assure.outbox.models import Email


def test_the_worker_runs_the_registered_jobs_then_sends_what_they_queued(
    smtp_server, helene, code_context, monkeypatch, caplog
):
    caplog.set_level(logging.INFO, logger="assure.outbox")

    def queue_a_code():
        Email.objects.queue(helene.email, "code", code_context(helene), member=helene)
        return 1

    monkeypatch.setattr(jobs, "JOBS", {"tests.queue_a_code": queue_a_code})

    call_command("worker", "--once")

    [message] = smtp_server.messages
    assert message["To"] == helene.email
    assert "tests.queue_a_code : 1 traité(s)." in caplog.text


def test_registering_a_job_twice_runs_it_once(monkeypatch):
    calls = []
    monkeypatch.setattr(jobs, "JOBS", {})

    def job():
        calls.append(1)

    jobs.register(job)
    jobs.register(job)
    jobs.run_all()

    assert calls == [1]
