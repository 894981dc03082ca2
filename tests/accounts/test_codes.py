import datetime

import pytest
import time_machine
from django.db import transaction

from assure.accounts.models import (
    CODE_ALPHABET,
    CODE_LENGTH,
    ProvisionalCode,
    SecurityEvent,
    code_digest,
    normalize_code,
)
from assure.outbox.models import Email, Letter

NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)


def test_codes_are_long_random_and_unambiguous():
    codes = {ProvisionalCode.generate() for _ in range(500)}
    assert len(codes) == 500
    for code in codes:
        assert len(code) == CODE_LENGTH >= 8
        assert set(code) <= set(CODE_ALPHABET)
    assert not set("0O1IL2Z5S8BUV") & set(CODE_ALPHABET)


def test_a_code_is_typed_without_case_and_with_or_without_spaces():
    assert normalize_code(" abcd-efgh ") == "ABCDEFGH"
    assert code_digest("abcd efgh") == code_digest("ABCDEFGH")
    assert code_digest("ABCDEFGH") != code_digest("ABCDEFGX")


def test_a_code_is_stored_only_hashed(alice, issue_code):
    code = issue_code(alice)
    row = ProvisionalCode.objects.get()
    assert normalize_code(code) not in row.digest
    assert row.digest == code_digest(code)


def test_an_emailed_code_goes_by_email_and_lives_24_hours(alice):
    with time_machine.travel(NOW, tick=False):
        row = ProvisionalCode.issue(alice, ProvisionalCode.EMAIL, reason="first")
    assert row.channel == "email"
    assert row.expires_at == NOW + datetime.timedelta(hours=24)
    [email] = Email.objects.all()
    assert email.to == "alice.martin@exemple.test"
    assert row.clear_code in email.text_body
    assert not Letter.objects.exists()
    assert SecurityEvent.objects.get().kind == SecurityEvent.CODE_ISSUED


def test_without_email_the_code_goes_by_letter_and_lives_30_days(bob):
    with time_machine.travel(NOW, tick=False):
        row = ProvisionalCode.issue(bob, ProvisionalCode.EMAIL, reason="first")
    assert row.channel == "letter"
    assert row.expires_at == NOW + datetime.timedelta(days=30)
    assert Letter.objects.get().member == bob
    assert not Email.objects.exists()


def test_lifetimes_are_configurable(alice, settings):
    settings.ASSURE_CODE_EMAIL_HOURS = 2
    with time_machine.travel(NOW, tick=False):
        row = ProvisionalCode.issue(alice, ProvisionalCode.EMAIL, reason="first")
    assert row.expires_at == NOW + datetime.timedelta(hours=2)


def test_a_code_expires(alice, issue_code):
    with time_machine.travel(NOW, tick=False):
        code = issue_code(alice)
    with time_machine.travel(NOW + datetime.timedelta(hours=23, minutes=59), tick=False):
        assert ProvisionalCode.find_live(alice.nir, code)
    with time_machine.travel(NOW + datetime.timedelta(hours=24, seconds=1), tick=False):
        assert ProvisionalCode.find_live(alice.nir, code) is None


def test_a_new_code_voids_the_older_ones(alice, issue_code):
    first = issue_code(alice)
    second = issue_code(alice)
    assert ProvisionalCode.find_live(alice.nir, first) is None
    assert ProvisionalCode.find_live(alice.nir, second)


def test_a_code_is_single_use(alice, issue_code):
    code = issue_code(alice)
    row = ProvisionalCode.find_live(alice.nir, code)
    assert row.use()
    assert not row.use()
    assert ProvisionalCode.find_live(alice.nir, code) is None


def test_a_code_belongs_to_its_member(alice, claire, issue_code):
    code = issue_code(alice)
    assert ProvisionalCode.find_live(claire.nir, code) is None


def test_at_most_three_codes_per_day(alice, issue_code):
    with time_machine.travel(NOW, tick=False):
        for _ in range(3):
            issue_code(alice)
        assert ProvisionalCode.daily_quota_reached(alice)
    with time_machine.travel(NOW + datetime.timedelta(hours=24, seconds=1), tick=False):
        assert not ProvisionalCode.daily_quota_reached(alice)


@pytest.mark.django_db(transaction=True)
def test_code_and_its_message_are_written_together_or_not_at_all(alice):
    with pytest.raises(RuntimeError), transaction.atomic():
        ProvisionalCode.issue(alice, ProvisionalCode.EMAIL, reason="first")
        raise RuntimeError("the request fails after issuing")
    assert not ProvisionalCode.objects.exists()
    assert not Email.objects.exists()
    assert not SecurityEvent.objects.exists()


def test_only_secrets_shaped_like_a_code_are_looked_up_as_codes():
    from assure.accounts.models import looks_like_code

    code = ProvisionalCode.generate()
    assert looks_like_code(code)
    assert looks_like_code(ProvisionalCode.display(code).lower())
    assert not looks_like_code("cheval7batterie")
    assert not looks_like_code("ABCD EFGH")  # B is not in the alphabet
    assert not looks_like_code(code[:7])
