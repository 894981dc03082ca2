"""Every field of every form, and the GET parameters: arbitrary text never gives
a server error nor a traceback in the log, and an invalid form comes back with
its French error summary."""

import logging

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tests.directory.test_views import directory  # noqa: F401  (fixture)
from tests.fuzz.strategies import nasty_text
from tests.geography.test_forms import communes  # noqa: F401  (fixture)
from tests.portal.test_extreme_values import fields
from tests.portal.test_maxlength import MEMBER, PUBLIC


def fuzz(client, caplog, name):
    url = reverse(name)
    method, names = fields(client.get(url).content.decode())

    @given(st.dictionaries(st.sampled_from(sorted(names)), nasty_text, min_size=1), st.data())
    def run(values, data):
        payload = {**names, **values}
        if data.draw(st.booleans()):  # a parameter repeated, another missing
            field = data.draw(st.sampled_from(sorted(payload)))
            payload[field] = [payload[field], data.draw(nasty_text)]
            payload.pop(data.draw(st.sampled_from(sorted(payload))), None)
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            if method == "get":
                response = client.get(url, payload)
            else:
                response = client.post(url, payload)
        assert response.status_code < 500, (name, payload)
        assert not [record for record in caplog.records if record.exc_info], (name, payload)
        # An empty POST is an unbound form: the page shown again, no summary.
        if response.status_code == 200 and method == "post" and payload:
            assert "Il y a un problème" in response.content.decode(), (name, payload)

    run()


@pytest.mark.parametrize("name", PUBLIC)
def test_public_forms(client, db, directory, caplog, name):  # noqa: F811
    fuzz(client, caplog, name)


@pytest.mark.parametrize("name", MEMBER)
def test_member_forms(client, claire, caplog, name):
    client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    fuzz(client, caplog, name)


# The GET parameters read by views outside their forms (grep request.GET).
PARAMETERS = ["page", "jeton"]


def query(client, caplog, name):
    url = reverse(name)
    keys = st.sampled_from(PARAMETERS + ["x" * 300, "\x00", "page[]"])
    values = st.lists(nasty_text, min_size=1, max_size=3)

    @given(st.dictionaries(keys, values, max_size=3))
    def run(params):
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            response = client.get(url, params)
        assert response.status_code < 500, (name, params)
        assert not [record for record in caplog.records if record.exc_info], (name, params)

    run()


@pytest.mark.parametrize("name", ["attestations:verify", "directory:search", "places:search"])
def test_public_query_strings(client, db, directory, caplog, name):  # noqa: F811
    query(client, caplog, name)


@pytest.mark.parametrize("name", ["attestations:index", "payments:filters"])
def test_member_query_strings(client, claire, caplog, name):
    client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    query(client, caplog, name)
