"""Changing the e-mail address: a link to the new address, valid 24 hours,
that changes nothing until the member confirms it."""

import datetime
import html
import re

import pytest
import time_machine
from django.core import signing
from django.test import Client
from django.urls import reverse

from assure.accounts.models import SecurityEvent
from assure.information.email_change import SALT, address_digest
from assure.outbox.models import Email
from tests.members.factories import MemberFactory

URL = "/mes-informations/email/"
OLD = "alice.martin@exemple.test"
NEW = "nouvelle.alice@courriel.test"
NOW = datetime.datetime(2026, 3, 15, 10, tzinfo=datetime.UTC)


@pytest.fixture(autouse=True)
def now():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


def text(response):
    return html.unescape(response.content.decode())


def link_path(email):
    [path] = re.findall(
        r"http://[^/\s]+(/mes-informations/email/confirmer/[^/\s]+/)", email.text_body
    )
    return path


def ask(client, new=NEW):
    client.post(URL, {"email": new})
    return link_path(Email.objects.get(template="email_change", to=new))


def test_the_pages_have_their_url_names():
    assert reverse("information:email") == URL
    assert reverse("information:email_sent") == "/mes-informations/email/envoye/"
    assert reverse("information:confirm_email", args=["abc:def"]) == (
        "/mes-informations/email/confirmer/abc:def/"
    )


def test_the_page_has_a_back_link_and_one_heading(signed_in):
    page = signed_in.get(URL).content.decode()

    assert '<a href="/mes-informations/" class="govuk-back-link">' in page
    assert page.count("<h1") == 1
    assert "Votre adresse actuelle est" in page and OLD in page


def test_the_link_goes_to_the_new_address_only_and_nothing_changes_yet(signed_in, alice):
    response = signed_in.post(URL, {"email": NEW}, follow=True)

    assert response.redirect_chain == [("/mes-informations/email/envoye/", 302)]
    page = text(response)
    assert "Consultez votre nouvelle boîte e-mail" in page
    assert f"Nous avons envoyé un lien à {NEW}." in " ".join(re.sub(r"<[^>]+>", "", page).split())
    [email] = Email.objects.all()
    assert email.to == NEW
    assert email.subject == "Confirmez votre nouvelle adresse e-mail – Caisse de démonstration"
    assert "Bonjour Alice Martin," in email.text_body
    assert "valable 24 heures, jusqu'au 16 mars 2026 à 11 h 00" in email.text_body
    assert "Si vous n'avez rien demandé, ignorez ce message" in email.text_body
    assert f"http://127.0.0.1:8000{link_path(email)}" in email.html_body
    alice.refresh_from_db()
    assert alice.email == OLD
    [event] = SecurityEvent.objects.filter(member=alice)
    assert (event.kind, event.detail) == (
        SecurityEvent.EMAIL_CHANGE_REQUESTED,
        "vers n•••@c•••.test",
    )


def test_opening_the_link_changes_nothing_until_the_button(signed_in, alice):
    path = ask(signed_in)

    response = signed_in.get(path)

    assert response.status_code == 200
    page = text(response)
    assert "Confirmer ma nouvelle adresse e-mail" in page and NEW in page
    assert '<form method="post"' in page
    alice.refresh_from_db()
    assert alice.email == OLD
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.EMAIL_CHANGED).exists()


def test_confirming_changes_the_address_and_tells_the_old_one(signed_in, alice):
    path = ask(signed_in)

    response = signed_in.post(path)

    assert response.status_code == 200
    assert "Votre adresse e-mail est changée" in text(response)
    alice.refresh_from_db()
    assert alice.email == NEW
    event = SecurityEvent.objects.get(kind=SecurityEvent.EMAIL_CHANGED)
    assert (event.member, event.detail) == (alice, "vers n•••@c•••.test")
    notice = Email.objects.get(template="email_changed")
    assert notice.to == OLD
    assert "Votre adresse e-mail a été remplacée par n•••@c•••.test" in notice.text_body
    assert "Si ce n'est pas vous, appelez la caisse au 01 23 45 67 89." in notice.text_body
    assert NEW not in notice.text_body + notice.html_body + notice.subject


def test_a_member_without_e_mail_adds_one_and_nobody_is_told(client, bob, django_user_model):
    client.force_login(django_user_model.objects.create(username=bob.nir, member=bob))
    path = ask(client, "bob@exemple.test")

    client.post(path)

    bob.refresh_from_db()
    assert bob.email == "bob@exemple.test"
    assert list(Email.objects.values_list("template", flat=True)) == ["email_change"]


def test_the_link_works_signed_out_on_another_device(signed_in, alice):
    path = ask(signed_in)
    phone = Client()

    assert "Confirmer ma nouvelle adresse" in text(phone.get(path))
    response = phone.post(path)

    assert "Votre adresse e-mail est changée" in text(response)
    assert 'href="/connexion/">Me connecter</a>' in response.content.decode()
    alice.refresh_from_db()
    assert alice.email == NEW


def test_the_link_expires_after_24_hours(signed_in, alice, now):
    path = ask(signed_in)
    now.shift(datetime.timedelta(hours=24, seconds=1))

    for response in [signed_in.get(path), signed_in.post(path)]:
        assert response.status_code == 200
        assert "Ce lien a expiré" in text(response)
    alice.refresh_from_db()
    assert alice.email == OLD


def test_the_link_still_works_just_before_24_hours(signed_in, alice, now):
    path = ask(signed_in)
    now.shift(datetime.timedelta(hours=23, minutes=59))

    signed_in.post(path)

    alice.refresh_from_db()
    assert alice.email == NEW


def test_the_link_works_once(signed_in, alice):
    path = ask(signed_in)
    signed_in.post(path)

    for response in [signed_in.get(path), signed_in.post(path)]:
        assert response.status_code == 200
        assert "Ce lien a déjà servi" in text(response)
    assert SecurityEvent.objects.filter(kind=SecurityEvent.EMAIL_CHANGED).count() == 1
    assert Email.objects.filter(template="email_changed").count() == 1


def test_an_older_link_dies_when_a_newer_one_is_used(signed_in, alice):
    first = ask(signed_in, "premiere@exemple.test")
    second = ask(signed_in, "seconde@exemple.test")
    signed_in.post(second)

    response = signed_in.post(first)

    assert "Ce lien a déjà servi" in text(response)
    alice.refresh_from_db()
    assert alice.email == "seconde@exemple.test"


def tampered(path):
    token = path.split("/")[-2]
    value, stamp, signature = token.rsplit(":", 2)
    flipped = "A" if signature[5] != "A" else "B"
    return [
        path.replace(token, f"{value}:{stamp}:{signature[:5]}{flipped}{signature[6:]}"),
        path.replace(token, token[:-1]),
        path.replace(token, "n'importe-quoi"),
        path.replace(token, "<script>alert(1)</script>"),
        path.replace(token, "é" * 300),
    ]


def test_a_tampered_link_is_refused(signed_in, alice):
    *altered, with_a_slash, too_long = tampered(ask(signed_in))

    for path in [*altered, too_long]:
        for response in [signed_in.get(path), signed_in.post(path)]:
            assert response.status_code == 400, path
            assert "Ce lien n'est pas valable" in text(response)
    assert signed_in.post(with_a_slash).status_code == 404  # not even a confirmation URL
    alice.refresh_from_db()
    assert alice.email == OLD
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.EMAIL_CHANGED).exists()


def test_a_link_cannot_be_forged_for_another_member(signed_in, alice):
    other = MemberFactory(email="odile@exemple.test")
    path = ask(signed_in)
    token = path.split("/")[-2]
    # Alice's payload with Odile's id, re-signed without the secret key.
    forged = signing.TimestampSigner(key="pas-la-bonne-cle", salt=SALT).sign_object(
        [other.pk, "pirate@exemple.test", address_digest(other.email)]
    )

    response = signed_in.post(path.replace(token, forged))

    assert response.status_code == 400
    other.refresh_from_db()
    assert other.email == "odile@exemple.test"


def test_it_checks_ownership(signed_in, alice):
    """The request page acts on the signed-in member only, whatever is posted."""
    other = MemberFactory(email="odile@exemple.test")

    signed_in.post(URL, {"email": NEW, "member": other.pk})

    [email] = Email.objects.all()
    assert email.member == alice
    assert not SecurityEvent.objects.filter(member=other).exists()
    assert "odile@exemple.test" not in signed_in.get(URL).content.decode()


@pytest.mark.parametrize(
    "typed, message",
    [
        ("", "Saisissez votre nouvelle adresse e-mail."),
        ("alice", "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr."),
        ("alice@", "Saisissez une adresse e-mail valide"),
        ("<script>@x.fr", "Saisissez une adresse e-mail valide"),
        ("a'; DROP TABLE members;--@x.fr", "Saisissez une adresse e-mail valide"),
        ("alice@exemple .fr", "Saisissez une adresse e-mail valide"),
        ("a" * 250 + "@x.fr", "254 caractères au maximum"),
        (OLD.upper(), "C'est déjà votre adresse e-mail"),
    ],
)
def test_bad_addresses_are_explained_and_nothing_is_sent(signed_in, alice, typed, message):
    response = signed_in.post(URL, {"email": typed})

    assert response.status_code == 200
    page = text(response)
    assert "Il y a un problème" in page and '<a href="#id_email">' in page
    assert message in page
    assert not Email.objects.exists()
    assert not SecurityEvent.objects.exists()


def test_the_sent_page_needs_a_request_first(signed_in):
    response = signed_in.get("/mes-informations/email/envoye/")

    assert response.status_code == 302
    assert response.url == URL


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.post(URL, {"email": NEW})

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:sign_in')}?next={URL}"
    assert not Email.objects.exists()
