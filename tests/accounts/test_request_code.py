import pytest
from django.urls import reverse

from assure.accounts.models import ProvisionalCode
from assure.outbox.models import Email, Letter
from tests.conftest import text

URL = reverse("accounts:request_code")
NO_MATCH = "Nous n'avons pas trouvé d'assuré correspondant à ces informations."


def identity(member, **changes):
    data = {
        "last_name": member.last_name,
        "first_name": member.first_name,
        "nir": member.nir,
        "birth_date_0": member.birth_date.day,
        "birth_date_1": member.birth_date.month,
        "birth_date_2": member.birth_date.year,
        "postcode": member.postcode,
    }
    data.update(changes)
    return data


def test_the_page_has_the_tutorial_texts(client, db):
    page = text(client.get(URL))
    for label in [
        "Je demande un code",
        "Nom",
        "Prénom",
        "Numéro de sécurité sociale",
        "Date de naissance",
        "Code postal",
        "Suivant",
        "nom de naissance",
    ]:
        assert label in page


def test_a_member_with_an_email_gets_the_code_by_email(client, alice):
    response = client.post(URL, identity(alice))
    assert response.url == reverse("accounts:code_sent")
    page = text(client.get(response.url))
    assert "par e-mail" in page
    assert "a•••@e•••.test" in page
    assert "alice.martin@exemple.test" not in page
    [email] = Email.objects.all()
    assert email.member == alice
    assert ProvisionalCode.objects.get().channel == "email"


def test_a_member_without_email_gets_the_code_by_letter(client, bob):
    response = client.post(URL, identity(bob))
    page = text(client.get(response.url))
    assert "par courrier" in page
    assert "8 jours" in page
    assert Letter.objects.get().member == bob


def test_names_match_without_case_accents_hyphens_or_spaces(client, alice):
    response = client.post(URL, identity(alice, last_name="  martin ", first_name="ALICE"))
    assert response.status_code == 302


def test_the_birth_name_works_too(client, alice):
    response = client.post(URL, identity(alice, last_name="LEFEVRE"))
    assert response.status_code == 302


@pytest.mark.parametrize(
    "changes",
    [
        {"last_name": "Dupont"},
        {"first_name": "Alicia"},
        {"birth_date_0": 4},
        {"postcode": "75011"},
        {"nir": "2990575111222"},
    ],
)
def test_one_generic_message_when_anything_differs(client, alice, changes):
    response = client.post(URL, identity(alice, **changes))
    assert response.status_code == 200
    page = text(response)
    assert NO_MATCH in page
    assert "carte Vitale" in page
    assert not ProvisionalCode.objects.exists()


def test_an_active_account_is_sent_to_sign_in(client, claire):
    page = text(client.post(URL, identity(claire)))
    assert "Vous avez déjà un compte" in page
    assert "J'ai oublié mon code" in page
    assert not ProvisionalCode.objects.exists()


def test_three_codes_a_day_at_most(client, alice):
    for _ in range(3):
        assert client.post(URL, identity(alice)).status_code == 302
    page = text(client.post(URL, identity(alice)))
    assert "Vous avez déjà demandé plusieurs codes" in page
    assert ProvisionalCode.objects.count() == 3


def test_one_client_cannot_flood_requests(client, alice, settings):
    settings.ASSURE_CLIENT_REQUESTS_PER_HOUR = 2
    client.post(URL, identity(alice, last_name="X"))
    client.post(URL, identity(alice, last_name="Y"))
    page = text(client.post(URL, identity(alice)))
    assert "Trop de demandes" in page
    assert not ProvisionalCode.objects.exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"last_name": ""}, "Saisissez votre nom."),
        ({"first_name": ""}, "Saisissez votre prénom."),
        ({"last_name": "x" * 101}, "Le nom doit comporter 100 caractères au maximum."),
        ({"postcode": "7501"}, "Le code postal doit comporter 5 chiffres"),
        ({"postcode": "SW1A 1AA"}, "Le code postal doit comporter 5 chiffres"),
        ({"nir": ""}, "Saisissez votre numéro de sécurité sociale."),
        ({"nir": "<script>alert(1)</script>"}, "numéro de sécurité sociale"),
        ({"nir": "1' OR '1'='1"}, "numéro de sécurité sociale"),
        (
            {"birth_date_0": "", "birth_date_1": "", "birth_date_2": ""},
            "Saisissez votre date de naissance",
        ),
        ({"birth_date_0": "31", "birth_date_1": "2"}, "doit être une vraie date"),
        ({"birth_date_2": "2999"}, "dans le passé"),
    ],
)
def test_bad_input_gets_a_french_message_in_the_summary_and_by_the_field(
    client, alice, changes, message
):
    response = client.post(URL, identity(alice, **changes))
    assert response.status_code == 200
    page = text(response)
    assert "Il y a un problème" in page
    assert page.count(message) >= 2  # in the summary and next to the field
    assert "&lt;script&gt;" not in page or "<script>alert" not in page
    assert not ProvisionalCode.objects.exists()


@pytest.mark.parametrize(
    "value", ["Zoë\u0000", "\u202eevil", "𝓐𝓵𝓲𝓬𝓮", "é" * 5000, "Robert'); DROP TABLE members;--"]
)
def test_odd_unicode_never_breaks_the_page(client, alice, value):
    response = client.post(URL, identity(alice, last_name=value, first_name=value))
    assert response.status_code == 200
    assert not ProvisionalCode.objects.exists()
