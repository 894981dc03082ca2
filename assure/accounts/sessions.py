from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.contrib.sessions.backends.db import SessionStore as DatabaseSessionStore
from django.db import IntegrityError, connection, transaction
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

    def save(self, must_create=False):
        """A new session is one plain INSERT (the hot path of every sign-in);
        updates go through Django's store."""
        if self.session_key is None:
            return self.create()
        if not must_create:
            return super().save()
        table = connection.ops.quote_name(self.model._meta.db_table)
        expire_date = self.model._meta.get_field("expire_date").get_db_prep_save(
            self.get_expiry_date(), connection
        )
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {table} (session_key, session_data, expire_date) "  # noqa: S608
                    "VALUES (%s, %s, %s)",
                    [self._session_key, self.encode(self._get_session(no_load=True)), expire_date],
                )
        except IntegrityError as error:
            raise CreateError from error
