"""Changing the password from "Mes informations" (signed in)."""

import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from assure.accounts.models import SecurityEvent, Throttle, User
from assure.outbox.models import Email
from tests.conftest import PASSWORD, text

NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
CHANGE = reverse("accounts:change_password")
NEW = "Trois chats gris et 1 souris"


def signed_in(member, client=None):
    client = client or Client()
    client.force_login(member.account)
    return client


def change(client, current=PASSWORD, password=NEW, confirmation=None):
    return client.post(
        CHANGE,
        {
            "current_password": current,
            "password": password,
            "confirmation": password if confirmation is None else confirmation,
        },
    )


def password_unchanged(member):
    return User.objects.get(member=member).check_password(PASSWORD)


def test_the_page_shows_the_fields_and_the_rules(claire):
    page = text(signed_in(claire).get(CHANGE))
    for label in [
        "Changer mon mot de passe",
        "Mot de passe actuel",
        "Nouveau mot de passe",
        "Confirmation du mot de passe",
        "au moins 8 caractères",
        "ne pas être un mot de passe trop courant",
    ]:
        assert label in page
    assert page.count("<h1") == 1


def test_a_member_changes_their_password_and_stays_signed_in(claire):
    client = signed_in(claire)
    response = change(client)
    assert response.status_code == 302
    assert response.url == reverse("accounts:home")
    home = client.get(response.url)
    assert home.status_code == 200
    assert "Votre mot de passe est changé." in text(home)

    user = User.objects.get(member=claire)
    assert user.check_password(NEW)
    assert not user.check_password(PASSWORD)
    assert user.password.startswith("argon2$argon2id$")
    event = SecurityEvent.objects.get(member=claire, kind=SecurityEvent.PASSWORD_CHANGED)
    assert event.ip == "127.0.0.1"
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.SESSIONS_ENDED).exists()


def test_the_member_is_told_by_email_without_the_password(claire):
    change(signed_in(claire))
    [email] = Email.objects.all()
    assert email.to == "claire@exemple.test"
    assert email.template == "password_changed"
    assert email.subject.startswith("Votre mot de passe a été changé")
    assert "vient d'être changé." in email.text_body
    assert "code provisoire" not in email.text_body
    assert "connexions en cours" not in email.text_body
    for body in (email.text_body, email.html_body):
        assert NEW not in body
        assert PASSWORD not in body


def test_no_email_without_an_address_on_file(claire):
    claire.email = ""
    claire.save()
    change(signed_in(claire))
    assert not Email.objects.exists()
    assert User.objects.get(member=claire).check_password(NEW)


def test_every_other_session_of_the_member_ends(claire):
    phone, computer = signed_in(claire), signed_in(claire)
    assert phone.get(reverse("accounts:home")).status_code == 200
    assert computer.get(reverse("accounts:home")).status_code == 200

    change(computer)

    assert computer.get(reverse("accounts:home")).status_code == 200
    response = phone.get(reverse("accounts:home"))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_it_acts_only_on_the_signed_in_member(claire, alice):
    other = User(member=alice, username=alice.nir)
    other.set_password(PASSWORD)
    other.save()
    alices_client = signed_in(alice)
    change(signed_in(claire))
    assert User.objects.get(member=alice).check_password(PASSWORD)
    assert alices_client.get(reverse("accounts:home")).status_code == 200
    assert not SecurityEvent.objects.filter(member=alice, kind=SecurityEvent.PASSWORD_CHANGED)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"current": ""}, "Saisissez votre mot de passe actuel."),
        ({"password": ""}, "Saisissez votre nouveau mot de passe."),
        ({"confirmation": "   "}, "Les deux mots de passe ne sont pas identiques."),
        (
            {"confirmation": NEW + "!"},
            "Les deux mots de passe ne sont pas identiques.",
        ),
        ({"password": "court1"}, "Le mot de passe doit contenir au moins 8 caractères."),
        ({"password": "seulementdeslettres"}, "Le mot de passe doit contenir des lettres et des"),
        ({"password": "claire2024claire"}, "ne doit pas contenir votre nom ou votre prénom."),
        ({"password": "password123"}, "Ce mot de passe est trop courant."),
        ({"password": "x1" * 600}, "Le mot de passe doit comporter 1000 caractères au maximum."),
        ({"current": "x" * 1001}, "Le mot de passe saisi est trop long."),
        ({"password": PASSWORD}, "Choisissez un mot de passe différent de l'actuel."),
        ({"current": "Velo a 2 roues jaune"}, "Le mot de passe actuel est incorrect."),
    ],
)
def test_bad_input_gets_a_french_message_and_changes_nothing(claire, fields, message):
    client = signed_in(claire)
    response = change(client, **fields)
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "Il y a un problème" in page
    assert password_unchanged(claire)
    assert not Email.objects.exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.PASSWORD_CHANGED).exists()


@pytest.mark.parametrize(
    ("odd", "message"),
    [
        ("mot\x00de passe 12", "Le caractère nul n’est pas autorisé."),
        ("🔑🔑🔑🔑🔑🔑🔑🔑", "Le mot de passe doit contenir des lettres et des chiffres."),
        (
            "e\u0301\u0301\u0301\u0301\u0301\u0301\u0301",  # combining accents only
            "Le mot de passe doit contenir des lettres et des chiffres.",
        ),
    ],
)
def test_odd_unicode_gets_a_french_message(claire, odd, message):
    response = change(signed_in(claire), password=odd)
    assert response.status_code == 200
    assert message in text(response)
    assert password_unchanged(claire)


def test_unicode_passphrases_are_welcome(claire):
    client = signed_in(claire)
    phrase = "Ça coûte 3 € à l'été, ô ciel ! 日本"
    assert change(client, password=phrase).status_code == 302
    assert User.objects.get(member=claire).check_password(phrase)


def test_a_wrong_current_password_counts_as_a_failed_sign_in(claire):
    client = signed_in(claire)
    change(client, current="pas le bon 1")
    assert Throttle.objects.get(key=Throttle.member_key(claire.nir)).count == 1
    assert SecurityEvent.objects.filter(member=claire, kind=SecurityEvent.SIGN_IN_FAILED).exists()
    change(client)
    assert not Throttle.objects.filter(key=Throttle.member_key(claire.nir)).exists()


def test_repeated_wrong_current_passwords_bring_the_sign_in_delay(claire):
    client = signed_in(claire)
    with time_machine.travel(NOW, tick=False):
        for _ in range(Throttle.FREE_FAILURES - 1):
            change(client, current="pas le bon 1")
        response = change(client, current="pas le bon 1")
        assert "Au prochain essai incorrect, l'accès sera bloqué quelques minutes." in text(
            response
        )
        response = change(client, current="pas le bon 1")
        assert "l'accès à ce compte est bloqué jusqu'à" in text(response)
        # During the delay even the right password is refused, without checking it.
        response = change(client)
        assert response.status_code == 200
        assert "l'accès à ce compte est bloqué jusqu'à" in text(response)
        assert password_unchanged(claire)
        # Signing in is delayed too: it is the same counter.
        sign_in = Client().post(
            reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD}
        )
        assert "l'accès à ce compte est bloqué jusqu'à" in text(sign_in)
    assert SecurityEvent.objects.filter(member=claire, kind=SecurityEvent.DELAYED).exists()
    with time_machine.travel(NOW + datetime.timedelta(minutes=3), tick=False):
        assert change(client).status_code == 302
    assert User.objects.get(member=claire).check_password(NEW)


def test_anonymous_visitors_are_sent_to_the_sign_in_page(db):
    response = Client().get(CHANGE)
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:sign_in"))


def test_agents_get_a_404(django_user_model):
    agent = django_user_model.objects.create_user("agent", password="x")
    client = Client()
    client.force_login(agent)
    assert client.get(CHANGE).status_code == 404
    assert client.post(CHANGE, {"current_password": "x"}).status_code == 404
