"""Email.objects.queue: the e-mail is rendered and stored when the event happens."""

import datetime

from django.db import transaction
from django.utils import timezone

from assure.accounts.models import ProvisionalCode
from assure.outbox.models import Email


def test_a_code_email_says_what_the_code_is_for_and_until_when(helene, code_context):
    email = Email.objects.queue(helene.email, "code", code_context(helene), member=helene)

    email.refresh_from_db()
    assert email.to == "helene.lefevre@exemple.test"
    assert email.subject == "Votre code provisoire – Caisse de démonstration"
    assert email.member == helene and email.template == "code"
    assert email.status == "pending" and email.attempts == 0 and email.sent_at is None
    text = email.text_body
    assert "Bonjour Hélène Lefèvre," in text
    assert "MK4T 9QXA" in text
    # 14 h 30 UTC is 15 h 30 in Paris in November.
    assert "jusqu'au 23 novembre 2026 à 15 h 30" in text
    assert "ne sert qu'une seule fois" in text
    assert "http://127.0.0.1:8000/connexion/" in text
    assert "« Mon code »" in text
    assert "ni par téléphone" in text
    assert "01 23 45 67 89" in text
    assert "&#x27;" not in text and "&amp;" not in text  # plain text is not HTML-escaped


def test_the_html_version_is_a_simple_french_document(helene, code_context):
    email = Email.objects.queue(helene.email, "code", code_context(helene), member=helene)

    html = email.html_body
    assert html.startswith("<!DOCTYPE html>")
    assert '<html lang="fr">' in html
    assert html.count("<h1") == 1
    assert "MK4T 9QXA" in html
    assert '<a href="http://127.0.0.1:8000/connexion/"' in html
    assert "<script" not in html


def test_a_forgotten_code_email_says_it_is_a_new_code(helene, code_context):
    email = Email.objects.queue(
        helene.email, "code", code_context(helene, reason="forgotten"), member=helene
    )

    assert email.subject == "Votre nouveau code provisoire – Caisse de démonstration"
    assert "Vous avez indiqué avoir oublié votre code" in email.text_body


def test_the_account_created_email_never_contains_the_password(helene, settings):
    settings.ASSURE_FUND_PHONE = "3646"

    email = Email.objects.queue(helene.email, "account_created", {"member": helene}, member=helene)

    assert email.subject == "Votre compte en ligne est créé – Caisse de démonstration"
    assert "numéro de sécurité sociale et le mot de passe" in email.text_body
    assert "Ce n'était pas vous ? Appelez-nous vite au 3646." in email.text_body
    assert helene.nir not in email.text_body and helene.nir not in email.html_body


def test_the_fund_name_and_address_come_from_the_settings(helene, code_context, settings):
    settings.ASSURE_FUND_NAME = "CPAM de l'Exemple"
    settings.ASSURE_PUBLIC_URL = "https://assure.exemple.test"

    email = Email.objects.queue(helene.email, "code", code_context(helene), member=helene)

    assert email.subject == "Votre code provisoire – CPAM de l'Exemple"
    assert "https://assure.exemple.test/connexion/" in email.text_body
    assert "CPAM de l&#x27;Exemple" in email.html_body


def test_an_email_queued_in_a_rolled_back_transaction_does_not_exist(helene, code_context):
    try:
        with transaction.atomic():
            Email.objects.queue(helene.email, "code", code_context(helene), member=helene)
            raise RuntimeError("the request failed")
    except RuntimeError:
        pass

    assert not Email.objects.exists()


def test_issuing_a_code_queues_an_email_with_the_code(helene):
    row = ProvisionalCode.issue(helene, ProvisionalCode.EMAIL, reason="first")

    [email] = Email.objects.all()
    assert email.to == helene.email
    expires = timezone.localtime(row.expires_at)
    assert f"à {expires.hour} h {expires.minute:02d}" in email.text_body
    assert email.next_attempt_at <= timezone.now()
    assert email.created_at > timezone.now() - datetime.timedelta(minutes=1)
