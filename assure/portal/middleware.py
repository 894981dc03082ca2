import logging
import sys

from django.db import InterfaceError, OperationalError
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.views import defaults

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)


ALLOWED_METHODS = ("GET", "HEAD", "POST", "OPTIONS")


def security_headers(get_response):
    """Headers Django's SecurityMiddleware does not set (CSP, permissions,
    frame denial), on every response, static files included (it runs before
    whitenoise); and 405 to methods the portal does not use (TRACE…)."""

    def middleware(request):
        if request.method not in ALLOWED_METHODS:
            response = HttpResponseNotAllowed(ALLOWED_METHODS)
        else:
            response = get_response(request)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault(
            "Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()"
        )
        # Asked only when the page did not say: who the user is may need the
        # session, hence the database, which the 503 page knows is gone.
        if "Cache-Control" not in response.headers:
            user = getattr(request, "user", None)
            if user is not None and user.is_authenticated:
                response.headers["Cache-Control"] = "no-store"
        return response

    return middleware


logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 60


def server_error(request):
    """handler500: while PostgreSQL is down or restarting, members get a
    French 503 page with Retry-After instead of a 500, wherever the database
    was lost (in a view, or reading the session before any view): the fault
    is temporary, and HAProxy, browsers and monitoring treat a 503 as such.
    The warning is logged without a traceback so an outage does not flood the
    logs; CONN_HEALTH_CHECKS drops the dead connections once it is back."""
    exception = sys.exc_info()[1]
    if isinstance(exception, (OperationalError, InterfaceError)):
        return database_unavailable(request, exception)
    return defaults.server_error(request)


def database_unavailable(request, exception):
    logger.warning("Base de données indisponible : %s", str(exception).strip())
    response = render(request, "503.html", status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"  # an outage is not kept by any cache
    # django.request would log every 503 again at ERROR level: once is enough.
    response._has_been_logged = True
    return response
