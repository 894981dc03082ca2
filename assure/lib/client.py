"""Who is asking: the client's address, as counters and security events record it."""

import ipaddress
from functools import lru_cache

from django.conf import settings


def client_ip(request):
    """The client's address.

    X-Forwarded-For is read only when the request comes from one of
    ASSURE_TRUSTED_PROXIES (addresses or networks): then its entries are read
    from the right, each trusted proxy's own, and the first address that is not
    a trusted proxy is the client (the right-most untrusted one: everything to
    its left was written by the client and may be anything). A request that
    reaches the server directly is its REMOTE_ADDR, whatever its headers say.
    """
    remote = request.META.get("REMOTE_ADDR") or None
    proxies = trusted_proxies(tuple(settings.ASSURE_TRUSTED_PROXIES))
    if not (proxies and is_proxy(address(remote), proxies)):
        return remote
    hop = remote
    for entry in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        ip = address(entry.strip())
        if ip is None:
            break  # not written by a proxy: the last trusted hop is all we know
        hop = entry.strip()
        if not is_proxy(ip, proxies):
            break
    return hop


@lru_cache(maxsize=4)
def trusted_proxies(networks):
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def address(text):
    """The IP address `text` is, or None."""
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def is_proxy(ip, proxies):
    return ip is not None and any(ip in network for network in proxies)
