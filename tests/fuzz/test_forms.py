"""Every field of every form (tests/fuzz/test_pages.py checks that FORMS is
every form of every page): arbitrary text, unknown, repeated and missing
fields never give a server error nor a traceback in the log, and an invalid
form comes back with its French error summary."""

import logging

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import PASSWORD
from tests.directory.test_views import directory  # noqa: F401  (fixture)
from tests.fuzz.pages import after_the_step_before, visit
from tests.fuzz.strategies import nasty_text
from tests.geography.test_forms import communes  # noqa: F401  (fixture)
from tests.portal.test_extreme_values import fields, sent_to
from tests.portal.test_maxlength import MEMBER, PUBLIC

# The forms test_maxlength's lists cannot hold: they need an object or the
# step before them, or hold no box (a button). {url name: the page showing
# the form}; a button's POST does what it says, so it gets no error summary.
WITH_A_STEP = ["accounts:choose_password"]
BUTTONS = {
    "attestations:rights": "attestations:index",
    "attestations:revoke": "attestations:revoke",
    "information:confirm_email": "information:confirm_email",
    "accounts:sign_out": "accounts:sign_out",
}
FORMS = [*PUBLIC, *MEMBER, *WITH_A_STEP, *BUTTONS]


def fuzz(client, caplog, url, action=None, summary=True, before=lambda: None):
    """`action` (where the page's main form goes by default) sent the form with
    arbitrary values, unknown fields, a field repeated, another missing;
    `before()` before each."""
    html = client.get(url).content.decode()
    action = action or sent_to(html, url)
    method, names = fields(html)
    keys = st.sampled_from(sorted(names) + ["x" * 300, "\x00"])

    @given(st.dictionaries(keys, nasty_text, min_size=1), st.data())
    def run(values, data):
        payload = {**names, **values}
        if data.draw(st.booleans()):  # a parameter repeated, another missing
            field = data.draw(st.sampled_from(sorted(payload)))
            payload[field] = [payload[field], data.draw(nasty_text)]
            payload.pop(data.draw(st.sampled_from(sorted(payload))), None)
        before()
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            if method == "get":
                response = client.get(action, payload)
            else:
                response = client.post(action, payload)
        assert response.status_code < 500, (action, payload)
        assert not [record for record in caplog.records if record.exc_info], (action, payload)
        # An empty POST is an unbound form: the page shown again, no summary.
        if summary and response.status_code == 200 and method == "post" and payload:
            assert "Il y a un problème" in response.content.decode(), (action, payload)

    run()


@pytest.mark.parametrize("name", PUBLIC)
def test_public_forms(client, db, directory, caplog, name):  # noqa: F811
    fuzz(client, caplog, reverse(name))


@pytest.mark.parametrize("name", MEMBER)
def test_member_forms(client, claire, caplog, name):
    client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    fuzz(client, caplog, reverse(name))


@pytest.mark.parametrize("name", WITH_A_STEP)
def test_forms_after_a_step(client, claire, pages, caplog, name):
    url, signed_in = pages[name]
    visit(client, claire, signed_in)
    # The step again before each example: a password accepted ends it.
    fuzz(client, caplog, url, before=lambda: after_the_step_before(client, claire))


@pytest.mark.parametrize("name", sorted(BUTTONS))
def test_buttons(client, claire, pages, caplog, name):
    url, signed_in = pages[BUTTONS[name]]
    visit(client, claire, signed_in)
    fuzz(client, caplog, url, action=pages[name][0], summary=False)
