"""The codes already in the outbox become the messages' secrets, and go.

Until now a code e-mail kept its code in its bodies, and a code letter in its
context, forever. E-mails already sent and letters already printed get the code
blanked; pending ones keep it as their secret (tied to their code row, with its
expiry), which the outbox forgets once it has done its job; a pending one
whose code row is gone is abandoned. The code is found by its pattern and
matched to its row by its keyed hash (codes.code_digest).
"""

import hashlib
import hmac
import re

from django.conf import settings
from django.db import migrations
from django.utils import timezone

ALPHABET = "34679ACDEFGHJKMNPQRTWXY"
CODE = re.compile(rf"\b[{ALPHABET}]{{4}} [{ALPHABET}]{{4}}\b")
REDACTED = "•••• ••••"


def digest(code):
    key = settings.SECRET_KEY.encode()
    return hmac.new(key, code.replace(" ", "").encode(), hashlib.sha256).hexdigest()


def move_codes(apps, schema_editor):
    Email = apps.get_model("outbox", "Email")
    Letter = apps.get_model("outbox", "Letter")
    ProvisionalCode = apps.get_model("accounts", "ProvisionalCode")

    def as_secret(message, code, pending):
        row = ProvisionalCode.objects.filter(digest=digest(code)).first()
        if pending and row is not None:
            message.secret = code
            message.secret_ref = f"provisional-code:{row.pk}"
            message.secret_expires_at = row.expires_at
        elif pending:
            message.abandoned_at = timezone.now()

    for email in Email.objects.filter(template="code", secret="").iterator():
        found = CODE.search(email.text_body)
        if found is None:
            continue
        as_secret(email, found[0], pending=email.sent_at is None)
        if not email.secret:
            email.text_body = CODE.sub(REDACTED, email.text_body)
            email.html_body = CODE.sub(REDACTED, email.html_body)
        email.save()
    for letter in Letter.objects.filter(template="code", secret="").iterator():
        code = letter.context.pop("code", None)
        if code is None:
            continue
        as_secret(letter, code, pending=letter.posted_at is None)
        letter.save()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_more_security_events"),
        ("outbox", "0003_secrets_forgotten_after_use"),
    ]

    operations = [migrations.RunPython(move_codes, migrations.RunPython.noop)]
