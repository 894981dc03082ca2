"""Provisional codes and the forgotten-code requests that issue them.

A code is what a member types in "Mon code" before choosing a password: random,
single-use, stored only as a keyed hash, sent by e-mail or by post
(`ProvisionalCode.issue`). A forgotten-code request ("J'ai oublié mon code") is
stored as it comes and answered later by `assure worker` (`CodeRequest`).
"""

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from assure.lib.codes import CODE_ALPHABET
from assure.members.models import Member
from assure.outbox.models import Email, Letter, Secret

from .events import Origin, SecurityEvent

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


class ProvisionalCodeQuerySet(models.QuerySet):
    def live(self):
        return self.filter(used_at=None, voided_at=None, expires_at__gt=timezone.now())

    def matching(self, typed):
        return self.filter(digest=code_digest(typed))

    def issued_since(self, when):
        return self.filter(created_at__gte=when)

    def void(self):
        """Void these codes; the messages that carried them forget them."""
        codes = list(self.values_list("pk", flat=True))
        ProvisionalCode.objects.filter(pk__in=codes).update(voided_at=timezone.now())
        ProvisionalCode.forget_messages_of(codes)


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
    def secret_ref(pk):
        return f"provisional-code:{pk}"

    @classmethod
    def forget_messages_of(cls, codes):
        """The e-mails and letters that carried these codes keep no readable copy."""
        refs = [cls.secret_ref(pk) for pk in codes]
        Email.objects.forget_secrets(*refs)
        Letter.objects.forget_secrets(*refs)

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
    def issue_within_quota(cls, member, channel, **how):
        """`issue()` unless ASSURE_CODES_PER_DAY codes were issued to the member
        in the last 24 hours (then None), whatever the concurrency: the member's
        row is locked while the codes are counted and the new one is written
        (SQLite serialises write transactions by itself: `transaction_mode`)."""
        with transaction.atomic():
            Member.objects.select_for_update().only("pk").get(pk=member.pk)
            if cls.daily_quota_reached(member):
                return None
            return cls.issue(member, channel, **how)

    @classmethod
    def issue(cls, member, channel, *, reason, request=None, origin=None):
        """Issue a new code, void older ones and queue the e-mail or letter.

        Everything is written in one transaction: the code, the message that
        carries it and the security event. Returns the ProvisionalCode row;
        its `clear_code` attribute (never stored) is the code as sent.
        """
        if channel == cls.EMAIL and not member.email:
            channel = cls.LETTER
        now = timezone.now()
        while True:
            code = cls.generate()
            digest = code_digest(code)
            if not cls.objects.filter(digest=digest).exists():
                break
        with transaction.atomic():
            cls.objects.filter(member=member).live().void()
            row = cls.objects.create(
                member=member,
                digest=digest,
                channel=channel,
                created_at=now,
                expires_at=now + cls.lifetime(channel),
            )
            context = {
                "member": member,
                "secret": Secret(cls.display(code), cls.secret_ref(row.pk), row.expires_at),
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

    JUST_USED = timedelta(seconds=60)

    @classmethod
    def just_used(cls, nir, typed):
        """Was `typed` this NIR's code, spent less than JUST_USED ago? Then a
        second submission (a double tap, a reload) is no wrong guess."""
        since = timezone.now() - cls.JUST_USED
        return cls.objects.matching(typed).filter(member__nir=nir, used_at__gte=since).exists()

    @classmethod
    def find_live(cls, nir, typed):
        """The live code `typed` for this NIR (one query, whether the NIR exists or not)."""
        return cls.objects.live().matching(typed).filter(member__nir=nir).first()

    def use(self):
        """Single use: the code is spent, every other live code voided, and
        the message that carried it forgets it."""
        ProvisionalCode.objects.filter(member=self.member_id).live().exclude(pk=self.pk).void()
        spent = ProvisionalCode.objects.filter(pk=self.pk, used_at=None).update(
            used_at=timezone.now()
        )
        ProvisionalCode.forget_messages_of([self.pk])
        return spent == 1


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
        if member is None:
            return None
        return ProvisionalCode.issue_within_quota(
            member,
            self.channel,
            reason="forgotten",
            origin=Origin(self.ip, self.user_agent),
        )
