"""Counters of failures and requests, rows shared by every process and server."""

from datetime import timedelta

from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone


class Throttle(models.Model):
    """A failure or request counter shared by every server process.

    Keys: "nir:<NIR>" counts wrong codes and passwords for an account (the
    CNIL 2022-100 schedule); "client-failures:<ip>" and "client-requests:<ip>"
    stop one address from trying many NIRs or flooding code requests.
    """

    FREE_FAILURES = 5
    MAX_FAILURES = 25
    MAX_DELAY = timedelta(hours=1)
    WINDOW = timedelta(hours=24)

    key = models.CharField(max_length=80, unique=True)
    count = models.PositiveIntegerField(default=0)
    window_start = models.DateTimeField(default=timezone.now)
    locked_until = models.DateTimeField(null=True, blank=True)
    blocked = models.BooleanField(default=False)

    @staticmethod
    def member_key(nir):
        return f"nir:{nir}"

    @classmethod
    def delay_after(cls, failures):
        """5 free failures; then 2, 4, 8… minutes, at most an hour."""
        if failures <= cls.FREE_FAILURES:
            return timedelta(0)
        return min(timedelta(minutes=2 ** (failures - cls.FREE_FAILURES)), cls.MAX_DELAY)

    @classmethod
    def for_keys(cls, *keys):
        """{key: row} for these keys, in one hand-written query (see
        MemberUserManager.member_and_account for why)."""
        marks = ", ".join(["%s"] * len(keys))
        table, key = connection.ops.quote_name(cls._meta.db_table), connection.ops.quote_name("key")
        rows = cls.objects.raw(
            f"SELECT * FROM {table} WHERE {key} IN ({marks})",  # noqa: S608
            keys,
        )
        return {row.key: row for row in rows}

    @property
    def locked_now(self):
        return self.locked_until is not None and self.locked_until > timezone.now()

    @classmethod
    def hit(cls, key, *, window, limit=None, schedule=None):
        """Count one more event under key in a rolling window; returns the row.

        With `schedule` (the per-account failures), the row gets the growing
        delay, and is blocked at MAX_FAILURES. With `limit`, the key is locked
        for the rest of the window once the limit is reached.
        """
        now = timezone.now()
        with transaction.atomic():
            row, _ = cls.objects.select_for_update().get_or_create(
                key=key, defaults={"window_start": now}
            )
            if row.window_start <= now - window and not row.blocked:
                row.count, row.window_start, row.locked_until = 1, now, None
            else:
                row.count = F("count") + 1
            row.save(update_fields=["count", "window_start", "locked_until"])
            row.refresh_from_db(fields=["count"])
            if schedule:
                if row.count >= cls.MAX_FAILURES:
                    row.blocked = True
                delay = cls.delay_after(row.count)
                row.locked_until = now + delay if delay else None
            elif limit is not None and row.count >= limit:
                row.locked_until = row.window_start + window
            row.save(update_fields=["blocked", "locked_until"])
        return row

    @classmethod
    def clear(cls, key):
        cls.objects.filter(key=key).delete()
