import pytest
from django.urls import reverse

from assure.accounts.jobs import answer_forgotten_code_requests
from assure.accounts.models import CodeRequest, ProvisionalCode, SecurityEvent
from assure.outbox import jobs
from assure.outbox.models import Email, Letter
from tests.conftest import text

URL = reverse("accounts:forgotten_code")


def request(client, member_or_nir, birth_date, channel="email"):
    """Posts the form, then lets the worker answer (as `assure worker` does)."""
    nir = getattr(member_or_nir, "nir", member_or_nir)
    response = post(client, nir, birth_date, channel)
    CodeRequest.objects.process_pending()
    return response


def post(client, nir, birth_date, channel="email"):
    return client.post(
        URL,
        {
            "nir": nir,
            "birth_date_0": birth_date.day,
            "birth_date_1": birth_date.month,
            "birth_date_2": birth_date.year,
            "channel": channel,
        },
    )


def test_the_page_has_the_tutorial_texts(client, db):
    page = text(client.get(URL))
    for label in [
        "J'ai oublié mon code",
        "Numéro de sécurité sociale",
        "Date de naissance",
        "Je reçois mon code par",
        "Email (réception immédiate)",
        "Courrier postal (sous un délai de 8 jours)",
        "Valider",
    ]:
        assert label in page


def test_by_email(client, claire):
    response = request(client, claire, claire.birth_date, "email")
    assert response.url == reverse("accounts:forgotten_code_sent")
    assert Email.objects.get().template == "code"


def test_by_letter(client, claire):
    request(client, claire, claire.birth_date, "letter")
    assert Letter.objects.get().member == claire
    assert not Email.objects.exists()


def test_email_falls_back_to_a_letter(client, bob):
    request(client, bob, bob.birth_date, "email")
    assert Letter.objects.get().member == bob


def answer(client, *args):
    response = request(client, *args)
    assert response.status_code == 302
    return text(client.get(response.url))


def test_the_same_answer_whatever_happened(client, claire, alice):
    from datetime import date

    answers = {
        answer(client, claire, claire.birth_date),  # active account
        answer(client, alice, alice.birth_date),  # never activated: a first code
        answer(client, claire, date(1990, 1, 1)),  # wrong birth date
        answer(client, "2990575111222", date(1990, 1, 1)),  # unknown NIR
    }
    assert len(answers) == 1
    assert ProvisionalCode.objects.count() == 2


def test_requests_are_capped_per_nir(client, claire):
    for _ in range(5):
        request(client, claire, claire.birth_date)
    assert ProvisionalCode.objects.count() == 3


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"channel": ""}, "Choisissez comment recevoir votre code"),
        ({"channel": "pigeon"}, "Choisissez comment recevoir votre code"),
        ({"nir": "12345"}, "13 chiffres"),
        ({"birth_date_1": "13"}, "doit être une vraie date"),
    ],
)
def test_bad_input(client, claire, data, message):
    post = {
        "nir": claire.nir,
        "birth_date_0": 1,
        "birth_date_1": 1,
        "birth_date_2": 1980,
        "channel": "email",
        **data,
    }
    response = client.post(URL, post)
    assert response.status_code == 200
    assert message in text(response)
    assert not ProvisionalCode.objects.exists()


def test_the_page_only_records_the_request_the_worker_answers(client, claire):
    post(client, claire.nir, claire.birth_date, "letter")
    post(client, "2990575111222", claire.birth_date, "email")
    assert CodeRequest.objects.count() == 2
    assert not ProvisionalCode.objects.exists()

    assert CodeRequest.objects.process_pending() == 2
    assert not CodeRequest.objects.exists()  # nothing kept about non-members
    assert ProvisionalCode.objects.get().member == claire
    event = SecurityEvent.objects.get(kind=SecurityEvent.CODE_ISSUED)
    assert event.ip == "127.0.0.1"
    assert event.detail == "courrier postal"


def test_the_worker_answers_the_requests_through_its_registered_job():
    assert answer_forgotten_code_requests in jobs.JOBS.values()
