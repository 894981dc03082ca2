""" "Ce n'était pas moi": a new password, and every session ends, this one too."""

from django.conf import settings
from django.test import Client
from django.urls import reverse

from assure.accounts.models import SecurityEvent, Throttle, User
from assure.outbox.models import Email
from tests.accounts.test_change_password import NEW, password_unchanged, signed_in
from tests.conftest import PASSWORD, text

NOT_ME = reverse("accounts:not_me")
DONE = reverse("accounts:not_me_done")
HOME = reverse("accounts:home")


def not_me(client, current=PASSWORD, password=NEW, confirmation=None):
    return client.post(
        NOT_ME,
        {
            "current_password": current,
            "password": password,
            "confirmation": password if confirmation is None else confirmation,
        },
    )


def test_my_information_leads_here_from_the_recent_sign_ins(claire):
    page = text(signed_in(claire).get("/mes-informations/"))
    assert f'href="{NOT_ME}">Une connexion ne vient pas de vous ?</a>' in page


def test_the_page_explains_what_will_happen(claire):
    page = text(signed_in(claire).get(NOT_ME))
    assert "Une connexion ne vient pas de vous" in page
    assert "toutes les connexions en cours à votre compte seront fermées" in page
    assert "Mot de passe actuel" in page
    assert "au moins 8 caractères" in page


def test_every_session_ends_this_one_too(claire):
    phone, computer = signed_in(claire), signed_in(claire)
    response = not_me(computer)
    assert response.status_code == 302
    assert response.url == DONE

    page = text(computer.get(DONE))
    assert "Votre mot de passe est changé" in page
    assert "toutes les connexions à votre compte sont fermées" in page
    assert "un e-mail de confirmation vous est envoyé" in page
    assert f"appelez votre caisse au {settings.ASSURE_FUND_PHONE}" in page

    for client in (phone, computer):
        response = client.get(HOME)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:sign_in"))

    again = Client().post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": NEW})
    assert again.url == HOME
    old = Client().post(reverse("accounts:sign_in"), {"nir": claire.nir, "secret": PASSWORD})
    assert old.status_code == 200


def test_events_and_email(claire):
    not_me(signed_in(claire))
    kinds = set(SecurityEvent.objects.filter(member=claire).values_list("kind", flat=True))
    assert {SecurityEvent.PASSWORD_CHANGED, SecurityEvent.SESSIONS_ENDED} <= kinds
    [email] = Email.objects.all()
    assert email.template == "password_changed"
    assert "Toutes les connexions en cours à votre compte ont été fermées." in email.text_body
    for body in (email.text_body, email.html_body):
        assert NEW not in body
        assert PASSWORD not in body


def test_without_an_email_the_done_page_does_not_promise_one(claire):
    claire.email = ""
    claire.save()
    client = signed_in(claire)
    not_me(client)
    assert not Email.objects.exists()
    assert "e-mail" not in text(client.get(DONE))


def test_the_done_page_needs_the_change_first(db):
    response = Client().get(DONE)
    assert response.status_code == 302
    assert response.url == reverse("accounts:sign_in")


def test_bad_input_keeps_the_member_signed_in_and_changes_nothing(claire):
    client = signed_in(claire)
    response = not_me(client, confirmation="autre chose 12")
    assert response.status_code == 200
    assert "Les deux mots de passe ne sont pas identiques." in text(response)
    response = not_me(client, current="pas le bon 1")
    assert "Le mot de passe actuel est incorrect." in text(response)
    assert Throttle.objects.get(key=Throttle.member_key(claire.nir)).count == 1
    assert password_unchanged(claire)
    assert client.get(HOME).status_code == 200
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.SESSIONS_ENDED).exists()


def test_it_acts_only_on_the_signed_in_member(claire, alice):
    account = User(member=alice, username=alice.nir)
    account.set_password(PASSWORD)
    account.save()
    alices_client = signed_in(alice)
    not_me(signed_in(claire))
    assert alices_client.get(HOME).status_code == 200
    assert User.objects.get(member=alice).check_password(PASSWORD)


def test_anonymous_and_agents(django_user_model, db):
    response = Client().get(NOT_ME)
    assert response.url.startswith(reverse("accounts:sign_in"))
    agent = django_user_model.objects.create_user("agent", password="x")
    client = Client()
    client.force_login(agent)
    assert client.get(NOT_ME).status_code == 404
