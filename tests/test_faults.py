"""Faults under load on the production layout (scripts/cluster: HAProxy, two
`assure serve`, PostgreSQL, Redis, two `assure worker`), as a fund meets them:
an app server dies while members sign in and browse, a worker dies while
sending, the SMTP server is down for a while, PostgreSQL restarts (issue 12 §2).

Each test prints what it measured (run with -s to see it)."""

import collections
import signal
import threading
import time
from dataclasses import dataclass

import pytest

from tests.processes import (
    Browserless,
    assure,
    count,
    make_members,
    portal_env,
    postgres_server,
    process_connected_from,
    query,
    refuses_connections,
    running_cluster,
    serving,
    wait_for,
)
from tests.smtp import SMTPServer

pytestmark = pytest.mark.postgres

PASSWORD = "Velo a 2 roues jaunes"
CODE_SENT = "Votre code provisoire est envoyé"
PENDING = "SELECT count(*) FROM outbox_email WHERE sent_at IS NULL AND abandoned_at IS NULL"


@pytest.fixture
def smtp():
    server = SMTPServer()
    yield server
    server.stop()


@dataclass
class Step:
    member: int  # which member (thread) took it
    what: str
    started: float
    ok: bool = False
    server: str = ""
    error: str = ""


class Members:
    """Members using the portal through HAProxy, one thread each, doing what
    writes: sign in (a SecurityEvent and a session row), read « Accueil » and
    « Mes paiements », ask « Je demande un code » for a newcomer (a code, its
    e-mail and a SecurityEvent in one transaction). Every step is recorded
    with when it started and whether the member saw it succeed."""

    def __init__(self, cluster, nirs, newcomers):
        self.url = cluster.url
        self.steps = []
        self.sessions = set()  # keys of the sessions the members saw open
        self.acknowledged = []  # NIRs whose code request was answered « envoyé »
        self.stopping = threading.Event()
        self.threads = [
            threading.Thread(target=self.visit, args=(n, nir, newcomers[n :: len(nirs)]))
            for n, nir in enumerate(nirs)
        ]

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(timeout=120)

    def visit(self, n, nir, newcomers):
        for newcomer in newcomers:
            if self.stopping.is_set():
                return
            member = Browserless()
            if self.step(n, "sign-in", member, self.sign_in, nir):
                self.sessions.add(member.session_key())
                self.step(n, "accueil", member, self.shows, "/accueil/", "Bonjour")
                self.step(n, "paiements", member, self.shows, "/mes-paiements/", "Mes paiements")
            if self.step(n, "code", Browserless(), self.request_code, newcomer):
                self.acknowledged.append(newcomer["nir"])

    def sign_in(self, member, nir):
        url, page = member.submit(f"{self.url}/connexion/", {"nir": nir, "secret": PASSWORD})
        return url.endswith("/accueil/") and "Bonjour" in page

    def shows(self, member, path, text):
        return text in member.get(self.url + path)

    def request_code(self, visitor, newcomer):
        _, page = visitor.submit(f"{self.url}/demande-de-code/", newcomer)
        return CODE_SENT in page

    def step(self, n, what, client, action, *args):
        step = Step(n, what, time.monotonic())
        self.steps.append(step)
        try:
            step.ok = action(client, *args)
            step.server = client.headers["X-Assure-Server"]
        except Exception as error:  # noqa: BLE001 (HAProxy's 502, a reset, a refusal…)
            step.error = repr(error)
        return step.ok

    def done_since(self, moment, steps_each):
        """Has every member completed `steps_each` steps started after `moment`?"""
        done = collections.Counter(
            s.member for s in self.steps if s.started > moment and (s.ok or s.error)
        )
        return all(done[n] >= steps_each for n in range(len(self.threads)))


def test_an_app_server_killed_under_load_loses_no_write(tmp_path, smtp):
    smtp.start()
    with running_cluster(tmp_path, smtp, ASSURE_CLIENT_REQUESTS_PER_HOUR=100_000) as cluster:
        people = make_members(cluster.env, PASSWORD, active=4, new=400)
        _, app1_port = cluster.servers["app1"]
        haproxy_log = cluster.folder / "haproxy.log"
        before = table_counts(cluster)

        with Members(cluster, people["active"], people["new"]) as members:
            wait_for(lambda: members.done_since(0, steps_each=4), "members busy on both servers")
            killed_at = time.monotonic()
            cluster.kill_server("app1")  # kill -9 of gunicorn's master and workers
            wait_for(lambda: refuses_connections(app1_port), "app1's port closed")
            closed_at = time.monotonic()
            wait_for(lambda: "app1 is DOWN" in haproxy_log.read_text(), "HAProxy noticing")
            noticed_at = time.monotonic()
            wait_for(lambda: members.done_since(closed_at, steps_each=8), "members going on")

        steps = members.steps
        failed = [s for s in steps if not s.ok]
        late = [s for s in failed if s.started > closed_at]
        summary = (
            f"{len(steps)} steps by {len(members.threads)} members, {len(failed)} failed "
            f"(in flight on app1 when it died); app1's port refused connections "
            f"{closed_at - killed_at:.2f} s after the kill; HAProxy took it out after "
            f"{noticed_at - killed_at:.2f} s"
        )
        print(summary)
        assert {s.server for s in steps if s.ok and s.started < killed_at} == {"app1", "app2"}
        assert not late, f"{summary}; failed after app1 was gone: {late}"
        assert {s.server for s in steps if s.started > closed_at} == {"app2"}, summary

        # Nothing lost: every write a member saw succeed is there.
        after = table_counts(cluster)
        new = {table: after[table] - before[table] for table in after}
        sign_ins = [s for s in steps if s.what == "sign-in"]
        seen = sum(s.ok for s in sign_ins)
        assert seen <= new["sign_in"] <= len(sign_ins), summary
        sessions = {
            key for (key,) in query(cluster.database_url, "SELECT session_key FROM django_session")
        }
        assert members.sessions <= sessions

        # Nothing half-done: each code with its e-mail and its event, each
        # acknowledged request with exactly one code, no code nobody asked for.
        codes = dict(query(cluster.database_url, CODES_BY_NIR))
        requests = [s for s in steps if s.what == "code"]
        assert set(members.acknowledged) <= set(codes)
        assert all(n == 1 for n in codes.values())
        assert len(members.acknowledged) <= len(codes) <= len(requests)
        assert new["code"] == new["code_email"] == new["code_issued"] == len(codes)
        assert count(cluster.database_url, CODES_WITHOUT_EMAIL) == 0
        assert count(cluster.database_url, EMAILS_WITHOUT_CODE) == 0
        print(
            f"{seen} sign-ins seen, {new['sign_in']} recorded; {len(members.acknowledged)} codes "
            f"acknowledged, {len(codes)} issued, each with its e-mail"
        )


def table_counts(cluster):
    [row] = query(
        cluster.database_url,
        """SELECT
            (SELECT count(*) FROM accounts_securityevent WHERE kind = 'sign_in'),
            (SELECT count(*) FROM accounts_securityevent WHERE kind = 'code_issued'),
            (SELECT count(*) FROM accounts_provisionalcode),
            (SELECT count(*) FROM outbox_email WHERE template = 'code')""",
    )
    return dict(zip(["sign_in", "code_issued", "code", "code_email"], row, strict=True))


CODES_BY_NIR = """
SELECT m.nir, count(*) FROM accounts_provisionalcode c
JOIN members_member m ON m.id = c.member_id GROUP BY m.nir"""
CODES_WITHOUT_EMAIL = """
SELECT count(*) FROM accounts_provisionalcode c
LEFT JOIN outbox_email e ON e.secret_ref = 'provisional-code:' || c.id WHERE e.id IS NULL"""
EMAILS_WITHOUT_CODE = """
SELECT count(*) FROM outbox_email e
LEFT JOIN accounts_provisionalcode c ON e.secret_ref = 'provisional-code:' || c.id
WHERE c.id IS NULL"""


def request_codes(cluster, count):
    """« Je demande un code » for `count` newcomers through HAProxy (round
    robin: both servers queue e-mails); returns their e-mail addresses."""
    newcomers = make_members(cluster.env, PASSWORD, active=0, new=count)["new"]
    for newcomer in newcomers:
        _, page = Browserless().submit(f"{cluster.url}/demande-de-code/", newcomer)
        assert CODE_SENT in page
    return {f"nouveau{n}@exemple.test" for n in range(count)}


def message_ids(cluster):
    return {
        f"<outbox.{pk}.{created}@assure.invalid>"
        for pk, created in query(
            cluster.database_url,
            "SELECT id, floor(extract(epoch FROM created_at))::bigint FROM outbox_email",
        )
    }


def test_a_worker_killed_mid_send_loses_no_email(tmp_path):
    smtp = SMTPServer(stall_first=1, stall_seconds=120).start()
    # A short lease: the killed worker's e-mail is due again 5 s later. A
    # worker slower than that on a loaded machine would see its e-mail sent
    # again by the other: duplicates are possible, counted and bounded.
    try:
        with running_cluster(tmp_path, smtp, ASSURE_WORKER_LEASE=5) as cluster:
            addresses = request_codes(cluster, 6)
            assert smtp.handler.stalled.wait(timeout=120)
            workers = {w.pid: w for w in cluster.workers}
            pid = process_connected_from(workers, smtp.handler.stalled_peer[1])
            killed = workers[pid]
            killed.send_signal(signal.SIGKILL)  # kill -9 inside the SMTP transaction
            killed.wait(timeout=30)
            smtp.release()

            wait_for(lambda: count(cluster.database_url, PENDING) == 0, "every e-mail sent")
            ids = message_ids(cluster)
            retried = count(
                cluster.database_url, "SELECT count(*) FROM outbox_email WHERE attempts > 1"
            )
    finally:
        smtp.stop()

    received = [m["Message-ID"] for m in smtp.messages]
    duplicates = len(received) - len(set(received))
    print(
        f"{len(ids)} e-mails, {len(received)} delivered, {duplicates} duplicates, "
        f"{retried} sent again after the lease of the killed worker ran out"
    )
    assert retried >= 1  # the killed worker's e-mail, taken over by the other
    assert set(received) == ids
    assert {m["To"] for m in smtp.messages} == addresses
    assert duplicates <= len(workers)


# The outbox retries a refused e-mail 1 minute later, then 2, 4… minutes
# (assure/outbox/models.py, backoff; no setting shortens it). The SMTP server
# stays down 45 s from the first e-mail queued, not a full minute: every
# e-mail is refused meanwhile, and the retry a minute after each refusal
# finds the server back, so the test lasts about a minute. Down a minute or
# more, each e-mail would wait 2 minutes more (and so would the suite).
SMTP_OUTAGE_SECONDS = 45


def test_emails_queued_while_the_smtp_server_is_down_all_leave_once_it_is_back(tmp_path, smtp):
    refused = (
        "SELECT count(*) FROM outbox_email "
        "WHERE sent_at IS NULL AND attempts >= 1 AND last_error LIKE 'ConnectionRefused%'"
    )
    with running_cluster(tmp_path, smtp) as cluster:  # smtp bound, not started: refusing
        first_queued = time.monotonic()
        addresses = request_codes(cluster, 6)
        wait_for(lambda: count(cluster.database_url, refused) == 6, "every e-mail refused")
        time.sleep(first_queued + SMTP_OUTAGE_SECONDS - time.monotonic())  # the outage itself
        smtp.start()
        back_at = time.monotonic()
        wait_for(lambda: count(cluster.database_url, PENDING) == 0, "every e-mail sent", 300)
        all_sent_at = time.monotonic()
        ids = message_ids(cluster)
        [(abandoned, max_attempts)] = query(
            cluster.database_url, "SELECT count(abandoned_at), max(attempts) FROM outbox_email"
        )

    print(
        f"SMTP down {back_at - first_queued:.0f} s from the first e-mail queued; all "
        f"{len(ids)} delivered {all_sent_at - back_at:.0f} s after it came back"
    )
    assert sorted(m["Message-ID"] for m in smtp.messages) == sorted(ids)  # each exactly once
    assert {m["To"] for m in smtp.messages} == addresses
    assert abandoned == 0
    assert max_attempts == 2  # refused once, sent at the first retry


def test_while_postgresql_restarts_members_get_the_french_503_and_the_portal_recovers(tmp_path):
    log = tmp_path / "serve.log"
    with postgres_server() as postgres:
        env = portal_env(tmp_path, postgres.url)
        assure(env, "migrate", "-v0")
        [nir] = make_members(env, PASSWORD, active=1, new=0)["active"]
        with serving(env, workers=2, log=log) as url:
            member = Browserless()
            signed_in, _ = member.submit(f"{url}/connexion/", {"nir": nir, "secret": PASSWORD})
            assert signed_in.endswith("/accueil/")
            visitor = Browserless()
            token = visitor.form_token(f"{url}/connexion/")

            postgres.stop()  # immediate: as a crash, every connection cut
            stopped_at = time.monotonic()
            pages = [member.answer(url + page) for page in ("/accueil/", "/mes-paiements/") * 2]
            sign_in = {"csrfmiddlewaretoken": token, "nir": nir, "secret": PASSWORD}
            pages.append(visitor.answer(f"{url}/connexion/", sign_in))  # someone else signing in
            for status, headers, page in pages:
                assert status == 503
                assert headers["Retry-After"] == "60"
                assert "Service momentanément indisponible" in page
                assert "Réessayez dans quelques minutes." in page

            postgres.start()  # the same port; assure serve is not restarted
            started_at = time.monotonic()
            wait_for(lambda: member.answer(f"{url}/accueil/")[0] == 200, "the portal back")
            recovered_at = time.monotonic()
            status, _, page = member.answer(f"{url}/mes-paiements/")
            assert status == 200 and "Mes paiements" in page

    print(
        f"PostgreSQL down {started_at - stopped_at:.1f} s; the same session works again "
        f"{recovered_at - started_at:.1f} s after it started"
    )
    text = log.read_text()
    assert "Traceback" not in text
    assert text.count("Base de données indisponible") == len(pages)  # once per page
