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
    if not (remote and is_in(remote, proxies)):
        return remote
    hop = remote
    for entry in reversed(request.headers.get("X-Forwarded-For", "").split(",")):
        entry = entry.strip()
        if not is_address(entry):
            break  # not written by a proxy: the last trusted hop is all we know
        hop = entry
        if not is_in(entry, proxies):
            break
    return hop


@lru_cache(maxsize=4)
def trusted_proxies(networks):
    return tuple(ipaddress.ip_network(network, strict=False) for network in networks)


def is_address(text):
    try:
        ipaddress.ip_address(text)
    except ValueError:
        return False
    return True


def is_in(address, networks):
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in networks)
