import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout


def idle_timeout(get_response):
    """Signs a member out after ASSURE_IDLE_TIMEOUT seconds without a request,
    and says so on the next page."""

    def middleware(request):
        if request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get("last_seen", now)
            if now - last > settings.ASSURE_IDLE_TIMEOUT:
                logout(request)
                messages.info(
                    request,
                    "Pour votre sécurité, vous avez été déconnecté après "
                    f"{settings.ASSURE_IDLE_TIMEOUT // 60} minutes d'inactivité. "
                    "Reconnectez-vous pour continuer.",
                )
            elif now - last >= 30 or "last_seen" not in request.session:
                # Written at most every 30 s: a session write per page is wasted work.
                request.session["last_seen"] = now
        return get_response(request)

    return middleware
