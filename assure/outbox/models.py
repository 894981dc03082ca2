"""Outgoing mail is data: every e-mail and letter is a row first.

An e-mail is rendered when it is queued, inside the caller's transaction, and
sent later by `assure worker`, which only sees committed rows: a rolled-back
request sends nothing, a committed one is retried until the SMTP server takes
it. A letter keeps what it needs (postal lines, its template's context with
the values' types) and becomes a PDF in the print batch (`assure
print_letters`), its words drawn from templates like the e-mails'.

A message may carry a secret (a provisional code) only until it has done its
job: see `Secret`.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Replace
from django.template.loader import render_to_string
from django.utils import timezone, translation

from assure.lib import typed_json
from assure.members.models import Member

MAX_BACKOFF = timedelta(hours=1)
REDACTED = "•••• ••••"  # what a message shows where its secret was


@dataclass
class Secret:
    """What a message carries only until it has done its job: given as
    `context["secret"]` to `queue()`, shown by `{{ secret }}` in its templates.

    The message row keeps it (e-mails: in their bodies) until the e-mail is
    sent or the letter printed, until `expires_at`, or until the app that gave
    it says it is spent (`forget_secrets(ref)`), whichever comes first; then
    every copy is replaced by REDACTED. A message still pending when its
    secret goes is abandoned: sending a dead code helps no one. In demo mode
    (ASSURE_DEMO) sent and printed messages keep theirs for the trainers'
    outbox page until it expires or is spent.
    """

    value: str
    ref: str  # what it belongs to, e.g. "provisional-code:12"
    expires_at: datetime


class SecretQuerySet(models.QuerySet):
    def holding_secrets(self):
        return self.exclude(secret="")

    def forget_secrets(self, *refs):
        """Forget the secrets of these references, wherever they are; the
        pending messages that carried them are abandoned. Returns how many."""
        return self.filter(secret_ref__in=refs).forget()

    def forget_expired(self, now=None):
        return self.filter(secret_expires_at__lte=now or timezone.now()).forget()

    def forget(self):
        now = timezone.now()
        rows = self.holding_secrets()
        self.model.pending_filter(rows).update(abandoned_at=now)
        return rows.update(secret="", **self.model.redactions())


class CarriesSecret(models.Model):
    """The fields of a message that may carry a `Secret`."""

    secret = models.CharField("secret (effacé après usage)", max_length=100, blank=True)
    secret_ref = models.CharField("référence du secret", max_length=60, blank=True)
    secret_expires_at = models.DateTimeField("secret valable jusqu'au", null=True, blank=True)
    abandoned_at = models.DateTimeField("abandonné le", null=True, blank=True)

    class Meta:
        abstract = True

    @staticmethod
    def secret_fields(secret):
        if secret is None:
            return {}
        return {
            "secret": secret.value,
            "secret_ref": secret.ref,
            "secret_expires_at": secret.expires_at,
        }

    @classmethod
    def keep_secrets_once_done(cls):
        """Trainers' outbox page: the demo keeps what was sent or printed."""
        return settings.ASSURE_DEMO


def fund_context():
    """What every e-mail and letter may show about the fund."""
    return {
        "fund_name": settings.ASSURE_FUND_NAME,
        "fund_phone": settings.ASSURE_FUND_PHONE,
        "public_url": settings.ASSURE_PUBLIC_URL,
    }


def backoff(attempts):
    """Wait before the next try after `attempts` failed ones: 1, 2, 4… min, at most 1 h."""
    return min(timedelta(minutes=2 ** min(max(attempts - 1, 0), 10)), MAX_BACKOFF)


class EmailQuerySet(SecretQuerySet):
    def due(self, now=None):
        return self.pending().filter(next_attempt_at__lte=now or timezone.now())

    def pending(self):
        return self.filter(sent_at=None, abandoned_at=None)


class EmailManager(models.Manager.from_queryset(EmailQuerySet)):
    def queue(self, to, template, context, member=None):
        """Render outbox/emails/<template>.{subject.txt,txt,html} now and store the e-mail.

        Call it inside the caller's transaction: it only creates the row.
        """
        context = {**fund_context(), **context}
        secret = context.pop("secret", None)
        if secret is not None:
            context["secret"] = secret.value
        with translation.override("fr"):
            subject = render_to_string(f"outbox/emails/{template}.subject.txt", context)
            text = render_to_string(f"outbox/emails/{template}.txt", context)
            html = render_to_string(f"outbox/emails/{template}.html", context)
        return self.create(
            to=to,
            subject=" ".join(subject.split()),
            text_body=text.strip() + "\n",
            html_body=html,
            member=member,
            template=template,
            **Email.secret_fields(secret),
        )

    def claim_next(self, lease):
        """Take the next due e-mail for `lease`, or None when nothing is due.

        The claim is one conditional UPDATE: of several workers, exactly one
        wins a row; the row comes back to the queue by itself when the lease
        runs out (a worker killed while sending loses nothing).
        """
        while True:
            now = timezone.now()
            candidates = list(
                self.due(now).order_by("next_attempt_at", "pk").values_list("pk", flat=True)[:20]
            )
            if not candidates:
                return None
            for pk in candidates:
                claimed = self.filter(pk=pk, sent_at=None, next_attempt_at__lte=now).update(
                    next_attempt_at=now + lease, attempts=F("attempts") + 1
                )
                if claimed == 1:
                    return self.get(pk=pk)


class Email(CarriesSecret):
    to = models.EmailField("destinataire", max_length=254)
    subject = models.CharField("objet", max_length=300)
    text_body = models.TextField("texte")
    html_body = models.TextField("HTML")
    member = models.ForeignKey(
        Member, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails"
    )
    template = models.CharField("modèle", max_length=60)
    created_at = models.DateTimeField("créé le", default=timezone.now)
    attempts = models.PositiveIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochain essai", default=timezone.now)
    sent_at = models.DateTimeField("envoyé le", null=True, blank=True)
    last_error = models.TextField("dernière erreur", blank=True)

    objects = EmailManager()

    class Meta:
        verbose_name = "e-mail"
        indexes = [
            # The worker's query: sent_at IS NULL AND next_attempt_at <= now.
            models.Index(
                fields=["next_attempt_at"], condition=Q(sent_at=None), name="outbox_email_due"
            ),
            models.Index(fields=["-created_at"], name="outbox_email_created"),
            models.Index(
                fields=["secret_expires_at"], condition=~Q(secret=""), name="outbox_email_secrets"
            ),
        ]

    def __str__(self):
        return f"{self.subject} → {self.to}"

    @property
    def status(self):
        if self.sent_at:
            return "sent"
        if self.abandoned_at:
            return "abandoned"
        return "retrying" if self.last_error else "pending"

    @property
    def status_display(self):
        return {
            "sent": "envoyé",
            "abandoned": "abandonné (son code n'était plus valable)",
            "retrying": "nouvel essai prévu",
            "pending": "en attente",
        }[self.status]

    @staticmethod
    def pending_filter(emails):
        return emails.filter(sent_at=None)

    @staticmethod
    def redactions():
        """The SQL that replaces the secret in both bodies."""
        return {
            body: Replace(body, F("secret"), Value(REDACTED)) for body in ("text_body", "html_body")
        }

    def message_id(self):
        """A Message-ID fixed per row: should a crash make the worker send an
        e-mail twice, receiving servers and clients can tell it is the same."""
        domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(" >") or "assure.invalid"
        return f"<outbox.{self.pk}.{int(self.created_at.timestamp())}@{domain}>"

    def as_message(self, connection=None):
        message = EmailMultiAlternatives(
            subject=self.subject,
            body=self.text_body,
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[self.to],
            headers={"Message-ID": self.message_id(), "Auto-Submitted": "auto-generated"},
            connection=connection,
        )
        message.attach_alternative(self.html_body, "text/html")
        return message

    def send(self, connection=None):
        """One attempt through the configured e-mail backend.

        Returns True when sent; on failure stores the error and schedules the
        next attempt after a growing delay (never given up).
        """
        try:
            self.as_message(connection).send()
        except Exception as error:  # any failure is retried later, never lost
            now = timezone.now()
            self.last_error = f"{type(error).__name__}: {error}"[:2000]
            self.next_attempt_at = now + backoff(self.attempts)
            Email.objects.filter(pk=self.pk).update(
                last_error=self.last_error, next_attempt_at=self.next_attempt_at
            )
            return False
        self.sent_at = timezone.now()
        forgotten = {}
        if self.secret and not self.keep_secrets_once_done():
            forgotten = {"secret": "", **self.redactions()}
        Email.objects.filter(pk=self.pk).update(sent_at=self.sent_at, **forgotten)
        return True


class LetterQuerySet(SecretQuerySet):
    def pending(self):
        return self.filter(posted_at=None, abandoned_at=None)


class LetterManager(models.Manager.from_queryset(LetterQuerySet)):
    def queue(self, member, template, context):
        """Store a letter to `member` (printed by the next print batch), with
        what its template outbox/letters/<template>.xml needs: the context but
        the member (the letter's own), its values kept with their types.

        Call it inside the caller's transaction: it only creates the row.
        """
        context = {key: value for key, value in context.items() if key != "member"}
        secret = context.pop("secret", None)
        return self.create(
            member=member,
            template=template,
            postal_lines=member.postal_lines,
            context=context,
            **Letter.secret_fields(secret),
        )

    def mark_posted(self, letters, batch, now=None):
        """Mark these letters posted in `batch`; returns how many were still pending."""
        now = now or timezone.now()
        ids = [letter.pk for letter in letters]
        count = 0
        for start in range(0, len(ids), 500):
            chunk = self.filter(pk__in=ids[start : start + 500])
            count += chunk.filter(posted_at=None).update(posted_at=now, batch=batch)
            if not Letter.keep_secrets_once_done():
                chunk.forget()
        return count


class Letter(CarriesSecret):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="letters")
    template = models.CharField("modèle", max_length=60)
    postal_lines = models.JSONField("adresse postale")
    # Dates, datetimes and decimals stay what they are (assure.lib.typed_json).
    context = models.JSONField(
        "contenu", default=dict, encoder=typed_json.Encoder, decoder=typed_json.Decoder
    )
    created_at = models.DateTimeField("créé le", default=timezone.now)
    posted_at = models.DateTimeField("posté le", null=True, blank=True)
    batch = models.CharField("lot d'impression", max_length=40, blank=True)

    objects = LetterManager()

    class Meta:
        verbose_name = "courrier"
        indexes = [
            models.Index(
                fields=["created_at"], condition=Q(posted_at=None), name="outbox_letter_pending"
            ),
            models.Index(fields=["-created_at"], name="outbox_letter_created"),
            models.Index(
                fields=["secret_expires_at"], condition=~Q(secret=""), name="outbox_letter_secrets"
            ),
        ]

    def __str__(self):
        return f"Courrier {self.pk} ({self.template}) → {self.recipient_name}"

    @property
    def status(self):
        if self.posted_at:
            return "posted"
        return "abandoned" if self.abandoned_at else "pending"

    @property
    def status_display(self):
        return {
            "posted": "posté",
            "abandoned": "abandonné (son code n'était plus valable)",
            "pending": "en attente d'impression",
        }[self.status]

    @staticmethod
    def pending_filter(letters):
        return letters.filter(posted_at=None)

    @staticmethod
    def redactions():
        return {}  # the secret is not in the context: render_context() adds it or REDACTED

    @property
    def recipient_name(self):
        return self.postal_lines[0] if self.postal_lines else ""

    @property
    def postcode_and_city(self):
        """(postcode, city) from the last postal line, as printed."""
        if not self.postal_lines:
            return "", ""
        postcode, _, city = self.postal_lines[-1].partition(" ")
        return postcode, city

    @property
    def subject(self):
        """The "Objet" line, from outbox/letters/<template>.subject.txt."""
        with translation.override("fr"):
            subject = render_to_string(
                f"outbox/letters/{self.template}.subject.txt", self.render_context()
            )
        return " ".join(subject.split())

    def render_context(self):
        return {**fund_context(), **self.context, "secret": self.secret or REDACTED}
