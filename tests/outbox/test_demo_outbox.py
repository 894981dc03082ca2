"""The demo outbox: trainers read every e-mail and letter, only in demo mode."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from assure.outbox.models import Email, Letter


@pytest.fixture
def demo(settings):
    settings.ASSURE_DEMO = True


@pytest.fixture
def email(helene, code_context):
    return Email.objects.queue(helene.email, "code", code_context(helene), member=helene)


@pytest.fixture
def letter(bertrand, code_context):
    return Letter.objects.queue(bertrand, "code", code_context(bertrand, code="3FHP 7WCE"))


def urls(email, letter):
    return [
        reverse("outbox:demo_outbox"),
        reverse("outbox:demo_email", args=[email.pk]),
        reverse("outbox:demo_email_html", args=[email.pk]),
        reverse("outbox:demo_letter", args=[letter.pk]),
    ]


def test_outside_demo_mode_the_outbox_does_not_exist(client, settings, email, letter):
    settings.ASSURE_DEMO = False

    for url in urls(email, letter):
        assert client.get(url).status_code == 404, url


def test_the_outbox_is_public_in_demo_mode(client, demo, email, letter):
    for url in urls(email, letter):
        assert client.get(url).status_code == 200, url


def test_the_outbox_lists_emails_and_letters_newest_first(client, demo, email, letter):
    Email.objects.filter(pk=email.pk).update(sent_at=timezone.now())

    response = client.get(reverse("outbox:demo_outbox"))

    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Boîte d'envoi (démonstration)" in html
    assert html.index("BERTRAND NGUYỄN") < html.index("helene.lefevre@exemple.test")
    assert "Courrier postal" in html and "E-mail" in html
    assert "envoyé" in html and "en attente d&#x27;impression" in html
    assert reverse("outbox:demo_email", args=[email.pk]) in html
    assert reverse("outbox:demo_letter", args=[letter.pk]) in html


def test_the_outbox_shows_fifty_entries_a_page(client, demo, helene, code_context):
    for _ in range(51):
        Email.objects.queue(helene.email, "account_created", {"member": helene}, member=helene)

    first = client.get(reverse("outbox:demo_outbox")).content.decode()
    second = client.get(reverse("outbox:demo_outbox") + "?page=2").content.decode()

    assert first.count("Votre compte en ligne est créé") == 50
    assert second.count("Votre compte en ligne est créé") == 1
    assert "Page suivante" in first and "Page précédente" in second


def test_an_email_is_shown_as_text_with_its_code(client, demo, email):
    response = client.get(reverse("outbox:demo_email", args=[email.pk]))

    html = response.content.decode()
    assert "Votre code provisoire – Caisse de démonstration" in html
    assert "MK4T 9QXA" in html
    assert "helene.lefevre@exemple.test" in html
    assert '<a href="http://127.0.0.1:8000/connexion/"' in html
    assert reverse("outbox:demo_email_html", args=[email.pk]) in html


def test_the_html_of_an_email_is_served_in_a_sandbox(client, demo, email):
    response = client.get(reverse("outbox:demo_email_html", args=[email.pk]))

    assert response.content.decode() == email.html_body
    policy = response.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy


def test_a_letter_is_served_as_an_inline_pdf(client, demo, letter):
    response = client.get(reverse("outbox:demo_letter", args=[letter.pk]))

    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"] == f'inline; filename="courrier-{letter.pk}.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    assert "3FHP 7WCE" in reader.pages[0].extract_text()


def test_an_unknown_email_or_letter_is_a_404(client, demo, db):
    assert client.get(reverse("outbox:demo_email", args=[999])).status_code == 404
    assert client.get(reverse("outbox:demo_letter", args=[999])).status_code == 404
