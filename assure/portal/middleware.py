from django.http import HttpResponseNotAllowed

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
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response.headers.setdefault("Cache-Control", "no-store")
        return response

    return middleware
