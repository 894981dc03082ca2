from django.contrib.sessions.backends.base import VALID_KEY_CHARS
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.utils.crypto import get_random_string


class SessionStore(DatabaseSessionStore):
    """Database sessions, written once at sign-in instead of three times.

    Django's store checks that a new key is free (a SELECT), inserts an empty
    session when the key is cycled at sign-in, then updates it with the
    signed-in data. Here the new key is only chosen when the session is saved
    at the end of the request, and a (practically impossible) clash of 32
    random characters is caught by the insert itself (save(must_create=True)).
    """

    def _get_new_session_key(self):
        return get_random_string(32, VALID_KEY_CHARS)

    def cycle_key(self):
        data = self._session
        old_key = self.session_key
        self._session_key = None
        self._session_cache = data
        self.modified = True
        if old_key:
            self.delete(old_key)
