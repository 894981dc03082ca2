"""Every page of the portal, with what it needs to show itself: its objects
(a payment, an attestation, a doctor, a place, an e-mail and a letter of the
demo outbox), the step before it (a code sent, a password to choose…) and
the persona who sees it. tests/fuzz/test_pages.py checks that this list is
every URL of assure/urls.py."""

import datetime
import time

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from assure.attestations.models import Attestation
from assure.information.email_change import EmailChange
from assure.members.models import RightsPeriod
from assure.outbox.models import Email, Letter
from tests.conftest import PASSWORD
from tests.payments.factories import PaymentFactory
from tests.places.factories import PlaceFactory

# The pages a signed-out visitor sees (the others are the signed-in member's).
PUBLIC_PAGES = {
    "portal:home",
    "portal:theme_css",
    "accounts:sign_in",
    "accounts:request_code",
    "accounts:code_sent",
    "accounts:forgotten_code",
    "accounts:forgotten_code_sent",
    "accounts:choose_password",
    "accounts:signed_out",
    "accounts:not_me_done",
    "accounts:account_closed",
    "attestations:verify",
    "attestations:public_key",
    "information:confirm_email",
    "places:search",
    "places:detail",
    "directory:search",
    "directory:detail",
    "outbox:demo_outbox",
    "outbox:demo_email",
    "outbox:demo_email_html",
    "outbox:demo_letter",
}


def url_names(patterns=None, namespace=""):
    """ "app:name" of every named URL pattern of assure/urls.py."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def after_the_step_before(client, member):
    """The session of someone who has just done what each page follows: asked
    for a code, chosen a password, closed the account…"""
    session = client.session
    session.update(
        {
            "code_sent": {"channel": "email", "email": "c•••••@exemple.test"},
            "forgotten_channel": "email",
            "activation": {"member": member.pk, "at": int(time.time())},
            "password_set": "created",
            "email_change_sent": "nouvelle@exemple.test",
            "not_me_done": True,
            "account_closed": True,
        }
    )
    session.save()


def demo_code(member):
    """What ProvisionalCode.issue gives the outbox's templates for a code."""
    return {
        "member": member,
        "code": "MK4T 9QXA",
        "expires_at": timezone.now() + datetime.timedelta(days=1),
        "reason": "first",
    }


@pytest.fixture
def pages(client, claire, directory, settings):
    """{url name: (url, signed in)} of every page, its objects created; the
    client holds the steps before (and is signed in by `visit`)."""
    settings.ASSURE_DEMO = True  # the demo outbox exists
    RightsPeriod.objects.create(
        member=claire, start=datetime.date(2020, 1, 1), regime="Régime général", fund="Caisse"
    )
    user = claire.account
    attestation = Attestation.objects.issue_rights(claire, user)
    payment = PaymentFactory(member=claire, paid_on=datetime.date(2026, 3, 2), with_line=True)
    place = PlaceFactory(key="ROUEN-1")
    email = Email.objects.queue(claire.email, "code", demo_code(claire), member=claire)
    letter = Letter.objects.queue(claire, "code", demo_code(claire))
    args = {
        "attestations:download": [attestation.pk],
        "attestations:revoke": [attestation.pk],
        "information:confirm_email": [EmailChange(claire, "nouvelle@exemple.test").token()],
        "payments:detail": [payment.pk],
        "payments:statement": [2026, 3],
        "places:detail": [place.key],
        "directory:detail": [directory["martin"].pk],
        "outbox:demo_email": [email.pk],
        "outbox:demo_email_html": [email.pk],
        "outbox:demo_letter": [letter.pk],
    }
    after_the_step_before(client, claire)
    return {
        name: (reverse(name, args=args.get(name, [])), name not in PUBLIC_PAGES)
        for name in url_names()
    }


def visit(client, claire, signed_in):
    """The client signed in as Claire, or signed out, the steps before kept."""
    if signed_in and "_auth_user_id" not in client.session:
        client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
        after_the_step_before(client, claire)
    elif not signed_in and "_auth_user_id" in client.session:
        client.logout()
        after_the_step_before(client, claire)
