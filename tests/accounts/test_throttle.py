import datetime

import pytest
import time_machine

from assure.accounts.models import Throttle

NOW = datetime.datetime(2026, 11, 22, 10, 0, tzinfo=datetime.UTC)
KEY = Throttle.member_key("1841276451089")


def state():
    """(blocked, locked now) for KEY."""
    row = Throttle.objects.filter(key=KEY).first()
    return (row.blocked, row.locked_now) if row else (False, False)


def fail(times=1):
    for _ in range(times):
        row = Throttle.hit(KEY, window=Throttle.WINDOW, schedule=True)
    return row


@pytest.mark.parametrize(
    ("failures", "minutes"),
    [(1, 0), (5, 0), (6, 2), (7, 4), (8, 8), (9, 16), (10, 32), (11, 60), (24, 60)],
)
def test_five_free_failures_then_a_growing_delay_above_a_minute(failures, minutes):
    assert Throttle.delay_after(failures) == datetime.timedelta(minutes=minutes)


@pytest.mark.django_db
def test_the_sixth_failure_delays_the_account():
    with time_machine.travel(NOW, tick=False):
        assert fail(5).locked_until is None
        assert state() == (False, False)
        row = fail()
        assert row.locked_until == NOW + datetime.timedelta(minutes=2)
        assert state() == (False, True)
    with time_machine.travel(NOW + datetime.timedelta(minutes=2, seconds=1), tick=False):
        assert state() == (False, False)


@pytest.mark.django_db
def test_twenty_five_failures_in_a_day_block_the_account_until_a_new_code():
    moment = NOW
    for _ in range(24):
        with time_machine.travel(moment, tick=False):
            row = fail()
            assert not row.blocked
        moment += (
            datetime.timedelta(hours=1, seconds=1) if row.locked_until else datetime.timedelta()
        )
    assert moment - NOW < datetime.timedelta(hours=24)
    with time_machine.travel(moment, tick=False):
        assert fail().blocked
    with time_machine.travel(moment + datetime.timedelta(days=3), tick=False):
        assert state()[0] is True


@pytest.mark.django_db
def test_failures_are_forgotten_after_24_hours():
    with time_machine.travel(NOW, tick=False):
        fail(4)
    with time_machine.travel(NOW + datetime.timedelta(hours=24, seconds=1), tick=False):
        assert fail().count == 1


@pytest.mark.django_db
def test_a_limit_locks_a_client_for_the_rest_of_the_window():
    window = datetime.timedelta(hours=1)
    with time_machine.travel(NOW, tick=False):
        for _ in range(2):
            assert Throttle.hit("client:x", window=window, limit=3).locked_until is None
        assert Throttle.hit("client:x", window=window, limit=3).locked_until == NOW + window
    with time_machine.travel(NOW + window + datetime.timedelta(seconds=1), tick=False):
        assert Throttle.hit("client:x", window=window, limit=3).locked_until is None
