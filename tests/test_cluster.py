"""The portal on two servers behind HAProxy, with one PostgreSQL, Redis and two
workers (scripts/cluster): what holds on one server holds across both."""

import html
import re
import urllib.request

import pytest

from tests.processes import Browserless, cluster_script, count, make_members, query, running_cluster
from tests.smtp import SMTPServer

pytestmark = pytest.mark.postgres

PASSWORD = "Velo a 2 roues jaunes"


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cluster")
    smtp = SMTPServer().start()
    with running_cluster(folder, smtp) as running:
        members = make_members(running.env, PASSWORD)
        running.members = {"active": members["active"][0], "new": members["new"][0]}
        yield running
    smtp.stop()


def served_by(url):
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.headers["X-Assure-Server"]


def test_requests_alternate_between_the_two_servers(cluster):
    assert {served_by(cluster.url + "/") for _ in range(4)} == {"app1", "app2"}


def test_a_session_started_on_one_server_is_valid_on_the_other(cluster):
    member = Browserless()
    url, _ = member.submit(
        f"{cluster.url}/connexion/", {"nir": cluster.members["active"], "secret": PASSWORD}
    )
    assert url.endswith("/accueil/")
    servers = set()
    for _ in range(4):
        request = urllib.request.Request(f"{cluster.url}/accueil/")
        with member.opener.open(request, timeout=30) as response:
            assert response.geturl().endswith("/accueil/")  # not sent back to sign in
            assert "Bonjour" in response.read().decode()
            servers.add(response.headers["X-Assure-Server"])
    assert servers == {"app1", "app2"}


def test_failures_on_both_servers_add_up_to_the_lock(cluster):
    attacker = Browserless()
    nir = cluster.members["active"]
    for attempt in range(6):
        _, page = attacker.submit(
            f"{cluster.url}/connexion/", {"nir": nir, "secret": f"x{attempt}"}
        )
    assert "bloqué jusqu'à" in html.unescape(page)
    count_failed = "SELECT count(*) FROM accounts_securityevent WHERE kind = 'sign_in_failed'"
    assert count(cluster.database_url, count_failed) == 6


def test_the_client_address_is_the_one_haproxy_saw_whatever_the_header(cluster):
    client = Browserless()
    client.opener.addheaders = [("X-Forwarded-For", "198.51.100.77")]
    client.submit(f"{cluster.url}/connexion/", {"nir": "1841276451089", "secret": "mauvais1"})
    [(ip,)] = query(
        cluster.database_url,
        "SELECT ip FROM accounts_securityevent WHERE nir = '1841276451089' ORDER BY id DESC",
    )
    assert str(ip) == "127.0.0.1"


def test_the_daily_code_quota_holds_across_both_servers_and_each_email_leaves_once(cluster):
    pending = "SELECT count(*) FROM outbox_email WHERE sent_at IS NULL AND abandoned_at IS NULL"
    for _ in range(5):  # alternating servers; each e-mail given time to leave
        Browserless().submit(f"{cluster.url}/demande-de-code/", cluster.members["new"])
        cluster_script().wait_for(
            lambda: count(cluster.database_url, pending) == 0, "the workers", cluster.workers[0]
        )
    assert count(cluster.database_url, "SELECT count(*) FROM accounts_provisionalcode") == 3

    codes = [m for m in cluster.smtp.messages if m["To"] == "nouveau0@exemple.test"]
    assert len(codes) == 3
    assert len({m["Message-ID"] for m in codes}) == 3  # each e-mail once, by one of two workers
    for message in codes:
        assert re.search(r"\b[A-Z0-9]{4} [A-Z0-9]{4}\b", message.get_body(("plain",)).get_content())
