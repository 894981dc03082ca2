import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import connection, models, transaction
from django.db.models import F
from django.utils import timezone

from assure.lib import rows, useragent
from assure.members.models import Member

# No 0/O, 1/I/L, 2/Z, 5/S, 8/B, U/V: easy to read off a letter and to type.
CODE_ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
CODE_LENGTH = 8


def normalize_code(typed):
    """What the member typed, upper-cased, without spaces or dashes."""
    return "".join(ch for ch in typed.upper() if ch not in " -\t\u00a0")


def looks_like_code(typed):
    """Could this be a provisional code? Most passwords cannot, which spares a query."""
    code = normalize_code(typed)
    return len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)


def code_digest(code):
    """Codes are stored only as a keyed hash (HMAC-SHA256 with the secret key).

    A code has 36 bits of entropy, lives at most 30 days, is single-use and
    sign-in is throttled per account: a keyed hash is enough, and it keeps a
    sign-in at exactly one argon2 verification whatever the path.
    """
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, normalize_code(code).encode(), hashlib.sha256).hexdigest()


@cache
def dummy_password_hash():
    return make_password(secrets.token_urlsafe(16))


@dataclass
class SignIn:
    """The outcome of a member's sign-in attempt."""

    SUCCESS = "success"  # right password: signed in
    CODE = "code"  # right provisional code: choose a password next
    FAILED = "failed"  # wrong NIR, code or password (never says which)
    DELAYED = "delayed"  # too many failures for this NIR: wait until `until`
    BLOCKED = "blocked"  # 25 failures in 24 h: a new code is needed
    CLIENT_LIMITED = "client_limited"  # too many failures from this address

    status: str
    member: Member | None = None
    user: "User | None" = None
    until: "timezone.datetime | None" = None
    failures: int = 0
    wrong: str = "Le numéro de sécurité sociale ou le code est incorrect."

    @classmethod
    def refusal(cls, throttle, member=None):
        """BLOCKED or DELAYED while the account's counter says so, else None:
        then not even the right password is checked."""
        if throttle and throttle.blocked:
            return cls(cls.BLOCKED, member=member)
        if throttle and throttle.locked_now:
            return cls(cls.DELAYED, member=member, until=throttle.locked_until)
        return None

    @classmethod
    def failure(cls, request, member, nir, *, detail="", **outcome):
        """Counts a wrong code or password on the account's counter (the CNIL
        schedule), records it, and says what the member is told."""
        row = Throttle.hit(Throttle.member_key(nir), window=Throttle.WINDOW, schedule=True)
        SecurityEvent.record(
            SecurityEvent.SIGN_IN_FAILED, request, member=member, nir=nir, detail=detail
        )
        if row.blocked:
            SecurityEvent.record(
                SecurityEvent.BLOCKED, request, member=member, nir=nir, detail=detail
            )
            return cls(cls.BLOCKED, member=member)
        if row.locked_until:
            SecurityEvent.record(
                SecurityEvent.DELAYED, request, member=member, nir=nir, detail=f"{row.count} échecs"
            )
            return cls(cls.DELAYED, member=member, until=row.locked_until)
        return cls(cls.FAILED, member=member, failures=row.count, **outcome)

    @property
    def message(self):
        """What the sign-in page says, the same whether the NIR exists or not."""
        if self.status == self.FAILED:
            message = self.wrong
            left = Throttle.FREE_FAILURES - self.failures
            if left == 0:
                message += " Au prochain essai incorrect, l'accès sera bloqué quelques minutes."
            elif left <= 3:
                message += f" Il vous reste {left} essai{'s' if left > 1 else ''} avant un blocage."
            return message
        if self.status == self.DELAYED:
            until = timezone.localtime(self.until)
            return (
                "Trop d'essais incorrects : par sécurité, l'accès à ce compte est bloqué "
                f"jusqu'à {until:%H} h {until:%M}. Attendez cette heure pour réessayer, "
                "ou demandez un nouveau code avec « J'ai oublié mon code »."
            )
        if self.status == self.BLOCKED:
            return (
                f"Par sécurité, l'accès à ce compte est bloqué après {Throttle.MAX_FAILURES} "
                "essais incorrects. Pour le débloquer, demandez un nouveau code avec "
                "« J'ai oublié mon code »."
            )
        return (
            "Trop d'essais incorrects depuis cet appareil. Réessayez dans une heure "
            f"ou contactez votre caisse au {settings.ASSURE_FUND_PHONE}."
        )


class MemberUserManager(UserManager):
    def with_member(self, pk):
        """The user ``pk`` with their member (None for an agent), or None: what
        every page reads for its session (backends.MemberBackend), in one query."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {rows.columns(User, 'u')}, {rows.columns(Member, 'm')} "  # noqa: S608
                f"FROM {User._meta.db_table} u "
                f"LEFT JOIN {Member._meta.db_table} m ON m.id = u.member_id WHERE u.id = %s",
                [pk],
            )
            row = cursor.fetchone()
        if row is None:
            return None
        split = len(User._meta.concrete_fields)
        user = rows.instance(User, self.db, row[:split])
        user.member = rows.instance(Member, self.db, row[split:]) if user.member_id else None
        return user

    def sign_in(self, nir, secret, request):
        """Check a NIR + code-or-password, counting failures per NIR and client.

        Whatever the NIR (unknown, not activated, active), a failure costs
        exactly one argon2 verification, and answers the same way.
        """
        ip = client_ip(request)
        client_key = f"client-failures:{ip}"
        account_key = Throttle.member_key(nir)
        throttles = Throttle.for_keys(client_key, account_key)
        account_throttle = throttles.get(account_key)
        if client_key in throttles and throttles[client_key].locked_now:
            return SignIn(SignIn.CLIENT_LIMITED)
        if refusal := SignIn.refusal(account_throttle):
            return refusal

        member, user = self.member_and_account(nir)
        code = ProvisionalCode.find_live(nir, secret) if looks_like_code(secret) else None
        if code is not None and code.use():
            if account_throttle:
                Throttle.clear(account_key)
            SecurityEvent.record(
                SecurityEvent.SIGN_IN, request, member=member, detail="code provisoire"
            )
            return SignIn(SignIn.CODE, member=member)
        if user is not None and user.is_active and user.check_password(secret):
            if account_throttle:
                Throttle.clear(account_key)
            SecurityEvent.record(SecurityEvent.SIGN_IN, request, member=member)
            return SignIn(SignIn.SUCCESS, member=member, user=user)
        if user is None:
            check_password(secret, dummy_password_hash())

        Throttle.hit(
            client_key, window=timedelta(hours=1), limit=settings.ASSURE_CLIENT_FAILURES_PER_HOUR
        )
        return SignIn.failure(request, member, nir)

    def member_and_account(self, nir):
        """(member, account) for a NIR, either possibly None, with only the
        fields a sign-in reads.

        Hand-written SQL on purpose: building these queries with the ORM costs
        0.3-0.7 ms each against 0.03-0.09 ms for the SQL, and a sign-in must
        cost little more than its argon2 verification (bench/sign_in.py).
        """
        members = Member.objects.raw(
            f"SELECT id, nir FROM {Member._meta.db_table} WHERE nir = %s",  # noqa: S608
            [nir],
        )
        member = next(iter(members), None)
        if member is None:
            return None, None
        accounts = self.raw(
            f"SELECT id, password, is_active, member_id FROM {self.model._meta.db_table} "  # noqa: S608
            "WHERE member_id = %s",
            [member.pk],
        )
        return member, next(iter(accounts), None)

    def set_member_password(self, member, password, request):
        """Activation (first password) or a new password after a forgotten code."""
        with transaction.atomic():
            user = self.filter(member=member).first()
            first_time = user is None
            if first_time:
                user = self.model(member=member, username=member.nir)
            user.set_password(password)
            user.activated_at = user.activated_at or timezone.now()
            user.save()
            ProvisionalCode.objects.filter(member=member).live().update(voided_at=timezone.now())
            SecurityEvent.record(
                SecurityEvent.PASSWORD_SET,
                request,
                member=member,
                detail="création du compte" if first_time else "nouveau mot de passe",
            )
            if member.email:
                from assure.outbox.models import Email

                template = "account_created" if first_time else "password_changed"
                Email.objects.queue(member.email, template, {"member": member}, member=member)
        return user, first_time


class User(AbstractUser):
    """A sign-in: a member's online account (username = NIR) or an agent."""

    member = models.OneToOneField(
        Member, null=True, blank=True, on_delete=models.CASCADE, related_name="account"
    )
    activated_at = models.DateTimeField("compte créé le", null=True, blank=True)

    objects = MemberUserManager()

    class Meta:
        verbose_name = "compte"

    def confirm_password(self, password, request, *, wrong="Le mot de passe est incorrect."):
        """A signed-in member re-typing their password before a sensitive change.

        Returns None when it is right, else the SignIn outcome to show (FAILED,
        DELAYED or BLOCKED): wrong passwords count on the account's throttle
        exactly as failed sign-ins do, and no password is checked during a delay.
        """
        member = self.member
        key = Throttle.member_key(member.nir)
        row = Throttle.for_keys(key).get(key)
        if refusal := SignIn.refusal(row, member):
            return refusal
        if self.check_password(password):
            if row:
                Throttle.clear(key)
            return None
        return SignIn.failure(
            request, member, member.nir, detail="mot de passe de confirmation", wrong=wrong
        )

    def change_password(self, password, request, *, not_me=False):
        """A signed-in member's new password, from "Mes informations" or the
        "ce n'était pas moi" path (`not_me`: every session is to end).

        Every other session of the member ends at its next request: a session
        keeps a hash derived from the password, which no longer matches. The
        caller keeps or ends the current one.
        """
        from assure.outbox.models import Email

        member = self.member
        with transaction.atomic():
            self.set_password(password)
            self.save(update_fields=["password"])
            detail = "ce n'était pas moi" if not_me else "depuis Mes informations"
            SecurityEvent.record(
                SecurityEvent.PASSWORD_CHANGED, request, member=member, detail=detail
            )
            if not_me:
                SecurityEvent.record(SecurityEvent.SESSIONS_ENDED, request, member=member)
            if member.email:
                context = {"member": member, "sessions_ended": not_me}
                Email.objects.queue(member.email, "password_changed", context, member=member)

    def close(self, request):
        """ "Résilier votre compte": the sign-in goes, the member stays.

        The event and the e-mail are kept, tied to the member; the account row
        (and with it the password) is deleted, and live provisional codes are
        voided. The member may reopen an account with "Je n'ai pas de code".
        """
        from assure.outbox.models import Email

        member = self.member
        with transaction.atomic():
            SecurityEvent.record(SecurityEvent.ACCOUNT_CLOSED, request, member=member)
            if member.email:
                Email.objects.queue(
                    member.email, "account_closed", {"member": member}, member=member
                )
            ProvisionalCode.objects.filter(member=member).live().update(voided_at=timezone.now())
            self.delete()


class ProvisionalCodeQuerySet(models.QuerySet):
    def live(self):
        return self.filter(used_at=None, voided_at=None, expires_at__gt=timezone.now())

    def matching(self, typed):
        return self.filter(digest=code_digest(typed))

    def issued_since(self, when):
        return self.filter(created_at__gte=when)


class ProvisionalCode(models.Model):
    EMAIL = "email"
    LETTER = "letter"
    CHANNELS = [(EMAIL, "e-mail"), (LETTER, "courrier postal")]

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="codes")
    digest = models.CharField(max_length=64, unique=True)
    channel = models.CharField(max_length=10, choices=CHANNELS)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    voided_at = models.DateTimeField(null=True, blank=True)

    objects = ProvisionalCodeQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["member", "created_at"])]

    @staticmethod
    def generate():
        return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))

    @staticmethod
    def display(code):
        """ABCD EFGH: two groups of four, as printed and e-mailed."""
        return f"{code[:4]} {code[4:]}"

    @classmethod
    def lifetime(cls, channel):
        if channel == cls.EMAIL:
            return timedelta(hours=settings.ASSURE_CODE_EMAIL_HOURS)
        return timedelta(days=settings.ASSURE_CODE_LETTER_DAYS)

    @classmethod
    def daily_quota_reached(cls, member):
        since = timezone.now() - timedelta(hours=24)
        return cls.objects.filter(member=member).issued_since(since).count() >= (
            settings.ASSURE_CODES_PER_DAY
        )

    @classmethod
    def issue(cls, member, channel, *, reason, request=None, origin=None):
        """Issue a new code, void older ones and queue the e-mail or letter.

        Everything is written in one transaction: the code, the message that
        carries it and the security event. Returns the ProvisionalCode row;
        its `clear_code` attribute (never stored) is the code as sent.
        """
        from assure.outbox.models import Email, Letter

        if channel == cls.EMAIL and not member.email:
            channel = cls.LETTER
        now = timezone.now()
        while True:
            code = cls.generate()
            digest = code_digest(code)
            if not cls.objects.filter(digest=digest).exists():
                break
        with transaction.atomic():
            cls.objects.filter(member=member).live().update(voided_at=now)
            row = cls.objects.create(
                member=member,
                digest=digest,
                channel=channel,
                created_at=now,
                expires_at=now + cls.lifetime(channel),
            )
            Throttle.objects.filter(key=Throttle.member_key(member.nir)).delete()
            context = {
                "member": member,
                "code": cls.display(code),
                "expires_at": row.expires_at,
                "reason": reason,
            }
            if channel == cls.EMAIL:
                Email.objects.queue(member.email, "code", context, member=member)
            else:
                Letter.objects.queue(member, "code", context)
            SecurityEvent.record(
                SecurityEvent.CODE_ISSUED,
                request,
                member=member,
                detail=row.get_channel_display(),
                origin=origin,
            )
        row.clear_code = cls.display(code)
        return row

    @classmethod
    def find_live(cls, nir, typed):
        """The live code `typed` for this NIR (one query, whether the NIR exists or not)."""
        return cls.objects.live().matching(typed).filter(member__nir=nir).first()

    def use(self):
        """Single use: the code is spent and every other live code voided."""
        now = timezone.now()
        ProvisionalCode.objects.filter(member=self.member_id).live().exclude(pk=self.pk).update(
            voided_at=now
        )
        return ProvisionalCode.objects.filter(pk=self.pk, used_at=None).update(used_at=now) == 1


class SecurityEventManager(models.Manager):
    def last_sign_ins(self, member, count):
        """The member's `count` latest sign-ins, newest first, through the
        (member, kind, -created_at) index (« Mes informations »)."""
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {rows.columns(self.model, 'e')} FROM {self.model._meta.db_table} e "  # noqa: S608
                "WHERE member_id = %s AND kind = %s ORDER BY created_at DESC LIMIT %s",
                [member.pk, self.model.SIGN_IN, count],
            )
            return [rows.instance(self.model, self.db, row) for row in cursor.fetchall()]


class SecurityEvent(models.Model):
    CODE_ISSUED = "code_issued"
    SIGN_IN = "sign_in"
    SIGN_IN_FAILED = "sign_in_failed"
    DELAYED = "delayed"
    BLOCKED = "blocked"
    PASSWORD_SET = "password_set"
    PASSWORD_CHANGED = "password_changed"
    SIGN_OUT = "sign_out"
    SESSIONS_ENDED = "sessions_ended"
    CONTACT_CHANGED = "contact_changed"
    EMAIL_CHANGE_REQUESTED = "email_change_requested"
    EMAIL_CHANGED = "email_changed"
    ACCOUNT_CLOSED = "account_closed"
    KINDS = [
        (CODE_ISSUED, "code provisoire envoyé"),
        (SIGN_IN, "connexion réussie"),
        (SIGN_IN_FAILED, "échec de connexion"),
        (DELAYED, "connexion temporisée"),
        (BLOCKED, "compte bloqué"),
        (PASSWORD_SET, "mot de passe choisi"),
        (PASSWORD_CHANGED, "mot de passe changé"),
        (SIGN_OUT, "déconnexion"),
        (SESSIONS_ENDED, "toutes les sessions fermées"),
        (CONTACT_CHANGED, "coordonnées modifiées"),
        (EMAIL_CHANGE_REQUESTED, "changement d'e-mail demandé"),
        (EMAIL_CHANGED, "adresse e-mail changée"),
        (ACCOUNT_CLOSED, "compte en ligne résilié"),
    ]

    member = models.ForeignKey(
        Member,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="security_events",
        db_index=False,  # the (member, kind, created_at) index serves member lookups
    )
    # The NIR as typed (13 characters), kept even when it matches nobody.
    nir = models.CharField(max_length=13, blank=True)
    kind = models.CharField(max_length=30, choices=KINDS)
    detail = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = SecurityEventManager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["member", "kind", "-created_at"])]

    @property
    def device(self):
        return useragent.describe(self.user_agent)

    @classmethod
    def record(cls, kind, request=None, *, member=None, nir="", detail="", origin=None):
        """Store an event; its client is the request's, or `origin` (an Origin)."""
        origin = origin or Origin.of(request)
        return cls.objects.create(
            kind=kind,
            member=member,
            nir=nir or (member.nir if member else ""),
            detail=detail[:200],
            ip=origin.ip,
            user_agent=origin.user_agent,
        )


@dataclass(frozen=True)
class Origin:
    """Where something was asked from: the client's address and user agent."""

    ip: str | None = None
    user_agent: str = ""

    @classmethod
    def of(cls, request):
        if request is None:
            return cls()
        return cls(client_ip(request), request.headers.get("User-Agent", "")[:300])


def client_ip(request):
    """The client's address. Behind a proxy (ASSURE_BEHIND_PROXY), the last
    address the proxy appended to X-Forwarded-For."""
    if getattr(settings, "SECURE_PROXY_SSL_HEADER", None):
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR") or None


class CodeRequestQuerySet(models.QuerySet):
    def process_pending(self):
        """Answer the forgotten-code requests; returns how many were handled.

        Each request is claimed by deleting it, in the same transaction as the
        code it may issue: two workers never answer one request twice, and a
        worker that dies mid-way leaves the request for the next one.
        """
        handled = 0
        for request in self.order_by("pk")[:500]:
            with transaction.atomic():
                if self.filter(pk=request.pk).delete()[0]:
                    request.answer()
                    handled += 1
        return handled


class CodeRequest(models.Model):
    """A forgotten-code request ("J'ai oublié mon code"), answered by the worker.

    The page that receives it only stores it, whatever the NIR: its answer and
    its timing are the same whether the NIR exists, has an account or has an
    e-mail. The worker then matches the NIR and birth date and issues a code
    on the chosen channel (by post when no e-mail is on file). The request is
    deleted once answered: nothing is kept about people who are not members.
    """

    nir = models.CharField(max_length=13)
    birth_date = models.DateField()
    channel = models.CharField(max_length=10, choices=ProvisionalCode.CHANNELS)
    created_at = models.DateTimeField(default=timezone.now)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=300, blank=True)

    objects = CodeRequestQuerySet.as_manager()

    @classmethod
    def receive(cls, nir, birth_date, channel, request):
        origin = Origin.of(request)
        return cls.objects.create(
            nir=nir,
            birth_date=birth_date,
            channel=channel,
            ip=origin.ip,
            user_agent=origin.user_agent,
        )

    def answer(self):
        member = Member.objects.filter(nir=self.nir, birth_date=self.birth_date).first()
        if member is None or ProvisionalCode.daily_quota_reached(member):
            return None
        return ProvisionalCode.issue(
            member,
            self.channel,
            reason="forgotten",
            origin=Origin(self.ip, self.user_agent),
        )


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
