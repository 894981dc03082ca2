"""Who is asking: the client's address, as counters and security events record it."""

from django.conf import settings


def client_ip(request):
    """The client's address. Behind a proxy (ASSURE_BEHIND_PROXY), the last
    address the proxy appended to X-Forwarded-For."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None
