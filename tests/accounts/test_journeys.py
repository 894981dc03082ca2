"""The account lifecycle in a real browser, as the tutorials teach it.

Chromium (Debian's) through Playwright; every page checked with axe. E-mails
travel through a real SMTP server, letters through the print batch PDF.
"""

import datetime
import re

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from tests.browser import assert_accessible, assert_no_horizontal_scroll
from tests.members.factories import MemberFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CODE = re.compile(r"\b([3-9A-Z]{4} [3-9A-Z]{4})\b")
PASSWORD = "Un velo jaune a 2 roues"


@pytest.fixture
def member(db):
    return MemberFactory(
        last_name="Martin",
        birth_name="Lefèvre",
        first_names="Jeanne",
        birth_date=datetime.date(1984, 12, 3),
        email="jeanne.martin@exemple.test",
    )


def code_from_smtp(smtp_server):
    call_command("worker", "--once")
    message = smtp_server.messages[-1]
    text = message.get_body(preferencelist=("plain",)).get_content()
    return CODE.search(text).group(1)


def code_from_print_batch(tmp_path):
    call_command("worker", "--once")  # answers forgotten-code requests
    output = tmp_path / "batch.pdf"
    call_command("print_letters", "--output", str(output))
    text = "\n".join(page.extract_text() for page in PdfReader(output).pages)
    return CODE.findall(text)[-1]


class Journey:
    """A member's browser, checking every page it lands on."""

    def __init__(self, page, base_url):
        self.page, self.base_url = page, base_url

    def check(self):
        assert_accessible(self.page)
        assert_no_horizontal_scroll(self.page)

    def open(self, path=""):
        self.page.goto(self.base_url + path)
        self.check()

    def click(self, name, role="link"):
        self.page.get_by_role(role, name=name, exact=True).first.click()
        self.page.wait_for_load_state()
        self.check()

    def fill(self, label, value):
        self.page.get_by_label(label, exact=True).fill(str(value))

    def fill_date(self, date):
        self.fill("Jour", date.day)
        self.fill("Mois", date.month)
        self.fill("Année", date.year)

    def heading(self):
        return self.page.locator("h1").inner_text()

    def sign_in(self, nir, secret):
        self.fill("Mon n° de sécurité sociale", nir)
        self.fill("Mon code", secret)
        self.click("Valider", role="button")

    def choose_password(self, password):
        assert self.heading() == "Choisissez votre mot de passe"
        self.fill("Nouveau mot de passe", password)
        self.fill("Confirmation du mot de passe", password)
        self.click("Valider", role="button")


def spaced(nir):
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]}"


@pytest.mark.parametrize("width", [1280, 320])
def test_first_code_by_email_then_password(browser_page, live_server, smtp_server, member, width):
    me = Journey(browser_page(width=width), live_server.url)
    me.open()
    me.click("Je crée mon compte")
    assert me.heading() == "Je demande un code"
    me.fill("Nom", "MARTIN")
    me.fill("Prénom", "jeanne")
    me.fill("Numéro de sécurité sociale", spaced(member.nir))
    me.fill_date(member.birth_date)
    me.fill("Code postal", member.postcode)
    me.click("Suivant", role="button")
    assert "j•••@e•••.test" in me.page.content()

    code = code_from_smtp(smtp_server)
    me.click("Je me connecte")
    assert me.heading() == "J'accède à mon compte"
    me.sign_in(spaced(member.nir), code.lower())
    me.choose_password(PASSWORD)
    assert me.heading() == "Votre compte est créé"
    me.click("Accéder à mon compte")
    assert me.heading() == "Bonjour Jeanne"

    me.click("Me déconnecter", role="button")
    assert me.heading() == "Vous êtes déconnecté"
    me.click("Me reconnecter")
    me.sign_in(member.nir, PASSWORD)
    assert me.heading() == "Bonjour Jeanne"
    assert "connexion réussie" not in me.page.content()  # events shown as dates and devices
    assert len(smtp_server.messages) == 1
    call_command("worker", "--once")
    assert "compte" in smtp_server.messages[-1]["Subject"].lower()


def test_first_code_by_letter(browser_page, live_server, tmp_path, db):
    member = MemberFactory(email="", first_names="Paul", last_name="Rossi", birth_name="")
    me = Journey(browser_page(), live_server.url)
    me.open("/demande-de-code/")
    me.fill("Nom", "Rossi")
    me.fill("Prénom", "Paul")
    me.fill("Numéro de sécurité sociale", member.nir)
    me.fill_date(member.birth_date)
    me.fill("Code postal", member.postcode)
    me.click("Suivant", role="button")
    assert "par courrier" in me.page.content()

    code = code_from_print_batch(tmp_path)
    me.click("Je me connecte")
    me.sign_in(member.nir, code)
    me.choose_password(PASSWORD)
    assert me.heading() == "Votre compte est créé"


@pytest.mark.parametrize(
    "channel", ["Email (réception immédiate)", "Courrier postal (sous un délai de 8 jours)"]
)
def test_forgotten_code(browser_page, live_server, smtp_server, tmp_path, member, channel):
    from assure.accounts.models import User

    user = User(member=member, username=member.nir)
    user.set_password(PASSWORD)
    user.save()

    me = Journey(browser_page(), live_server.url)
    me.open("/connexion/")
    me.click("J'ai oublié mon code")
    me.fill("Numéro de sécurité sociale", member.nir)
    me.fill_date(member.birth_date)
    me.page.get_by_label(channel).check()
    me.click("Valider", role="button")
    assert me.heading() == "Votre demande est enregistrée"

    code = (
        code_from_smtp(smtp_server)
        if channel.startswith("Email")
        else code_from_print_batch(tmp_path)
    )
    me.click("Je me connecte")
    me.sign_in(member.nir, code)
    me.choose_password("Une toute nouvelle phrase 2")
    assert me.heading() == "Votre mot de passe est enregistré"
    me.click("Accéder à mon compte")
    assert me.heading() == "Bonjour Jeanne"


def test_wrong_passwords_until_the_delay(browser_page, live_server, member):
    from assure.accounts.models import User

    user = User(member=member, username=member.nir)
    user.set_password(PASSWORD)
    user.save()

    me = Journey(browser_page(), live_server.url)
    me.open("/connexion/")
    for attempt in range(6):
        me.sign_in(member.nir, f"mauvais{attempt}")
    assert "bloqué jusqu'à" in me.page.locator(".govuk-error-summary").inner_text()
    me.sign_in(member.nir, PASSWORD)
    assert me.heading() == "J'accède à mon compte"
    assert "bloqué jusqu'à" in me.page.locator(".govuk-error-summary").inner_text()


def test_a_code_sent_twice_says_it_was_accepted_and_goes_on(browser_page, live_server, member):
    from assure.accounts.models import ProvisionalCode

    code = ProvisionalCode.issue(member, ProvisionalCode.EMAIL, reason="first").clear_code
    me = Journey(browser_page(width=320), live_server.url)
    me.open("/connexion/")
    me.sign_in(member.nir, code)
    assert me.heading() == "Choisissez votre mot de passe"
    me.page.go_back()  # the form again, as after a double tap or a reload
    me.sign_in(member.nir, code)
    assert me.heading() == "Votre code a déjà été accepté"
    me.click("Continuer")
    me.choose_password(PASSWORD)
    assert me.heading() == "Votre compte est créé"
