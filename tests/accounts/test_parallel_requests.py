"""One member's requests arriving all at once, on two servers sharing the
database (PostgreSQL in `make test`): the daily code quota holds, and a code
submitted twice is not a wrong guess."""

import json
import threading

import pytest

from tests.processes import Browserless, assure, own_database, portal_env, python, query, serving

PARALLEL = 10
MEMBER = """
import json
from tests.members.factories import MemberFactory
from assure.accounts.models import ProvisionalCode
m = MemberFactory(email="parallele@exemple.test")
code = ProvisionalCode.issue(m, ProvisionalCode.EMAIL, reason="first").clear_code
print(json.dumps({"code": code, "identity": {
    "last_name": m.last_name, "first_name": m.first_name, "nir": m.nir,
    "birth_date_0": m.birth_date.day, "birth_date_1": m.birth_date.month,
    "birth_date_2": m.birth_date.year, "postcode": m.postcode,
}}))
"""


@pytest.fixture
def two_servers(tmp_path):
    """(database URL, a member with a live code, the two servers' URLs)."""
    with own_database(tmp_path) as database_url:
        env = portal_env(tmp_path, database_url, ASSURE_CODES_PER_DAY=3)
        assure(env, "migrate", "-v0")
        member = json.loads(python(env, MEMBER))
        with serving(env, workers=3) as first, serving(env, workers=3) as second:
            yield database_url, member, (first, second)


def at_once(servers, path, data):
    """PARALLEL clients, each with its form (and CSRF cookie), submit `data`
    at the same instant, alternating servers; returns the final URLs."""
    clients = [Browserless() for _ in range(PARALLEL)]
    urls = [f"{servers[i % 2]}{path}" for i in range(PARALLEL)]
    tokens = [client.form_token(url) for client, url in zip(clients, urls, strict=True)]
    start = threading.Barrier(PARALLEL)
    landed = [None] * PARALLEL

    def submit(i):
        start.wait()
        landed[i] = clients[i].post(urls[i], {"csrfmiddlewaretoken": tokens[i], **data})

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return landed


def count(database_url, sql):
    [(n,)] = query(database_url, sql)
    return n


def test_ten_simultaneous_requests_issue_at_most_the_daily_quota(two_servers):
    database_url, member, servers = two_servers  # one code issued already

    landed = at_once(servers, "/demande-de-code/", member["identity"])

    assert count(database_url, "SELECT count(*) FROM accounts_provisionalcode") == 3
    assert count(database_url, "SELECT count(*) FROM outbox_email WHERE template = 'code'") == 3
    sent = [url for url, _ in landed if url.endswith("/demande-de-code/envoye/")]
    assert len(sent) == 2  # the others were told the day's codes are used up


def test_one_code_submitted_ten_times_at_once_is_no_wrong_guess(two_servers):
    database_url, member, servers = two_servers
    nir = member["identity"]["nir"]

    landed = at_once(servers, "/connexion/", {"nir": nir, "secret": member["code"]})

    opened = [url for url, _ in landed if url.endswith("/mot-de-passe/")]
    told = [page for url, page in landed if "Votre code a déjà été accepté" in page]
    assert (len(opened), len(told)) == (1, PARALLEL - 1)
    assert count(database_url, "SELECT count(*) FROM accounts_throttle") == 0
    failed = "SELECT count(*) FROM accounts_securityevent WHERE kind = 'sign_in_failed'"
    assert count(database_url, failed) == 0
