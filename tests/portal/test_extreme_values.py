"""Extreme values in every field of every form, one field at a time: a French
message, never a server error (a day of 2147483648 once raised OverflowError)."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD
from tests.directory.test_views import directory  # noqa: F401  (fixture)
from tests.geography.test_forms import communes  # noqa: F401  (fixture)
from tests.portal.test_maxlength import MEMBER, PUBLIC

EXTREMES = [
    "2147483648",
    "-2147483649",
    "9" * 400,
    "1e309",
    "NaN",
    "-0",
    "\x00",
    "１２",  # full-width digits
    "𝟙𝟚",  # mathematical digits
    "\u202e31",  # right-to-left override
    "{{ 7*7 }}",
    "' OR 1=1 --",
]


def main_form(html):
    """The page's main form (the one with the most fields: member pages also
    hold the sign-out form), as a match: [0] the whole form, [1] its inside."""
    forms = re.finditer(r"<form\b[^>]*>(.*?)</form>", html, re.S | re.I)
    return max(forms, key=lambda form: form[1].count('name="'))


def sent_to(html, url):
    """The URL the page's main form is sent to (the page's own `url` when it has no action)."""
    action = re.search(r'action="([^"]*)"', re.match(r"<form\b[^>]*>", main_form(html)[0])[0])
    return action[1] if action else url


def fields(html):
    """(method, {field: plausible value}) of the page's main form."""
    form = main_form(html)
    method = re.search(r'method="([^"]+)"', form[0])[1].lower()
    names = {name: plausible(name) for name in re.findall(r'name="([^"]+)"', form[1])}
    names.pop("csrfmiddlewaretoken", None)
    return method, names


def plausible(name):
    """A date's other boxes hold a real date, so that the extreme one is read."""
    return {"_0": "3", "_1": "12", "_2": "1984"}.get(name[-2:], "")


def hammer(client, name):
    html = client.get(reverse(name)).content.decode()
    url = sent_to(html, reverse(name))
    method, names = fields(html)
    for field in names:
        for value in EXTREMES:
            data = {**names, field: value}
            response = client.get(url, data) if method == "get" else client.post(url, data)
            assert response.status_code < 500, (name, field, value)
            if response.status_code == 200 and method == "post":
                assert "Il y a un problème" in response.content.decode(), (name, field, value)


@pytest.mark.parametrize("name", PUBLIC)
def test_public_forms(client, db, directory, name):  # noqa: F811
    hammer(client, name)


@pytest.mark.parametrize("name", MEMBER)
def test_member_forms(client, claire, name):
    client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    hammer(client, name)
