"""`assure worker` as real processes: killed mid-send, restarted, side by side.

These tests run manage.py in subprocesses on their own database (a SQLite
file, or a fresh PostgreSQL database when the suite runs on PostgreSQL: the
test database of pytest-django is invisible to other processes).
"""

import collections
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.processes import own_database, query
from tests.smtp import SMTPServer

ROOT = Path(__file__).resolve().parents[2]

QUEUE_SCRIPT = """
import datetime
from django.utils import timezone
from assure.members.models import Member
from assure.outbox.models import Email, Secret
member = Member.objects.create(
    nir="2850275123456", last_name="Lefèvre", first_names="Hélène",
    birth_date=datetime.date(1985, 2, 14), address="17 rue de l'Église",
    postcode="69003", city="Lyon", email="helene@exemple.test",
)
for n in range(COUNT):
    expires_at = timezone.now() + datetime.timedelta(hours=24)
    context = {"member": member, "secret": Secret(f"MK4T {n:04d}", f"test:{n}", expires_at),
               "reason": "first", "expires_at": expires_at}
    Email.objects.queue(f"personne{n}@exemple.test", "code", context, member=member)
"""


def manage(*args, env, **options):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        **options,
    )


@pytest.fixture
def workplace(tmp_path):
    """A freshly migrated database and an SMTP server to point workers at."""
    with own_database(tmp_path) as database_url:
        place = Workplace(tmp_path, database_url)
        manage("migrate", "--no-input", env=place.base_env())
        yield place


class Workplace:
    def __init__(self, folder, database_url):
        self.folder = folder
        self.database_url = database_url
        self.workers = []
        self.server = None
        # Seconds a worker owns an e-mail. Short where a test waits for a lease
        # to run out; otherwise long, so that a worker slowed down by a loaded
        # machine never sees its e-mail taken and sent again by another.
        self.lease = 600

    def base_env(self):
        env = {**os.environ, "DATABASE_URL": self.database_url, "ASSURE_VAR_DIR": str(self.folder)}
        env.pop("DJANGO_SETTINGS_MODULE", None)
        return env

    def env(self):
        return {
            **self.base_env(),
            "EMAIL_URL": f"smtp://127.0.0.1:{self.server.port}",
            "ASSURE_WORKER_LEASE": str(self.lease),
            "PYTHONUNBUFFERED": "1",
        }

    def queue(self, count):
        manage("shell", "-c", QUEUE_SCRIPT.replace("COUNT", str(count)), env=self.env())

    def start_worker(self):
        log = open(self.folder / f"worker-{len(self.workers)}.log", "w")
        worker = subprocess.Popen(
            [sys.executable, "manage.py", "worker", "--interval", "0.2"],
            cwd=ROOT,
            env=self.env(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        worker.log_path = Path(log.name)
        log.close()
        self.workers.append(worker)
        return worker

    def rows(self):
        return query(
            self.database_url, "SELECT id, attempts, sent_at FROM outbox_email ORDER BY id"
        )

    def wait_until_all_sent(self, timeout=180):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(sent_at for _, _, sent_at in self.rows()):
                return
            time.sleep(0.2)
        logs = "\n".join(w.log_path.read_text() for w in self.workers)
        raise AssertionError(f"e-mails still pending after {timeout} s:\n{logs}")

    def stop(self):
        for worker in self.workers:
            if worker.poll() is None:
                worker.kill()
                worker.wait()
        if self.server:
            self.server.stop()


@pytest.fixture
def place(workplace):
    yield workplace
    workplace.stop()


def stop_gracefully(worker):
    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0, worker.log_path.read_text()


def test_an_email_survives_a_worker_killed_while_sending(place):
    place.lease = 2  # the second worker takes the e-mail over once the lease runs out
    place.server = SMTPServer(stall_first=1, stall_seconds=60).start()
    place.queue(1)
    first = place.start_worker()
    assert place.server.handler.stalled.wait(timeout=120), first.log_path.read_text()

    first.send_signal(signal.SIGKILL)  # kill -9 in the middle of the SMTP transaction
    first.wait(timeout=10)
    [(_, attempts, sent_at)] = place.rows()
    assert (attempts, sent_at) == (1, None)

    second = place.start_worker()
    place.wait_until_all_sent()
    stop_gracefully(second)

    [message] = place.server.messages
    assert message["To"] == "personne0@exemple.test"
    assert "MK4T 0000" in message.get_body(("plain",)).get_content()
    [(_, attempts, _)] = place.rows()
    assert attempts == 2
    assert "envoyé, essai n° 2" in second.log_path.read_text()


def test_two_workers_side_by_side_send_each_email_exactly_once(place):
    place.server = SMTPServer(delay=0.05).start()
    place.queue(20)
    workers = [place.start_worker(), place.start_worker()]

    place.wait_until_all_sent()
    for worker in workers:
        stop_gracefully(worker)

    received = collections.Counter(m["To"] for m in place.server.messages)
    assert received == {f"personne{n}@exemple.test": 1 for n in range(20)}
    assert {attempts for _, attempts, _ in place.rows()} == {1}
    logs = "".join(w.log_path.read_text() for w in workers)
    assert logs.count("envoyé, essai n° 1.") == 20
