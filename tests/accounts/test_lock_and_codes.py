"""Requesting a code gives an attacker who knows a NIR and a birth date no
more password guesses: only a successful sign-in lifts an account's lock."""

import datetime
import re

import time_machine
from django.urls import reverse

from assure.accounts.models import CodeRequest, SecurityEvent, Throttle
from assure.lib.nir import format_nir
from assure.outbox.models import Email
from tests.conftest import PASSWORD, text

NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
LOCKED = "l'accès à ce compte est bloqué jusqu'à"


def guess(client, member, secret):
    url = reverse("accounts:sign_in")
    return client.post(url, {"nir": format_nir(member.nir), "secret": secret})


def request_code(client, member):
    """« J'ai oublié mon code », answered by the worker; the code as e-mailed."""
    birth = member.birth_date
    client.post(
        reverse("accounts:forgotten_code"),
        {
            "nir": member.nir,
            "birth_date_0": birth.day,
            "birth_date_1": birth.month,
            "birth_date_2": birth.year,
            "channel": "email",
        },
    )
    CodeRequest.objects.process_pending()
    email = Email.objects.filter(template="code").latest("pk")
    return re.search(r"\b([A-Z0-9]{4} [A-Z0-9]{4})\b", email.text_body)[1]


def guess_until_locked(client, member):
    for tries in range(6):
        guess(client, member, f"mauvais{tries}")


def checked_guesses():
    return SecurityEvent.objects.filter(kind=SecurityEvent.SIGN_IN_FAILED).count()


def test_guess_until_locked_request_a_code_guess_again(client, claire):
    with time_machine.travel(NOW, tick=False):
        guess_until_locked(client, claire)
        assert LOCKED in text(guess(client, claire, "mauvais7"))
        assert checked_guesses() == 6

        code = request_code(client, claire)

        assert Throttle.objects.get(key=Throttle.member_key(claire.nir)).locked_now
        assert LOCKED in text(guess(client, claire, "mauvais8"))
        assert LOCKED in text(guess(client, claire, PASSWORD))  # not even checked
        assert checked_guesses() == 6
        # The member who asked for the code gets in with it, lock or not.
        assert guess(client, claire, code).url == reverse("accounts:choose_password")
        assert not Throttle.objects.filter(key=Throttle.member_key(claire.nir)).exists()


def test_a_wrong_code_during_the_lock_is_a_counted_guess(client, claire):
    with time_machine.travel(NOW, tick=False):
        guess_until_locked(client, claire)
        assert LOCKED in text(guess(client, claire, "AAAA AAAA"))
        assert checked_guesses() == 7


def test_an_attacker_gets_10_guesses_in_the_first_hour_and_25_a_day(client, claire, settings):
    """Guessing as soon as the lock allows, and asking for a code whenever
    locked, for 24 hours (the client limit aside: a botnet has many addresses)."""
    settings.ASSURE_CLIENT_FAILURES_PER_HOUR = 10_000
    settings.ASSURE_CLIENT_REQUESTS_PER_HOUR = 10_000
    checked_by_minute = {}
    for minute in range(0, 24 * 60, 2):
        with time_machine.travel(NOW + datetime.timedelta(minutes=minute), tick=False):
            if LOCKED in text(guess(client, claire, f"mauvais{minute}")):
                request_code(client, claire)
            checked_by_minute[minute] = checked_guesses()
    assert checked_by_minute[58] == 10
    assert checked_by_minute[24 * 60 - 2] == Throttle.MAX_FAILURES  # then blocked
