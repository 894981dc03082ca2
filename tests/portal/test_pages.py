"""The public pages, the layout and the error pages, without a browser."""

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.views.defaults import server_error


def text(response):
    return response.content.decode()


def test_the_home_page_leads_to_creating_an_account_or_signing_in(client, db):
    html = text(client.get("/"))

    assert "<title>Accueil – Caisse de démonstration</title>" in html
    assert html.count("<h1") == 1
    assert "Première connexion" in html and "Mon compte" in html
    assert (
        f'<a class="govuk-button" href="{reverse("accounts:request_code")}">Je crée mon compte</a>'
        in html
    )
    assert (
        f'<a class="govuk-button" href="{reverse("accounts:sign_in")}">Je me connecte</a>' in html
    )
    forgotten = reverse("accounts:forgotten_code")
    assert f'href="{forgotten}">J\'ai oublié mon code</a>' in html
    assert "Aller à mon compte" not in html


def test_the_home_page_leads_a_signed_in_member_to_their_account(client, alice_account):
    client.force_login(alice_account)

    html = text(client.get("/"))

    assert f'href="{reverse("accounts:home")}">Aller à mon compte</a>' in html


def test_the_layout_names_the_fund_and_how_to_reach_it(client, db, settings):
    settings.ASSURE_FUND_NAME = "Caisse du Val"
    settings.ASSURE_FUND_PHONE = "03 20 00 00 00"
    settings.ASSURE_FUND_ADDRESS = "Caisse du Val\n2 place Nette\n59000 Lille"

    html = text(client.get("/"))

    assert '<html lang="fr" class="govuk-template">' in html
    assert '<a href="#main-content" class="govuk-skip-link">Aller au contenu principal</a>' in html
    assert '<a class="assure-header__name" href="/">Caisse du Val</a>' in html
    assert '<main class="govuk-main-wrapper" id="main-content">' in html
    assert "2 place Nette<br>59000 Lille" in html
    assert '<a class="govuk-link" href="tel:0320000000">03 20 00 00 00</a>' in html
    assert 'href="/static/assure/css/main.css"' in html
    assert 'href="/theme.css?v=' in html


def test_the_demo_is_marked_on_every_page(client, db, settings):
    settings.ASSURE_DEMO = True

    for url in ["/", "/cette-page-n-existe-pas/", reverse("accounts:sign_in")]:
        html = text(client.get(url))
        assert "Démonstration</strong>" in html
        assert "— données fictives." in html
        assert f'href="{reverse("outbox:demo_outbox")}"' in html
        assert "Ce portail n'est affilié à aucune caisse réelle." in html


def test_nothing_says_demo_outside_the_demo(client, db, settings):
    settings.ASSURE_DEMO = False

    html = text(client.get("/"))

    assert "Démonstration" not in html
    assert "aucune caisse réelle" not in html


def test_messages_show_as_notification_banners(rf):
    request = rf.get("/")
    messages = [
        Message(constants.SUCCESS, "Votre mot de passe est enregistré."),
        Message(constants.INFO, "Vous avez été déconnecté."),
    ]

    html = render_to_string("portal/base.html", {"messages": messages}, request=request)

    assert (
        '<div class="govuk-notification-banner govuk-notification-banner--success"\n'
        '           role="alert"'
    ) in html
    assert "C'est fait</h2>" in html
    assert "Votre mot de passe est enregistré.</p>" in html
    assert 'role="region"\n           aria-labelledby="message-title-2"' in html
    assert 'id="message-title-2">Important</h2>' in html


def test_a_member_page_has_the_menu_the_sign_out_button_and_the_idle_notice(
    client, alice_account, settings
):
    settings.ASSURE_IDLE_TIMEOUT = 20 * 60
    client.force_login(alice_account)

    html = text(client.get(reverse("accounts:home")))

    assert '<details class="assure-menu">' in html
    assert "<span>Menu</span>" in html
    assert f'href="{reverse("accounts:home")}" aria-current="page">Accueil</a>' in html
    assert (
        f'<form class="assure-sign-out" method="post" action="{reverse("accounts:sign_out")}">'
        in html
    )
    assert 'name="csrfmiddlewaretoken"' in html
    assert '<span class="assure-header__button-text">Me déconnecter</span>' in html
    assert "Par sécurité, vous serez déconnecté après 20 minutes d'inactivité." in html


def test_a_missing_page_is_a_french_404(client, db):
    response = client.get("/cette-page-n-existe-pas/")

    assert response.status_code == 404
    assert '<h1 class="govuk-heading-l">Page introuvable</h1>' in text(response)


def test_the_500_page_needs_no_request_context(rf):
    response = server_error(rf.get("/"))

    assert response.status_code == 500
    assert "Désolé, le service rencontre un problème" in text(response)
    assert text(response).count("<h1") == 1


@pytest.mark.parametrize(
    "template, heading", [("400.html", "Demande incorrecte"), ("403.html", "Accès refusé")]
)
def test_the_other_error_pages_are_in_french(rf, template, heading):
    html = render_to_string(template, request=rf.get("/"))

    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in html


def test_an_expired_form_says_so_and_leads_back_to_it(db):
    client = Client(enforce_csrf_checks=True)
    form_url = f"http://testserver{reverse('accounts:sign_in')}"

    response = client.post(reverse("accounts:sign_in"), {}, headers={"referer": form_url})

    assert response.status_code == 403
    html = text(response)
    assert '<h1 class="govuk-heading-l">La page a expiré</h1>' in html
    assert f'<a class="govuk-button" href="{form_url}">Revenir au formulaire</a>' in html


def test_an_expired_form_never_leads_to_another_site(db):
    client = Client(enforce_csrf_checks=True)

    response = client.post(
        reverse("accounts:sign_in"), {}, headers={"referer": "https://ailleurs.example/piege"}
    )

    assert response.status_code == 403
    assert '<a class="govuk-button" href="/">Revenir au formulaire</a>' in text(response)
