"""Every box a member types into says how much it takes (maxlength), and the
server accepts that much: nothing typed in a form reaches a limit of the HTTP
server before the form's own French message."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.directory.test_views import directory  # noqa: F401  (fixture)
from tests.geography.test_forms import communes  # noqa: F401  (fixture)

TYPED = {"text", "search", "email", "password", "tel", "url"}
PUBLIC = [
    "accounts:sign_in",
    "accounts:request_code",
    "accounts:forgotten_code",
    "attestations:verify",
    "directory:search",
    "places:search",
]
MEMBER = [
    "payments:filters",
    "attestations:daily_allowances",
    "information:address",
    "information:phone",
    "information:email",
    "accounts:change_password",
    "accounts:not_me",
    "accounts:close_account",
]
# gunicorn refuses a request line over 4,094 bytes with its own page: a GET
# form filled to every maxlength, percent-encoded, must stay well below.
REQUEST_LINE_LIMIT = 4094


def typed_inputs(html):
    for tag in re.findall(r"<input\b[^>]*>", html):
        kind = re.search(r'type="([^"]+)"', tag)
        if (kind[1] if kind else "text") in TYPED:
            yield tag


def check(client, name):
    html = client.get(reverse(name)).content.decode()
    inputs = list(typed_inputs(html))
    assert inputs, f"{name}: no box found"
    lengths = {}
    for tag in inputs:
        field = re.search(r'name="([^"]+)"', tag)[1]
        maxlength = re.search(r'maxlength="(\d+)"', tag)
        assert maxlength, f"{name}: {field} has no maxlength"
        lengths[field] = int(maxlength[1])
    return html, lengths


@pytest.mark.parametrize("name", PUBLIC)
def test_every_public_box_has_a_maxlength(client, db, directory, name):  # noqa: F811
    html, lengths = check(client, name)
    if 'method="get"' in html.lower():
        # Worst case: every character percent-encoded as a 3-byte UTF-8 letter.
        worst = sum(len(field) + 1 + 9 * length + 1 for field, length in lengths.items())
        assert worst + 200 < REQUEST_LINE_LIMIT, (name, worst)


@pytest.mark.parametrize("name", MEMBER)
def test_every_member_box_has_a_maxlength(client, claire, name):
    client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    html, lengths = check(client, name)
    if 'method="get"' in html.lower():
        worst = sum(len(field) + 1 + 9 * length + 1 for field, length in lengths.items())
        assert worst + 200 < REQUEST_LINE_LIMIT, (name, worst)
