"""Online accounts: a member's sign-in (or an agent's), and how a sign-in goes."""

import secrets
from dataclasses import dataclass
from datetime import timedelta
from functools import cache

from django.conf import settings
from django.contrib.auth.hashers import check_password, make_password
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import connection, models, transaction
from django.utils import timezone

from assure.lib import rows
from assure.lib.client import client_ip
from assure.members.models import Member
from assure.outbox.models import Email

from .codes import ProvisionalCode, looks_like_code
from .events import SecurityEvent
from .throttles import Throttle


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
    ALREADY_OPEN = "already_open"  # the right code, spent a moment ago by this very member

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

        Only a successful sign-in clears the account's counter: the right
        password once the delay is over, or a live provisional code at any
        time (no password is checked during a delay, but a code is: it is how
        a member gets back in). Requesting a code never clears it, so it gives
        no one more password guesses.
        """
        ip = client_ip(request)
        client_key = f"client-failures:{ip}"
        account_key = Throttle.member_key(nir)
        throttles = Throttle.for_keys(client_key, account_key)
        account_throttle = throttles.get(account_key)
        if client_key in throttles and throttles[client_key].locked_now:
            return SignIn(SignIn.CLIENT_LIMITED)
        refusal = SignIn.refusal(account_throttle)
        code_shaped = looks_like_code(secret)
        code = ProvisionalCode.find_live(nir, secret) if code_shaped else None
        if code is None and code_shaped and ProvisionalCode.just_used(nir, secret):
            return SignIn(SignIn.ALREADY_OPEN)  # a double tap: not a wrong guess
        if refusal and code is None:
            # Locked: no password is checked. Requesting a code does not lift
            # the lock; signing in with that code does (below). A wrong code
            # is still a guess, counted like any other.
            if code_shaped:
                return self.count_failure(request, nir, client_key, self.member_and_account(nir)[0])
            return refusal

        member, user = self.member_and_account(nir)
        if code is not None:
            if not code.use():
                return SignIn(SignIn.ALREADY_OPEN)  # used by a parallel request
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
        return self.count_failure(request, nir, client_key, member)

    @staticmethod
    def count_failure(request, nir, client_key, member=None):
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
            ProvisionalCode.objects.filter(member=member).live().void()
            SecurityEvent.record(
                SecurityEvent.PASSWORD_SET,
                request,
                member=member,
                detail="création du compte" if first_time else "nouveau mot de passe",
            )
            if member.email:
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
        member = self.member
        with transaction.atomic():
            SecurityEvent.record(SecurityEvent.ACCOUNT_CLOSED, request, member=member)
            if member.email:
                Email.objects.queue(
                    member.email, "account_closed", {"member": member}, member=member
                )
            ProvisionalCode.objects.filter(member=member).live().void()
            self.delete()
