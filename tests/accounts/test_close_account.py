""" "Résilier votre compte": the online access goes, the member stays."""

import datetime
import re

import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from assure.accounts.models import ProvisionalCode, SecurityEvent, Throttle, User
from assure.members.models import Member
from assure.outbox.models import Email
from tests.accounts.test_change_password import signed_in
from tests.conftest import PASSWORD, text

CLOSE = reverse("accounts:close_account")
CLOSED = reverse("accounts:account_closed")
NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


def test_the_page_explains_the_consequences(claire):
    page = text(signed_in(claire).get(CLOSE))
    assert "Résilier votre compte" in page
    assert "vous ne pourrez plus vous connecter à ce site" in page
    assert "vous restez assuré" in page
    assert "vos courriers arrivent toujours par la poste" in page
    assert "« Je n'ai pas de code »" in page
    assert "Confirmez avec votre mot de passe" in page
    assert page.count("<h1") == 1


def test_a_member_closes_their_account(claire):
    client = signed_in(claire)
    session_key = client.session.session_key
    other_device = signed_in(claire)
    response = client.post(CLOSE, {"password": PASSWORD})
    assert response.status_code == 302
    assert response.url == CLOSED
    page = text(client.get(CLOSED))
    assert "Votre compte en ligne est résilié" in page
    assert "Un e-mail de confirmation vous est envoyé." in page

    assert not User.objects.filter(member=claire).exists()
    assert Member.objects.filter(pk=claire.pk).exists()
    assert not Session.objects.filter(session_key=session_key).exists()
    for device in (client, other_device):
        assert device.get(reverse("accounts:home")).url.startswith(reverse("accounts:sign_in"))
    event = SecurityEvent.objects.get(kind=SecurityEvent.ACCOUNT_CLOSED)
    assert event.member == claire
    sign_in = Client().post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    assert "Le numéro de sécurité sociale ou le code est incorrect." in text(sign_in)


def test_the_member_is_told_by_a_neutral_email(claire):
    signed_in(claire).post(CLOSE, {"password": PASSWORD})
    [email] = Email.objects.all()
    assert email.template == "account_closed"
    assert email.to == "claire@exemple.test"
    assert email.member == claire
    assert email.subject.startswith("Votre compte en ligne est résilié")
    assert "Vous restez assuré" in email.text_body
    assert "/demande-de-code/" in email.text_body
    assert PASSWORD not in email.text_body + email.html_body


def test_no_email_without_an_address_on_file(claire):
    claire.email = ""
    claire.save()
    client = signed_in(claire)
    client.post(CLOSE, {"password": PASSWORD})
    assert not Email.objects.exists()
    assert not User.objects.filter(member=claire).exists()
    assert "e-mail" not in text(client.get(CLOSED))


def test_live_codes_are_voided(claire, issue_code):
    code = issue_code(claire)
    signed_in(claire).post(CLOSE, {"password": PASSWORD})
    assert ProvisionalCode.find_live(claire.nir, code) is None


def test_the_member_can_reopen_an_account_with_a_new_code(claire):
    client = signed_in(claire)
    client.post(CLOSE, {"password": PASSWORD})
    response = client.post(
        reverse("accounts:request_code"),
        {
            "last_name": claire.last_name,
            "first_name": "Claire",
            "nir": claire.nir,
            "birth_date_0": claire.birth_date.day,
            "birth_date_1": claire.birth_date.month,
            "birth_date_2": claire.birth_date.year,
            "postcode": claire.postcode,
        },
    )
    assert response.url == reverse("accounts:code_sent")
    email = Email.objects.get(template="code")
    code = re.search(r"\b([3-9A-Z]{4} [3-9A-Z]{4})\b", email.text_body).group(1)
    response = client.post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": code})
    assert response.url == reverse("accounts:choose_password")
    response = client.post(
        response.url, {"password": "Nouveau depart 2027", "confirmation": "Nouveau depart 2027"}
    )
    assert "Votre compte est créé" in text(client.get(response.url))
    assert User.objects.get(member=claire).check_password("Nouveau depart 2027")


def test_an_empty_or_wrong_password_keeps_the_account(claire):
    client = signed_in(claire)
    response = client.post(CLOSE, {"password": ""})
    assert response.status_code == 200
    assert "Saisissez votre mot de passe." in text(response)
    response = client.post(CLOSE, {"password": "x" * 1001})
    assert "Le mot de passe saisi est trop long." in text(response)
    response = client.post(CLOSE, {"password": "pas le bon 1"})
    assert response.status_code == 200
    assert "Le mot de passe est incorrect." in text(response)
    assert Throttle.objects.get(key=Throttle.member_key(claire.nir)).count == 1
    assert User.objects.filter(member=claire).exists()
    assert not Email.objects.exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.ACCOUNT_CLOSED).exists()
    assert client.get(reverse("accounts:home")).status_code == 200


def test_repeated_wrong_passwords_bring_the_delay(claire):
    client = signed_in(claire)
    with time_machine.travel(NOW, tick=False):
        for _ in range(Throttle.FREE_FAILURES + 1):
            response = client.post(CLOSE, {"password": "pas le bon 1"})
        assert "l'accès à ce compte est bloqué jusqu'à" in text(response)
        response = client.post(CLOSE, {"password": PASSWORD})
        assert "l'accès à ce compte est bloqué jusqu'à" in text(response)
    assert User.objects.filter(member=claire).exists()


def test_the_closed_page_needs_the_closing_first(db):
    assert Client().get(CLOSED).url == reverse("portal:home")


def test_it_acts_only_on_the_signed_in_member(claire, alice):
    account = User(member=alice, username=alice.nir)
    account.set_password(PASSWORD)
    account.save()
    alices_client = signed_in(alice)
    signed_in(claire).post(CLOSE, {"password": PASSWORD})
    assert User.objects.filter(member=alice).exists()
    assert alices_client.get(reverse("accounts:home")).status_code == 200


def test_anonymous_and_agents(django_user_model, db):
    response = Client().post(CLOSE, {"password": "x"})
    assert response.url.startswith(reverse("accounts:sign_in"))
    agent = django_user_model.objects.create_user("agent", password="x")
    client = Client()
    client.force_login(agent)
    assert client.get(CLOSE).status_code == 404
    assert client.post(CLOSE, {"password": "x"}).status_code == 404
    assert User.objects.filter(pk=agent.pk).exists()
