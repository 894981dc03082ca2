"""The client's address that counters count: X-Forwarded-For only from trusted proxies."""

import pytest
from django.test import RequestFactory

from assure.lib.client import client_ip


def address(remote, forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **headers))


@pytest.fixture
def proxies(settings):
    settings.ASSURE_TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.7"]


def test_without_trusted_proxies_the_header_is_ignored(settings):
    settings.ASSURE_TRUSTED_PROXIES = []
    assert address("203.0.113.5", "198.51.100.1") == "203.0.113.5"


def test_a_client_reaching_the_server_directly_cannot_choose_its_address(proxies):
    for rotated in ("198.51.100.1", "198.51.100.2", "10.0.0.1, 198.51.100.3"):
        assert address("203.0.113.5", rotated) == "203.0.113.5"


def test_behind_a_trusted_proxy_the_address_it_appended_is_the_client(proxies):
    assert address("10.0.0.2", "198.51.100.9") == "198.51.100.9"


def test_a_header_the_client_sent_through_the_proxy_does_not_count(proxies):
    # The proxy appends what it saw after what the client wrote.
    for forged in ("1.1.1.1", "1.1.1.2, 10.0.0.9", "garbage"):
        assert address("10.0.0.2", f"{forged}, 198.51.100.9") == "198.51.100.9"


def test_the_right_most_untrusted_address_is_taken_through_a_chain_of_proxies(proxies):
    assert address("10.0.0.2", "1.1.1.1, 198.51.100.9, 192.0.2.7, 10.0.0.3") == "198.51.100.9"


def test_a_header_a_proxy_could_not_have_written_leaves_the_last_trusted_hop(proxies):
    assert address("10.0.0.2", "not-an-address") == "10.0.0.2"
    assert address("10.0.0.2", "") == "10.0.0.2"
    assert address("10.0.0.2") == "10.0.0.2"


def test_only_proxies_all_the_way_gives_the_left_most(proxies):
    assert address("10.0.0.2", "10.0.0.5, 192.0.2.7") == "10.0.0.5"


def test_ipv6_clients_and_networks(settings):
    settings.ASSURE_TRUSTED_PROXIES = ["::1", "2001:db8::/32"]
    assert address("::1", "2001:db8::5, 2a01:e0a::1, 2001:db8::9") == "2a01:e0a::1"
