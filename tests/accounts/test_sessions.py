import datetime

import time_machine
from django.urls import reverse

from assure.accounts.models import SecurityEvent
from tests.conftest import PASSWORD, text

NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
INFORMATION = "/mes-informations/"


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


def test_my_information_shows_the_recent_sign_ins(client, claire):
    page = signed_in(client, claire).get(INFORMATION, HTTP_USER_AGENT="x").content.decode()
    assert "Mes dernières connexions" in page
    assert "127.0.0.1" in page


def test_my_information_lists_my_own_5_latest_sign_ins_newest_first(client, claire, alice):
    phone = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/121.0 Mobile Safari/537.36"
    for day in range(1, 8):
        SecurityEvent.objects.create(
            member=claire,
            kind=SecurityEvent.SIGN_IN,
            created_at=datetime.datetime(2026, 11, day, 8, 5, tzinfo=datetime.UTC),
            ip=f"192.0.2.{day}",
            user_agent=phone,
        )
    SecurityEvent.objects.create(member=alice, kind=SecurityEvent.SIGN_IN, ip="198.51.100.9")
    SecurityEvent.objects.create(member=claire, kind=SecurityEvent.SIGN_IN_FAILED, ip="203.0.113.1")
    with time_machine.travel(datetime.datetime(2026, 11, 8, 9, 0, tzinfo=datetime.UTC)):
        page = text(signed_in(client, claire).get(INFORMATION))
    table = page[page.index("Vos 5 dernières connexions") :]
    table = table[: table.index("</table>")]
    # Today's sign-in (no user agent, 127.0.0.1), then 7, 6, 5 and 4 November (Paris time).
    assert table.count("<tr") == 6  # the head and five sign-ins
    assert "8 novembre 2026 à 10 h 00" in table and "Appareil inconnu" in table
    assert "127.0.0.1" in table
    for day in (7, 6, 5, 4):
        assert f"{day} novembre 2026 à 9 h 05" in table and f"192.0.2.{day}" in table
    assert table.index("192.0.2.7") < table.index("192.0.2.4")
    assert table.count("Chrome sur Android") == 4
    for other in ("192.0.2.3", "198.51.100.9", "203.0.113.1"):
        assert other not in table


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
    with time_machine.travel(NOW + datetime.timedelta(minutes=14 + 17), tick=False):
        response = client.get(reverse("accounts:home"), follow=True)
    page = text(response)
    assert "J'accède à mon compte" in page
    assert "déconnecté après 15 minutes d'inactivité" in page


def test_a_short_idle_timeout_counts_from_the_last_request(client, claire, settings):
    settings.ASSURE_IDLE_TIMEOUT = 5
    home = reverse("accounts:home")

    def at(seconds):
        with time_machine.travel(NOW + datetime.timedelta(seconds=seconds), tick=False):
            return client.get(home)

    with time_machine.travel(NOW, tick=False):
        signed_in(client, claire)
    for seconds in (0.3, 3, 3.4, 7.9, 8.2, 12.9):  # each within 5 s of the one before
        assert at(seconds).status_code == 200, seconds
    assert at(12.9 + 5.6).status_code == 302  # 5 s and its tenth later: signed out


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
