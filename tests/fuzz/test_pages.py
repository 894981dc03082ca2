"""Every page of the portal (tests/fuzz/pages.py): its forms are all fuzzed
(tests/fuzz/test_forms.py), and arbitrary query strings (repeated keys, NUL,
300-character keys, nasty values) never give a server error nor a traceback
in the log."""

import logging
import re
from urllib.parse import urlsplit

import pytest
from django.urls import resolve
from hypothesis import given
from hypothesis import strategies as st

from tests.directory.test_views import directory  # noqa: F401  (fixture)
from tests.fuzz.pages import url_names, visit
from tests.fuzz.strategies import nasty_text
from tests.fuzz.test_forms import BUTTONS, FORMS
from tests.geography.test_forms import communes  # noqa: F401  (fixture)
from tests.portal.test_extreme_values import fields, sent_to

# The GET parameters the views read outside their forms (grep request.GET),
# and the filters a search or list passes on to its detail pages.
PARAMETERS = ["page", "jeton", "next"]
PASSED_ON = {
    "payments:detail": "payments:filters",
    "payments:index": "payments:filters",
    "directory:detail": "directory:search",
    "places:detail": "places:search",
}


def test_every_url_is_a_page_of_the_list(pages):
    assert sorted(pages) == sorted(set(url_names()))


def forms_of(html, url):
    """The url name each form of the page is sent to."""
    for tag in re.findall(r"<form\b[^>]*>", html):
        action = re.search(r'action="([^"]*)"', tag)
        yield view_name(action[1] if action else url)


def view_name(url):
    return resolve(urlsplit(url).path).view_name


def test_every_form_of_every_page_is_fuzzed(client, claire, pages):
    found, fuzzed = {}, set(BUTTONS)
    for signed_in in (False, True):
        visit(client, claire, signed_in)
        for name, (url, member_page) in pages.items():
            response = client.get(url)
            shown = response.status_code == 200 and "html" in response["Content-Type"]
            if member_page != signed_in or not shown:
                continue
            html = response.content.decode()
            for form in forms_of(html, url):
                found.setdefault(form, name)
            if name in FORMS:
                fuzzed.add(view_name(sent_to(html, url)))
    assert "payments:index" in fuzzed and "accounts:sign_out" in found
    unfuzzed = {form: page for form, page in found.items() if form not in fuzzed}
    assert not unfuzzed, (
        f"forms (and a page showing each) not in tests/fuzz/test_forms.py: {unfuzzed}"
    )


@pytest.mark.parametrize("name", sorted(set(url_names())))
def test_any_query_string(client, claire, pages, caplog, name):
    url, signed_in = pages[name]
    visit(client, claire, signed_in)
    plain = client.get(url)
    assert plain.status_code in (200, 302) and "connexion" not in plain.get("Location", ""), name
    names = list(PARAMETERS)
    if name in PASSED_ON:
        names += sorted(fields(client.get(pages[PASSED_ON[name]][0]).content.decode())[1])
    keys = st.one_of(st.sampled_from([*names, "x" * 300, "\x00", "page[]"]), nasty_text)
    values = st.lists(nasty_text, min_size=1, max_size=3)

    @given(st.dictionaries(keys, values, max_size=4))
    def run(params):
        caplog.clear()
        with caplog.at_level(logging.ERROR):
            response = client.get(url, params)
        assert response.status_code < 500, (name, params)
        assert not [record for record in caplog.records if record.exc_info], (name, params)

    run()
