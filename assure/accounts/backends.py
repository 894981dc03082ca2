from django.contrib.auth.backends import ModelBackend

from .models import User


class MemberBackend(ModelBackend):
    """Django's backend, except that the session's user is read with their
    member in one query: every member page needs both (`member_required`)."""

    def get_user(self, user_id):
        user = User.objects.with_member(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
