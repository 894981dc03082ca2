import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout


def idle_timeout(get_response):
    """Signs a member out after ASSURE_IDLE_TIMEOUT seconds without a request,
    and says so on the next page.

    Writing the time of every request would cost a session write per page, so
    `last_seen` is refreshed only once a tenth of the timeout has passed since
    it was written; the sign-out waits that tenth longer, so a member is never
    signed out less than ASSURE_IDLE_TIMEOUT after their last request (and at
    most a tenth of it later: 90 s for the default 15 minutes)."""

    def middleware(request):
        if request.user.is_authenticated:
            timeout = settings.ASSURE_IDLE_TIMEOUT
            refresh = timeout / 10
            now = time.time()
            last = request.session.get("last_seen", now)
            if now - last > timeout + refresh:
                logout(request)
                messages.info(
                    request,
                    "Pour votre sécurité, vous avez été déconnecté après "
                    f"{timeout // 60} minutes d'inactivité. "
                    "Reconnectez-vous pour continuer.",
                )
            elif now - last >= refresh or "last_seen" not in request.session:
                request.session["last_seen"] = now
        return get_response(request)

    return middleware
