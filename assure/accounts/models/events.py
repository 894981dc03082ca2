"""Security events: what happened to an account, when, from which client."""

from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from assure.lib import useragent
from assure.lib.client import client_ip
from assure.members.models import Member


class SecurityEventManager(models.Manager):
    def last_sign_ins(self, member, count):
        """The member's `count` latest sign-ins, newest first, through the
        (member, kind, -created_at) index (« Mes informations »)."""
        return list(
            self.filter(member=member, kind=self.model.SIGN_IN).order_by("-created_at")[:count]
        )


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
