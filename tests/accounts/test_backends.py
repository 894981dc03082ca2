"""Every page reads its session's user and, in the same query, their member."""

import datetime

import pytest

from assure.accounts.backends import MemberBackend
from assure.accounts.models import User
from assure.members.models import Member


def test_a_members_user_comes_with_the_member_in_one_query(
    alice_account, alice, django_assert_num_queries
):
    alice.css_start = datetime.date(2026, 1, 1)
    alice.save()
    with django_assert_num_queries(1):
        user = MemberBackend().get_user(alice_account.pk)
        member = user.member
        assert member.account is user
    # Every value as the ORM reads it, dates and times included.
    orm_user = User.objects.get(pk=alice_account.pk)
    orm_member = Member.objects.get(pk=alice.pk)
    for field in User._meta.concrete_fields:
        assert getattr(user, field.attname) == getattr(orm_user, field.attname), field.name
    for field in Member._meta.concrete_fields:
        assert getattr(member, field.attname) == getattr(orm_member, field.attname), field.name
    assert member.css_start == datetime.date(2026, 1, 1)
    assert isinstance(member.created_at, datetime.datetime)
    assert not user._state.adding and user._state.db == "default"


def test_an_agent_has_no_member(db, django_assert_num_queries):
    agent = User.objects.create_user("agent.dupont", password="x", is_staff=True)
    with django_assert_num_queries(1):
        user = MemberBackend().get_user(agent.pk)
        assert user.member is None
    assert user == agent and user.is_staff


@pytest.mark.parametrize("change", ["deleted", "inactive"])
def test_a_removed_or_inactive_user_is_no_one(alice_account, change):
    if change == "deleted":
        alice_account.delete()
    else:
        alice_account.is_active = False
        alice_account.save()
    assert MemberBackend().get_user(alice_account.pk) is None


def test_member_pages_are_signed_in_with_this_backend(signed_in, alice_account):
    assert signed_in.session["_auth_user_backend"] == "assure.accounts.backends.MemberBackend"
    assert signed_in.get("/accueil/").status_code == 200
