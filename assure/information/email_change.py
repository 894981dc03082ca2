"""Changing a member's e-mail address through a link sent to the new address.

The link carries a signed (member, new address, digest of the current
address) triple: nothing is stored until the member opens it. It expires
after 24 hours, cannot be forged (TimestampSigner, keyed with SECRET_KEY) and
works once: as soon as the address changes, the digest no longer matches.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac

from assure.accounts.models import SecurityEvent
from assure.members.models import Member
from assure.outbox.models import Email

SALT = "assure.email-change"
LIFETIME = timedelta(hours=24)


class LinkError(Exception):
    """Why a link cannot change the address: "invalid", "expired" or "used"."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


def address_digest(email):
    """A keyed digest of the address the link replaces (not readable from the link)."""
    return salted_hmac(SALT, email.strip().lower()).hexdigest()[:32]


def masked(email):
    """ "n•••@e•••.fr", as Member.masked_email shows an address."""
    return Member(email=email).masked_email


@dataclass
class EmailChange:
    member: Member
    new_email: str

    @classmethod
    def request(cls, member, new_email, request):
        """Send the confirmation link to the new address; nothing changes yet."""
        change = cls(member, new_email)
        with transaction.atomic():
            Email.objects.queue(
                new_email,
                "email_change",
                {
                    "member": member,
                    "path": change.path(),
                    "expires_at": timezone.now() + LIFETIME,
                },
                member=member,
            )
            SecurityEvent.record(
                SecurityEvent.EMAIL_CHANGE_REQUESTED,
                request,
                member=member,
                detail=f"vers {masked(new_email)}",
            )
        return change

    def token(self):
        return signing.TimestampSigner(salt=SALT).sign_object(
            [self.member.pk, self.new_email, address_digest(self.member.email)]
        )

    def path(self):
        return f"/mes-informations/email/confirmer/{self.token()}/"

    @classmethod
    def from_token(cls, token, member_query=Member.objects):
        """The change a link asks for, or LinkError."""
        try:
            pk, new_email, digest = signing.TimestampSigner(salt=SALT).unsign_object(
                token, max_age=LIFETIME
            )
        except signing.SignatureExpired:
            raise LinkError("expired") from None
        except (signing.BadSignature, ValueError, TypeError):
            raise LinkError("invalid") from None
        member = member_query.filter(pk=pk).first()
        if member is None:
            raise LinkError("invalid")
        if not constant_time_compare(digest, address_digest(member.email)):
            raise LinkError("used")
        return cls(member, new_email)

    @classmethod
    def confirm(cls, token, request):
        """Apply the change a link asks for; tells the old address. Returns the change."""
        with transaction.atomic():
            # Locks the member: two clicks at once change the address once.
            change = cls.from_token(token, Member.objects.select_for_update())
            member = change.member
            old_email = member.email
            member.email = change.new_email
            member.save(update_fields=["email", "updated_at"])
            SecurityEvent.record(
                SecurityEvent.EMAIL_CHANGED,
                request,
                member=member,
                detail=f"vers {member.masked_email}",
            )
            if old_email:
                Email.objects.queue(
                    old_email,
                    "email_changed",
                    {"member": member, "masked_email": member.masked_email},
                    member=member,
                )
        return change
