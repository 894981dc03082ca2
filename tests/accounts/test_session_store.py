from django.contrib.sessions.models import Session

from assure.accounts.sessions import SessionStore


def test_a_new_session_is_written_once_with_its_data(db):
    session = SessionStore()
    session["_auth_user_id"] = "7"
    session.save()
    [row] = Session.objects.all()
    assert row.session_key == session.session_key
    assert SessionStore(session.session_key)["_auth_user_id"] == "7"


def test_a_key_clash_draws_another_key(db, monkeypatch):
    SessionStore().save()
    taken = Session.objects.get().session_key
    keys = iter([taken, "z" * 32])
    monkeypatch.setattr(SessionStore, "_get_new_session_key", lambda self: next(keys))
    session = SessionStore()
    session["x"] = 1
    session.save()
    assert session.session_key == "z" * 32
    assert Session.objects.count() == 2


def test_cycling_the_key_removes_the_old_session(db):
    session = SessionStore()
    session["before"] = True
    session.save()
    old = session.session_key
    session.cycle_key()
    session.save()
    assert session.session_key != old
    assert SessionStore(session.session_key)["before"] is True
    assert not Session.objects.filter(session_key=old).exists()


def test_an_existing_session_is_updated(db):
    session = SessionStore()
    session.save()
    session["later"] = 2
    session.save()
    assert SessionStore(session.session_key)["later"] == 2
    assert Session.objects.count() == 1
