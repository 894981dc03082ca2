import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render

from assure.accounts.models import Throttle
from assure.lib.client import client_ip
from assure.portal.pages import member_required

from . import signing
from .forms import DailyAllowanceForm, VerifyForm
from .models import Attestation, NoRights

logger = logging.getLogger(__name__)

PER_PAGE = 20
MEMBER_REVOCATION = "annulée à la demande de l'assuré(e)"


def pdf_response(attestation):
    response = HttpResponse(attestation.pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{attestation.filename}"'
    return response


@member_required
def index(request, member):
    issued = member.attestations.defer("details", "payload", "signature")
    page = Paginator(issued, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "attestations/index.html", {"page": page})


@member_required
def rights(request, member):
    """One click: the attestation de droits of today, as a PDF download."""
    if request.method != "POST":
        return redirect("attestations:index")
    try:
        attestation = Attestation.objects.issue_rights(member, request.user)
    except NoRights:
        return render(request, "attestations/no_rights.html")
    return pdf_response(attestation)


@member_required
def daily_allowances(request, member):
    form = DailyAllowanceForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        attestation = Attestation.objects.issue(form.details, member, request.user)
        return pdf_response(attestation)
    return render(request, "attestations/daily_allowances.html", {"form": form})


@member_required
def download(request, member, pk):
    """One of the member's attestations again, drawn from its record (same code)."""
    attestation = get_object_or_404(member.attestations, pk=pk)
    if attestation.revoked:
        return render(
            request, "attestations/revoked.html", {"attestation": attestation}, status=410
        )
    if attestation.verified_claims() is None:
        logger.error("Attestation %s: its record fails its signature check", attestation.pk)
        raise Http404
    return pdf_response(attestation)


@member_required
def revoke(request, member, pk):
    attestation = get_object_or_404(member.attestations.defer("details"), pk=pk)
    if attestation.revoked:
        return redirect("attestations:index")
    if request.method == "POST":
        attestation.revoke(MEMBER_REVOCATION)
        messages.success(
            request,
            f"L'attestation {attestation.display_code} est annulée : la page de vérification "
            "indique désormais qu'elle n'est plus valable.",
        )
        return redirect("attestations:index")
    return render(request, "attestations/revoke.html", {"attestation": attestation})


def client_may_verify(request):
    """Per-address cap on verifications (codes cannot be tried by the thousand)."""
    row = Throttle.hit(
        f"attestation-checks:{client_ip(request)}",
        window=timedelta(hours=1),
        limit=settings.ASSURE_ATTESTATION_CHECKS_PER_HOUR + 1,
    )
    return row.locked_until is None


@login_not_required
def verify(request):
    """ "Vérifier une attestation": a typed code (POST) or a QR code's token (GET ?jeton=)."""
    token = request.GET.get("jeton")
    form = VerifyForm(request.POST or None)
    asked = token is not None or (request.method == "POST" and form.is_valid())
    context = {"form": form, "verification": None, "throttled": False}
    if asked and not client_may_verify(request):
        context["throttled"] = True
        return render(request, "attestations/verify.html", context, status=429)
    if token is not None:
        context["verification"] = Attestation.objects.verify_token(token)
    elif asked:
        context["verification"] = Attestation.objects.verify_code(form.cleaned_data["code"])
    return render(request, "attestations/verify.html", context)


@login_not_required
def public_key(request):
    """The Ed25519 public key that checks the QR codes' tokens, as PEM."""
    return HttpResponse(signing.public_key_pem(), content_type="text/plain; charset=utf-8")
