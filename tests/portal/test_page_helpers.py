"""The page helpers of assure/portal/pages.py that the apps' pages share."""

import re

import pytest
from django.core.paginator import Paginator
from django.http import QueryDict
from django.urls import reverse

from assure.portal.pages import kept_query, pagination, url_of_each


@pytest.mark.parametrize("pk", [1, 7, 12345, 9876543210])
def test_url_of_each_gives_what_reverse_gives(pk):
    assert url_of_each("payments:detail")(pk) == reverse("payments:detail", args=[pk])
    assert url_of_each("directory:detail")(pk) == reverse("directory:detail", args=[pk])


def test_url_of_each_writes_only_integers():
    with pytest.raises(ValueError):
        url_of_each("payments:detail")("1/../")


def test_kept_query_drops_empty_values_and_the_keys_asked():
    query = QueryDict("start_0=&nature=care&beneficiary=self&page=2")

    assert kept_query(query) == "?nature=care&beneficiary=self&page=2"
    assert kept_query(query, drop=("page",)) == "?nature=care&beneficiary=self"
    assert kept_query(QueryDict("page=2"), drop=("page",)) == ""


def test_pagination_links_keep_the_query_and_leave_pages_out():
    page = Paginator(range(200), 20).page(5)

    links = pagination(page, "/liste/", "?nature=care")

    items = re.findall(r"<li[^>]*>(.*?)</li>", links["items"])
    assert [re.sub("<[^>]+>", "", item) for item in items] == [
        "1", "&ctdot;", "4", "5", "6", "&ctdot;", "10"
    ]  # fmt: skip
    assert 'href="/liste/?nature=care" aria-label="Page 1"' in items[0]
    assert 'href="/liste/?nature=care&amp;page=4" aria-label="Page 4"' in items[2]
    assert [item for item in items if 'aria-current="page"' in item] == [items[3]]
    assert links["previous_url"] == "/liste/?nature=care&page=4"
    assert links["next_url"] == "/liste/?nature=care&page=6"
    assert pagination(Paginator(range(5), 20).page(1), "/liste/")["next_url"] == ""
