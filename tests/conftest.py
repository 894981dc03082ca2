"""Personas and shared fixtures. Browser fixtures live in tests/browser.py."""

import datetime
import html

import pytest
from django.test import override_settings

from assure.accounts.models import ProvisionalCode, User
from tests.browser import (  # noqa: F401  (pytest fixtures)
    browser,
    browser_page,
    live_server,
    plain_http_server,
)
from tests.selection import pytest_collection_modifyitems  # noqa: F401  (pytest hook)
from tests.smtp import SMTPServer

PASSWORD = "Velo a 2 roues jaunes"


@pytest.fixture(autouse=True)
def plain_http(settings):
    """Tests talk plain HTTP to 127.0.0.1: no redirect to HTTPS. Cookies stay
    Secure, as in production (Chromium keeps them on 127.0.0.1)."""
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def alice(db):
    """A member with an e-mail on file and no online account yet."""
    from tests.members.factories import MemberFactory

    return MemberFactory(
        last_name="Martin",
        birth_name="Lefèvre",
        first_names="Alice Marie",
        birth_date=datetime.date(1984, 12, 3),
        postcode="76000",
        city="Rouen",
        email="alice.martin@exemple.test",
    )


@pytest.fixture
def bob(db):
    """A member without e-mail: his codes go by post."""
    from tests.members.factories import MemberFactory

    return MemberFactory(
        last_name="Durand",
        birth_name="",
        first_names="Bob",
        birth_date=datetime.date(1950, 5, 17),
        postcode="20000",
        city="Ajaccio",
        email="",
    )


@pytest.fixture
def claire(db):
    """A member whose online account is active, with the password PASSWORD."""
    from tests.members.factories import MemberFactory

    member = MemberFactory(first_names="Claire", email="claire@exemple.test")
    user = User(member=member, username=member.nir)
    user.set_password(PASSWORD)
    user.activated_at = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
    user.save()
    return member


@pytest.fixture
def alice_account(alice):
    """Alice's online account, active (no password needed: tests sign in with force_login)."""
    from django.utils import timezone

    return User.objects.create(username=alice.nir, member=alice, activated_at=timezone.now())


@pytest.fixture
def signed_in(client, alice_account):
    """The test client, signed in as Alice."""
    client.force_login(alice_account)
    return client


@pytest.fixture
def issue_code():
    """Issues a code and returns it as the member would type it."""

    def issue(member, channel=ProvisionalCode.EMAIL):
        return ProvisionalCode.issue(member, channel, reason="first").clear_code

    return issue


def text(response):
    """A response's HTML with entities decoded, to assert on French text."""
    return html.unescape(response.content.decode())


@pytest.fixture
def smtp_server():
    """A real SMTP server on 127.0.0.1, and Django settings pointing at it."""
    server = SMTPServer().start()
    with override_settings(**server.settings()):
        yield server
    server.stop()
