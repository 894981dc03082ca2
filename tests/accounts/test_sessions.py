import datetime

import time_machine
from django.urls import reverse

from assure.accounts.models import SecurityEvent
from tests.conftest import PASSWORD, text

NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


def signed_in(client, member):
    response = client.post(reverse("accounts:sign_in"), {"nir": member.nir, "secret": PASSWORD})
    assert response.url == reverse("accounts:home")
    return client


def test_member_pages_need_a_sign_in(client, db):
    response = client.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_agents_without_a_member_record_get_a_404_on_member_pages(client, django_user_model):
    agent = django_user_model.objects.create_user("agent", password="x")
    client.force_login(agent)
    assert client.get(reverse("accounts:home")).status_code == 404


def test_home_shows_the_recent_sign_ins(client, claire):
    page = signed_in(client, claire).get(reverse("accounts:home"), HTTP_USER_AGENT="x").content
    page = page.decode()
    assert "Bonjour Claire" in page
    assert "Mes dernières connexions" in page
    assert "127.0.0.1" in page


def test_sign_out_ends_the_session_on_the_server(client, claire):
    signed_in(client, claire)
    session_key = client.session.session_key
    response = client.post(reverse("accounts:sign_out"))
    assert response.url == reverse("accounts:signed_out")
    assert "Vous êtes déconnecté" in text(client.get(response.url))
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=session_key).exists()
    assert client.get(reverse("accounts:home")).status_code == 302
    assert SecurityEvent.objects.filter(kind=SecurityEvent.SIGN_OUT, member=claire).exists()


def test_sign_out_by_get_only_asks_for_confirmation(client, claire):
    signed_in(client, claire)
    page = text(client.get(reverse("accounts:sign_out")))
    assert "Me déconnecter" in page
    assert client.get(reverse("accounts:home")).status_code == 200


def test_idle_members_are_signed_out_with_a_message(client, claire):
    with time_machine.travel(NOW, tick=False):
        signed_in(client, claire)
        client.get(reverse("accounts:home"))
    with time_machine.travel(NOW + datetime.timedelta(minutes=14), tick=False):
        assert client.get(reverse("accounts:home")).status_code == 200
    with time_machine.travel(NOW + datetime.timedelta(minutes=30), tick=False):
        response = client.get(reverse("accounts:home"), follow=True)
    page = text(response)
    assert "J'accède à mon compte" in page
    assert "déconnecté après 15 minutes d'inactivité" in page


def test_csrf_is_enforced(claire):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    assert response.status_code == 403


def test_security_headers(client, db):
    response = client.get(reverse("accounts:sign_in"))
    assert "script-src 'self'" in response["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


def test_session_cookie_flags(client, claire):
    response = client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    cookie = response.cookies["assure_session"]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"
