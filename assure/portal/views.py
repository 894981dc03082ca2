from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_safe

from .colours import fund_colours


@login_not_required
def home(request):
    return render(request, "portal/home.html")


@login_not_required
@require_safe
def theme_css(request):
    primary, secondary = fund_colours()
    css = f":root {{ --assure-primary: {primary}; --assure-secondary: {secondary}; }}\n"
    response = HttpResponse(css, content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "public, max-age=86400"
    return response


@login_not_required
def csrf_failure(request, reason=""):
    back = request.META.get("HTTP_REFERER", "")
    if not url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        back = reverse("portal:home")
    return render(request, "portal/csrf_failure.html", {"back_url": back}, status=403)
