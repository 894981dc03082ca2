import datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from assure.accounts.models import ProvisionalCode, SecurityEvent, Throttle, User
from assure.lib.nir import format_nir
from assure.outbox.models import Email
from tests.conftest import PASSWORD, text

NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
SIGN_IN = reverse("accounts:sign_in")
WRONG = "Le numéro de sécurité sociale ou le code est incorrect."


def sign_in(client, member_or_nir, secret, **extra):
    nir = getattr(member_or_nir, "nir", member_or_nir)
    return client.post(SIGN_IN, {"nir": format_nir(nir), "secret": secret}, **extra)


def test_the_sign_in_page_has_the_tutorial_texts(client, db):
    page = text(client.get(SIGN_IN))
    for label in [
        "J'accède à mon compte",
        "Mon n° de sécurité sociale",
        "Mon code",
        "Valider",
        "Je n'ai pas de code",
        "J'ai oublié mon code",
    ]:
        assert label in page


def test_a_provisional_code_leads_to_choosing_a_password(client, alice, issue_code):
    code = issue_code(alice)
    response = sign_in(client, alice, code.lower().replace(" ", ""))
    assert response.status_code == 302
    assert response.url == reverse("accounts:choose_password")
    page = text(client.get(response.url))
    assert "Choisissez votre mot de passe" in page
    assert "au moins 8 caractères" in page

    response = client.post(
        response.url, {"password": "cheval7batterie", "confirmation": "cheval7batterie"}
    )
    assert response.url == reverse("accounts:account_created")
    assert "Votre compte est créé" in text(client.get(response.url))
    assert "Bonjour Alice" in text(client.get(reverse("accounts:home")))

    user = User.objects.get(member=alice)
    assert user.activated_at and user.check_password("cheval7batterie")
    assert user.password.startswith("argon2$argon2id$v=19$m=19456,t=2,p=1$")
    assert ProvisionalCode.find_live(alice.nir, code) is None
    assert [e.template for e in Email.objects.order_by("id")] == ["code", "account_created"]
    assert "cheval7batterie" not in Email.objects.last().text_body + Email.objects.last().html_body
    assert SecurityEvent.objects.filter(member=alice, kind=SecurityEvent.PASSWORD_SET).exists()


def test_the_code_works_only_once(client, alice, issue_code):
    code = issue_code(alice)
    sign_in(client, alice, code)
    client.logout()
    response = sign_in(client, alice, code)
    assert "Votre code a déjà été accepté" in text(response)  # at once: a double tap
    assert "activation" not in client.session  # which opens nothing
    with time_machine.travel(datetime.timedelta(minutes=2)):
        response = sign_in(client, alice, code)
    assert response.status_code == 200
    assert WRONG in text(response)


def test_the_two_passwords_must_match(client, alice, issue_code):
    sign_in(client, alice, issue_code(alice))
    response = client.post(
        reverse("accounts:choose_password"),
        {"password": "cheval7batterie", "confirmation": "cheval7batterie!"},
    )
    assert response.status_code == 200
    assert "Les deux mots de passe ne sont pas identiques." in text(response)
    assert not User.objects.exists()


def test_choosing_a_password_needs_a_code_first(client, db):
    response = client.get(reverse("accounts:choose_password"))
    assert "Reconnectez-vous avec votre code" in text(response)


def test_the_password_choice_expires_after_15_minutes(client, alice, issue_code):
    with time_machine.travel(NOW, tick=False):
        sign_in(client, alice, issue_code(alice))
    with time_machine.travel(NOW + datetime.timedelta(minutes=16), tick=False):
        response = client.post(
            reverse("accounts:choose_password"),
            {"password": "cheval7batterie", "confirmation": "cheval7batterie"},
        )
    assert "Reconnectez-vous avec votre code" in text(response)
    assert not User.objects.exists()


def test_a_member_signs_in_with_nir_and_password(client, claire):
    response = sign_in(client, claire, PASSWORD)
    assert response.url == reverse("accounts:home")
    event = SecurityEvent.objects.get(kind=SecurityEvent.SIGN_IN)
    assert event.member == claire and event.ip == "127.0.0.1"


def test_the_nir_may_be_typed_with_its_key(client, claire):
    from assure.lib.nir import nir_key

    response = sign_in(client, claire.nir + nir_key(claire.nir), PASSWORD)
    assert response.url == reverse("accounts:home")


def test_sign_in_rotates_the_session(client, claire):
    session = client.session
    session["before"] = True
    session.save()
    before = session.session_key
    sign_in(client, claire, PASSWORD)
    assert client.session.session_key != before


def test_next_redirects_only_inside_the_site(client, claire):
    url = SIGN_IN + "?next=https://evil.example/"
    response = client.post(url, {"nir": claire.nir, "secret": PASSWORD})
    assert response.url == reverse("accounts:home")


@pytest.mark.parametrize("who", ["unknown", "not_activated", "active"])
def test_a_wrong_secret_gets_the_same_answer_whoever_the_nir_is(client, who, alice, claire):
    nir = {"unknown": "2990575111222", "not_activated": alice.nir, "active": claire.nir}[who]
    response = sign_in(client, nir, "pas-le-bon-1")
    assert response.status_code == 200
    page = text(response)
    assert WRONG in page
    assert "Il y a un problème" in page


def test_the_nir_is_validated_before_any_lookup(client, db):
    response = client.post(SIGN_IN, {"nir": "1 84 13 76 451 089", "secret": "x"})
    assert response.status_code == 200
    assert "mois" in text(response)
    assert not Throttle.objects.exists()


def test_after_five_failures_even_the_right_password_waits(client, claire):
    with time_machine.travel(NOW, tick=False):
        for tries in range(5):
            page = text(sign_in(client, claire, f"mauvais{tries}"))
        assert "Au prochain essai incorrect" in page
        page = text(sign_in(client, claire, "mauvais6"))
        assert "bloqué jusqu'à 11 h 02" in page  # Paris time
        page = text(sign_in(client, claire, PASSWORD))
        assert "bloqué jusqu'à 11 h 02" in page
        assert "_auth_user_id" not in client.session
    with time_machine.travel(NOW + datetime.timedelta(minutes=3), tick=False):
        assert sign_in(client, claire, PASSWORD).url == reverse("accounts:home")
    assert SecurityEvent.objects.filter(kind=SecurityEvent.DELAYED).count() == 1


def test_a_blocked_account_is_unblocked_by_a_new_code(client, claire, issue_code):
    Throttle.objects.create(key=Throttle.member_key(claire.nir), count=25, blocked=True)
    page = text(sign_in(client, claire, PASSWORD))
    assert "bloqué après 25 essais incorrects" in page
    assert "J'ai oublié mon code" in page
    code = issue_code(claire)
    assert sign_in(client, claire, code).url == reverse("accounts:choose_password")


def test_one_client_cannot_try_many_nirs(client, settings, db):
    settings.ASSURE_CLIENT_FAILURES_PER_HOUR = 3
    for order in range(3):
        sign_in(client, f"1841276451{order + 1:03d}", "mauvais1")
    page = text(sign_in(client, "1841276451999", "mauvais1"))
    assert "depuis cet appareil" in page
    other = client.__class__(REMOTE_ADDR="10.1.2.3")
    assert "depuis cet appareil" not in text(sign_in(other, "1841276451999", "mauvais1"))


@pytest.mark.parametrize("through_proxy", [False, True])
def test_rotating_x_forwarded_for_does_not_reset_the_client_limit(settings, db, through_proxy):
    """ASSURE_BEHIND_PROXY=1, the proxy on 127.0.0.1; the attacker reaches the
    server straight, or through the proxy, which appends what it saw."""
    settings.ASSURE_CLIENT_FAILURES_PER_HOUR = 3
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.ASSURE_TRUSTED_PROXIES = ["127.0.0.1"]
    client = Client(REMOTE_ADDR="203.0.113.5" if not through_proxy else "127.0.0.1")

    def guess(order):
        forged = f"198.51.100.{order}"
        header = forged if not through_proxy else f"{forged}, 203.0.113.5"
        return text(
            sign_in(client, f"1841276451{order:03d}", "mauvais1", HTTP_X_FORWARDED_FOR=header)
        )

    for order in range(1, 4):
        assert "depuis cet appareil" not in guess(order)
    assert "depuis cet appareil" in guess(4)


def test_a_forgotten_code_leads_to_a_new_password(client, claire, issue_code):
    code = issue_code(claire)
    assert sign_in(client, claire, code).url == reverse("accounts:choose_password")
    response = client.post(
        reverse("accounts:choose_password"),
        {"password": "nouveau9chemin", "confirmation": "nouveau9chemin"},
    )
    assert "Votre mot de passe est enregistré" in text(client.get(response.url))
    client.logout()
    assert WRONG in text(sign_in(client, claire, PASSWORD))
    assert sign_in(client, claire, "nouveau9chemin").url == reverse("accounts:home")


def test_the_old_password_works_until_a_code_is_used(client, claire, issue_code):
    issue_code(claire)
    assert sign_in(client, claire, PASSWORD).url == reverse("accounts:home")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"nir": "", "secret": ""}, "Saisissez votre numéro de sécurité sociale."),
        ({"nir": "", "secret": ""}, "Saisissez votre mot de passe ou votre code provisoire."),
        ({"nir": "1" * 200, "secret": "x"}, "numéro de sécurité sociale"),
        ({"nir": "<b>1 84</b>", "secret": "x"}, "numéro de sécurité sociale"),
        ({"nir": "1841276451089", "secret": "x" * 1001}, "Le code saisi est trop long."),
        ({"nir": "1841276451089' OR 1=1 --", "secret": "x"}, "numéro de sécurité sociale"),
        ({"nir": "１８４１２７６４５１０８９", "secret": "x"}, "numéro de sécurité sociale"),
    ],
)
def test_bad_input_on_the_sign_in_form(client, db, data, message):
    response = client.post(SIGN_IN, data)
    assert response.status_code == 200
    page = text(response)
    assert "Il y a un problème" in page
    assert message in page
    assert "<b>1 84</b>" not in response.content.decode()


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("", "Saisissez votre nouveau mot de passe."),
        ("court1", "au moins 8 caractères"),
        ("x" * 1001, "1000 caractères au maximum"),
        ("\u0000\u202e1234abcd", None),
    ],
)
def test_bad_input_on_the_password_form(client, alice, issue_code, password, message):
    sign_in(client, alice, issue_code(alice))
    response = client.post(
        reverse("accounts:choose_password"), {"password": password, "confirmation": password}
    )
    assert response.status_code in (200, 302)
    if message:
        assert response.status_code == 200
        assert message in text(response)
        assert not User.objects.exists()


def test_a_member_born_in_corsica_goes_through(client, db, issue_code):
    from tests.members.factories import MemberFactory

    member = MemberFactory(nir="278072A004057", first_names="Hélène")
    response = client.post(
        reverse("accounts:request_code"),
        {
            "last_name": member.last_name,
            "first_name": "Hélène",
            "nir": "2 78 07 2a 004 057",
            "birth_date_0": member.birth_date.day,
            "birth_date_1": member.birth_date.month,
            "birth_date_2": member.birth_date.year,
            "postcode": member.postcode,
        },
    )
    assert response.url == reverse("accounts:code_sent")
    code = issue_code(member)
    assert sign_in(client, "278072A004057", code).url == reverse("accounts:choose_password")


def test_a_code_submitted_twice_is_not_a_wrong_guess(client, claire, issue_code):
    code = issue_code(claire)
    with time_machine.travel(NOW, tick=False):
        assert sign_in(client, claire, code).url == reverse("accounts:choose_password")
    with time_machine.travel(NOW + datetime.timedelta(seconds=50), tick=False):
        page = text(sign_in(Client(), claire, code))  # the double tap, or another tab
    assert "Votre code a déjà été accepté" in page
    assert not Throttle.objects.exists()
    assert not SecurityEvent.objects.filter(kind=SecurityEvent.SIGN_IN_FAILED).exists()
    with time_machine.travel(NOW + datetime.timedelta(seconds=70), tick=False):
        assert WRONG in text(sign_in(Client(), claire, code))  # a moment later, a guess
    assert Throttle.objects.get(key=Throttle.member_key(claire.nir)).count == 1
