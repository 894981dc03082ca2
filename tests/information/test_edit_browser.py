"""Editing contact details in a real Chromium on a phone, the e-mail change
confirmed through the link a real SMTP server received."""

import pytest
from django.core.management import call_command
from django.test.utils import override_settings
from playwright.sync_api import expect

from tests.browser import assert_accessible, assert_no_horizontal_scroll, sign_in_as
from tests.smtp import SMTPServer

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "alice.nouvelle-adresse-bien-longue@courriel-exemple.test"


def check(page):
    assert_accessible(page)
    assert_no_horizontal_scroll(page)


def test_the_member_changes_their_e_mail_through_the_link_received(
    browser_page, live_server, settings, alice_file, alice_account
):
    settings.ASSURE_PUBLIC_URL = live_server.url
    page = browser_page(width=320)
    sign_in_as(page, alice_account, live_server)
    page.goto(f"{live_server.url}/mes-informations/")

    page.get_by_role("link", name="Modifier l'adresse e-mail").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Modifier mon adresse e-mail", use_inner_text=True
    )
    check(page)
    page.get_by_label("Nouvelle adresse e-mail").fill("pas-une-adresse")
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()
    assert (
        "Saisissez une adresse e-mail valide" in page.locator(".govuk-error-summary").inner_text()
    )
    check(page)
    page.get_by_label("Nouvelle adresse e-mail").fill(NEW)
    page.get_by_role("button", name="Recevoir le lien de confirmation").click()
    assert page.get_by_role("heading", level=1).inner_text() == (
        "Consultez votre nouvelle boîte e-mail"
    )
    check(page)

    server = SMTPServer().start()
    try:
        with override_settings(**server.settings()):
            call_command("worker", "--once")
        message = server.messages[-1]
    finally:
        server.stop()
    assert message["To"] == NEW
    body = message.get_body(preferencelist=("plain",)).get_content()
    [link] = [
        word for word in body.split() if word.startswith(f"{live_server.url}/mes-informations/")
    ]

    phone = browser_page(width=320)  # another device, signed out
    phone.goto(link)
    assert phone.get_by_role("heading", level=1).inner_text() == (
        "Confirmer ma nouvelle adresse e-mail"
    )
    check(phone)
    alice_file.refresh_from_db()
    assert alice_file.email == "alice.martin@exemple.test"
    phone.get_by_role("button", name="Confirmer ma nouvelle adresse").click()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Votre adresse e-mail est changée", use_inner_text=True
    )
    check(phone)
    alice_file.refresh_from_db()
    assert alice_file.email == NEW

    phone.goto(link)
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Ce lien a déjà servi", use_inner_text=True
    )
    check(phone)


def test_the_member_corrects_their_address_and_phone(
    browser_page, live_server, alice_file, alice_account
):
    page = browser_page(width=320)
    sign_in_as(page, alice_account, live_server)
    page.goto(f"{live_server.url}/mes-informations/")

    page.get_by_role("link", name="Modifier l'adresse", exact=True).click()
    check(page)
    page.get_by_label("Code postal").fill("SW1A 1AA")
    page.get_by_role("button", name="Enregistrer mon adresse").click()
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text(
        "Saisissez un code postal français à 5 chiffres", use_inner_text=True
    )
    check(page)
    summary.get_by_role("link").click()
    assert page.evaluate("document.activeElement.id") == "id_postcode"
    page.get_by_label("Code postal").fill("69007")
    page.get_by_label("Ville").fill("Lyon")
    page.get_by_role("button", name="Enregistrer mon adresse").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Mes informations", use_inner_text=True
    )
    expect(page.locator("main")).to_contain_text(
        "Votre adresse est enregistrée.", use_inner_text=True
    )
    check(page)

    page.get_by_role("link", name="Modifier le numéro de téléphone").click()
    page.get_by_label("Téléphone").fill("+33 1")
    page.get_by_role("button", name="Enregistrer mon numéro").click()
    expect(page.locator("main")).to_contain_text(
        "Saisissez un numéro de téléphone valide", use_inner_text=True
    )
    check(page)
    page.get_by_role("link", name="Retour à mes informations").click()
    expect(page).to_have_url(f"{live_server.url}/mes-informations/")
    alice_file.refresh_from_db()
    assert (alice_file.postcode, alice_file.phone) == ("69007", "+33199001001")
