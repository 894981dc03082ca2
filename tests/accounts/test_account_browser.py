"""Password change, "ce n'était pas moi" and closing the account in a real Chromium."""

import pytest

from assure.accounts.models import User
from tests.browser import assert_accessible, assert_no_horizontal_scroll, sign_in_as
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NEW = "Trois chats gris et 1 souris"


class Visit:
    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url

    def check(self):
        assert_accessible(self.page)
        assert_no_horizontal_scroll(self.page)

    def open(self, path):
        self.page.goto(self.base_url + path)
        self.check()

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(value)

    def click(self, name, role="button"):
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.page.wait_for_load_state()
        self.check()

    def heading(self):
        return self.page.locator("h1").inner_text()

    def change_password(self, current, new, confirmation=None):
        self.fill("Mot de passe actuel", current)
        self.fill("Nouveau mot de passe", new)
        self.fill("Confirmation du mot de passe", confirmation or new)


@pytest.mark.parametrize("width", [1280, 320])
def test_change_the_password_then_sign_in_with_it(browser_page, live_server, claire, width):
    me = Visit(browser_page(width=width), live_server.url)
    sign_in_as(me.page, claire.account, live_server)
    me.open("/mon-compte/mot-de-passe/")
    assert me.heading() == "Changer mon mot de passe"

    me.change_password("pas le bon 1", NEW, "autre chose 2")
    me.click("Changer mon mot de passe")
    summary = me.page.locator(".govuk-error-summary").inner_text()
    assert "Le mot de passe actuel est incorrect." in summary
    assert "Les deux mots de passe ne sont pas identiques." in summary

    me.change_password(PASSWORD, NEW)
    me.click("Changer mon mot de passe")
    assert me.heading() == f"Bonjour {claire.first_name}"
    assert "Votre mot de passe est changé." in me.page.locator("main").inner_text()

    me.click("Me déconnecter")
    me.open("/connexion/")
    me.fill("Mon n° de sécurité sociale", claire.nir)
    me.fill("Mon code", NEW)
    me.click("Valider")
    assert me.heading() == f"Bonjour {claire.first_name}"


def test_not_me_from_the_recent_sign_ins(browser_page, live_server, claire):
    me = Visit(browser_page(width=320), live_server.url)
    sign_in_as(me.page, claire.account, live_server)
    me.open("/mes-informations/")
    me.click("Une connexion ne vient pas de vous ?", role="link")
    assert me.heading() == "Une connexion ne vient pas de vous"
    me.change_password(PASSWORD, NEW)
    me.click("Changer mon mot de passe et fermer les connexions")
    assert me.heading() == "Votre mot de passe est changé"
    me.click("Me reconnecter", role="link")
    assert me.heading() == "J'accède à mon compte"


def test_close_the_account_on_a_phone(browser_page, live_server, claire):
    me = Visit(browser_page(width=320), live_server.url)
    sign_in_as(me.page, claire.account, live_server)
    me.open("/mon-compte/resilier/")
    assert me.heading() == "Résilier votre compte"

    me.fill("Mot de passe", "pas le bon 1")
    me.click("Résilier mon compte")
    assert "Le mot de passe est incorrect." in me.page.locator(".govuk-error-summary").inner_text()

    me.fill("Mot de passe", PASSWORD)
    me.click("Résilier mon compte")
    assert me.heading() == "Votre compte en ligne est résilié"
    assert not User.objects.filter(member=claire).exists()
    me.click("Je demande un code", role="link")
    assert me.heading() == "Je demande un code"
