"""Sign-in counters hold across server processes: two `assure serve` share them."""

import html

import pytest

from tests.processes import Browserless, assure, own_database, portal_env, python, serving

PASSWORD = "Velo a 2 roues jaunes"


@pytest.fixture
def two_servers(tmp_path):
    with own_database(tmp_path) as database_url:
        env = portal_env(tmp_path, database_url)
        assure(env, "migrate", "-v0")
        nir = python(
            env,
            f"""
from tests.members.factories import MemberFactory
from assure.accounts.models import User
member = MemberFactory()
user = User(member=member, username=member.nir)
user.set_password({PASSWORD!r})
user.save()
print(member.nir)
""",
        ).strip()
        with serving(env) as first, serving(env) as second:
            yield nir, first, second


def test_failures_on_two_servers_add_up(two_servers):
    nir, first, second = two_servers
    client = Browserless()
    for attempt in range(6):
        server = (first, second)[attempt % 2]
        url, page = client.submit(f"{server}/connexion/", {"nir": nir, "secret": f"faux{attempt}"})
    assert "bloqué jusqu'à" in html.unescape(page)
    # Even the right password is refused, on either server.
    for server in (first, second):
        url, page = client.submit(f"{server}/connexion/", {"nir": nir, "secret": PASSWORD})
        assert url.endswith("/connexion/")
        assert "bloqué jusqu'à" in html.unescape(page)
