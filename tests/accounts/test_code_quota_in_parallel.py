"""The daily code quota holds when one member's requests arrive all at once,
on two servers sharing the database (PostgreSQL in `make test`)."""

import json
import threading

import pytest

from tests.processes import Browserless, assure, own_database, portal_env, python, query, serving

PARALLEL = 10


@pytest.fixture
def member_on_two_servers(tmp_path):
    with own_database(tmp_path) as database_url:
        env = portal_env(tmp_path, database_url, ASSURE_CODES_PER_DAY=3)
        assure(env, "migrate", "-v0")
        identity = json.loads(
            python(
                env,
                """
import json
from tests.members.factories import MemberFactory
m = MemberFactory(email="quota@exemple.test")
print(json.dumps({
    "last_name": m.last_name, "first_name": m.first_name, "nir": m.nir,
    "birth_date_0": m.birth_date.day, "birth_date_1": m.birth_date.month,
    "birth_date_2": m.birth_date.year, "postcode": m.postcode,
}))
""",
            )
        )
        with serving(env, workers=3) as first, serving(env, workers=3) as second:
            yield database_url, identity, (first, second)


def test_ten_simultaneous_requests_issue_at_most_the_daily_quota(member_on_two_servers):
    database_url, identity, servers = member_on_two_servers
    # Each client has its form (and CSRF cookie) before they all submit at once.
    clients = [Browserless() for _ in range(PARALLEL)]
    forms = [f"{servers[i % 2]}/demande-de-code/" for i in range(PARALLEL)]
    tokens = [client.form_token(url) for client, url in zip(clients, forms, strict=True)]
    start = threading.Barrier(PARALLEL)
    pages = [None] * PARALLEL

    def submit(i):
        start.wait()
        pages[i] = clients[i].post(forms[i], {"csrfmiddlewaretoken": tokens[i], **identity})

    threads = [threading.Thread(target=submit, args=(i,)) for i in range(PARALLEL)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    [(codes,)] = query(database_url, "SELECT count(*) FROM accounts_provisionalcode")
    [(emails,)] = query(database_url, "SELECT count(*) FROM outbox_email WHERE template = 'code'")
    assert codes == emails == 3
    sent = [url for url, _ in pages if url.endswith("/demande-de-code/envoye/")]
    assert len(sent) == 3  # the others were told the day's codes are used up
