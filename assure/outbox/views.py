"""The demo outbox: every e-mail and letter the portal produced, for trainers.

Public, and only in demo mode (ASSURE_DEMO): elsewhere every URL is a 404.
"""

from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import CharField, Value
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render

from .letters import letter_pdf
from .models import Email, Letter

# The HTML of an e-mail is shown as its own document, in a sandbox: no script,
# no form, no request anywhere, a unique origin.
EMAIL_HTML_POLICY = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def demo_only(view):
    @login_not_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not settings.ASSURE_DEMO:
            raise Http404("Page réservée au mode démonstration.")
        return view(request, *args, **kwargs)

    return wrapper


def outbox_entries():
    """E-mails and letters together, newest first, as (kind, pk, created_at) rows."""
    emails = Email.objects.annotate(kind=Value("email", CharField())).values_list(
        "kind", "pk", "created_at"
    )
    letters = Letter.objects.annotate(kind=Value("letter", CharField())).values_list(
        "kind", "pk", "created_at"
    )
    return emails.union(letters, all=True).order_by("-created_at", "-pk")


@demo_only
def outbox(request):
    page = Paginator(outbox_entries(), 50).get_page(request.GET.get("page"))
    ids = {"email": [], "letter": []}
    for kind, pk, _ in page:
        ids[kind].append(pk)
    found = {
        "email": Email.objects.select_related("member").in_bulk(ids["email"]),
        "letter": Letter.objects.in_bulk(ids["letter"]),
    }
    entries = [(kind, found[kind][pk]) for kind, pk, _ in page if pk in found[kind]]
    return render(request, "outbox/demo_outbox.html", {"page": page, "entries": entries})


@demo_only
def email(request, pk):
    email = get_object_or_404(Email.objects.select_related("member"), pk=pk)
    return render(request, "outbox/demo_email.html", {"email": email})


@demo_only
def email_html(request, pk):
    email = get_object_or_404(Email, pk=pk)
    response = HttpResponse(email.html_body, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = EMAIL_HTML_POLICY
    return response


@demo_only
def letter(request, pk):
    letter = get_object_or_404(Letter, pk=pk)
    response = HttpResponse(letter_pdf(letter), content_type="application/pdf")
    response.headers["Content-Disposition"] = f'inline; filename="courrier-{letter.pk}.pdf"'
    return response
