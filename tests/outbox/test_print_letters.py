"""Letters: queued as data, printed by `assure print_letters` into one PDF + a manifest."""

import csv
import datetime
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from pypdf import PdfReader

from assure.accounts.models import ProvisionalCode
from assure.outbox.letters import letter_pdf
from assure.outbox.models import Email, Letter


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return [page.extract_text() for page in reader.pages], reader


def print_letters(path):
    out = io.StringIO()
    call_command("print_letters", "--output", str(path), stdout=out)
    return out.getvalue()


@pytest.fixture
def two_letters(helene, bertrand, code_context):
    first = Letter.objects.queue(helene, "code", code_context(helene, code="MK4T 9QXA"))
    second = Letter.objects.queue(
        bertrand, "code", code_context(bertrand, reason="forgotten", code="3FHP 7WCE")
    )
    return first, second


def test_a_letter_keeps_the_address_and_its_context_with_the_types(helene, code_context):
    letter = Letter.objects.queue(helene, "code", code_context(helene))

    letter.refresh_from_db()
    assert letter.postal_lines == [
        "HÉLÈNE FRANÇOISE LEFÈVRE",
        "Bâtiment B, appartement 12",
        "17 rue de l'Église",
        "69003 LYON",
    ]
    assert letter.context == {
        "expires_at": datetime.datetime(2026, 11, 23, 14, 30, tzinfo=datetime.UTC),
        "reason": "first",
    }
    assert letter.secret == "MK4T 9QXA"  # apart, to be forgotten once printed
    with connection.cursor() as cursor:
        cursor.execute("SELECT context FROM outbox_letter WHERE id = %s", [letter.pk])
        [stored] = cursor.fetchone()
    stored = json.loads(stored) if isinstance(stored, str) else stored
    assert stored["expires_at"] == {"$datetime": "2026-11-23T14:30:00+00:00"}
    assert letter.status == "pending" and letter.subject == "Votre code provisoire"


def test_a_letter_and_an_email_say_the_same_sentences_in_the_same_words(helene, code_context):
    context = code_context(helene, reason="forgotten")
    letter = Letter.objects.queue(helene, "code", context)
    email = Email.objects.queue(helene.email, "code", context, member=helene)

    [text], _ = pdf_text(letter_pdf(letter))
    letter_words = " ".join(text.split())
    email_words = " ".join(email.text_body.split())
    for sentence in [
        "Vous avez indiqué avoir oublié votre code. Voici un nouveau code provisoire pour "
        "accéder à votre compte en ligne :",
        "Ce code sert à vous connecter une première fois pour choisir votre mot de passe. "
        "Il est valable jusqu'au 23 novembre 2026 à 15 h 30 et ne sert qu'une seule fois.",
        "Attention : votre caisse ne vous demandera jamais ce code, ni par téléphone, ni par "
        "e-mail, ni par SMS. Ne le donnez à personne.",
    ]:
        assert sentence in letter_words
        assert sentence in email_words
    assert "Objet : Votre nouveau code provisoire" in letter_words
    assert email.subject == "Votre nouveau code provisoire – Caisse de démonstration"


def test_a_letter_explains_the_code_step_by_step(helene, code_context):
    letter = Letter.objects.queue(helene, "code", code_context(helene))

    [text], _ = pdf_text(letter_pdf(letter))

    assert "HÉLÈNE FRANÇOISE LEFÈVRE" in text
    assert "17 rue de l'Église" in text
    assert "69003 LYON" in text
    assert "Objet : Votre code provisoire" in text
    assert "Paris, le " in text
    assert "MK4T 9QXA" in text
    assert "jusqu'au 23 novembre 2026 à 15 h 30" in text
    assert "« J'accède à mon compte »" in text
    assert "« Mon code »" in text
    assert "ni par\ntéléphone" in text or "ni par téléphone" in text
    assert "01 23 45 67 89" in text


def test_the_batch_prints_every_pending_letter_into_one_pdf(two_letters, tmp_path):
    output = print_letters(tmp_path / "lot.pdf")

    pages, reader = pdf_text((tmp_path / "lot.pdf").read_bytes())
    assert len(pages) == 2
    assert "HÉLÈNE FRANÇOISE LEFÈVRE" in pages[0] and "MK4T 9QXA" in pages[0]
    assert "BERTRAND NGUYỄN" in pages[1] and "4 chemin des Œillets" in pages[1]
    assert "Votre nouveau code provisoire" in pages[1] and "3FHP 7WCE" in pages[1]
    assert "2 courrier(s), 2 page(s)" in output
    assert str(tmp_path / "lot.csv") in output


def test_the_pdf_embeds_the_dejavu_fonts_and_only_them(two_letters, tmp_path):
    print_letters(tmp_path / "lot.pdf")

    reader = PdfReader(tmp_path / "lot.pdf")
    fonts = reader.pages[0]["/Resources"]["/Font"]
    names = set()
    for font in fonts.values():
        font = font.get_object()
        names.add(str(font["/BaseFont"]).split("+")[-1])
        # The TrueType program is in the file: no font is left to the reader's machine.
        assert "/FontFile2" in font["/FontDescriptor"].get_object()
    assert names == {"DejaVuSans", "DejaVuSans-Bold", "DejaVuSansMono-Bold"}


def test_the_manifest_lists_each_letter_for_the_person_who_posts_them(
    two_letters, tmp_path, helene
):
    print_letters(tmp_path / "lot.pdf")

    content = (tmp_path / "lot.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(content), delimiter=";"))
    first, second = two_letters
    assert [row["courrier"] for row in rows] == [str(first.pk), str(second.pk)]
    assert rows[0]["destinataire"] == "HÉLÈNE FRANÇOISE LEFÈVRE"
    assert rows[0]["adresse"] == "Bâtiment B, appartement 12 / 17 rue de l'Église"
    assert (rows[0]["code_postal"], rows[0]["ville"]) == ("69003", "LYON")
    assert (rows[1]["code_postal"], rows[1]["ville"]) == ("97400", "SAINT-DENIS")
    assert [row["page"] for row in rows] == ["1", "2"]
    assert {row["modele"] for row in rows} == {"code"}
    assert helene.nir not in content  # the NIR stays out of the manifest


def test_printed_letters_are_marked_posted_in_one_batch(two_letters, tmp_path):
    print_letters(tmp_path / "lot.pdf")

    letters = Letter.objects.order_by("pk")
    assert all(letter.status == "posted" for letter in letters)
    assert len({letter.batch for letter in letters}) == 1
    assert letters[0].batch.startswith("LOT-")
    rows = list(
        csv.DictReader(io.StringIO((tmp_path / "lot.csv").read_text("utf-8-sig")), delimiter=";")
    )
    assert {row["lot"] for row in rows} == {letters[0].batch}


def test_a_second_run_has_nothing_to_print(two_letters, tmp_path):
    print_letters(tmp_path / "lot.pdf")

    output = print_letters(tmp_path / "lot-2.pdf")

    assert output.strip() == "Aucun courrier en attente."
    assert not (tmp_path / "lot-2.pdf").exists() and not (tmp_path / "lot-2.csv").exists()


def test_an_unwritable_output_prints_nothing_and_marks_nothing(two_letters, tmp_path):
    with pytest.raises(CommandError, match="n'existe pas"):
        print_letters(tmp_path / "absent" / "lot.pdf")

    assert Letter.objects.pending().count() == 2
    assert list(tmp_path.iterdir()) == []


def test_a_code_asked_by_post_is_printed_in_the_next_batch(bertrand, tmp_path):
    ProvisionalCode.issue(bertrand, ProvisionalCode.LETTER, reason="first")

    print_letters(tmp_path / "lot.pdf")

    [page], _ = pdf_text((tmp_path / "lot.pdf").read_bytes())
    assert "BERTRAND NGUYỄN" in page and "Votre code provisoire" in page


def test_a_batch_of_a_hundred_letters_costs_the_queries_of_a_single_one(
    helene, code_context, tmp_path
):
    """Work counted, not timed (a stopwatch fails on a loaded machine): the SQL
    of a batch does not grow with its letters, each letter is one page."""

    def queries_to_print(count, name):
        for n in range(count):
            Letter.objects.queue(helene, "code", code_context(helene, code=f"MK4T {n:04d}"))
        with CaptureQueriesContext(connection) as queries:
            output = print_letters(tmp_path / name)
        assert f"{count} courrier(s), {count} page(s)" in output
        return len(queries)

    assert queries_to_print(100, "cent.pdf") == queries_to_print(1, "un.pdf")


def test_the_fund_s_name_prints_as_written_whatever_its_characters(helene, code_context, settings):
    settings.ASSURE_FUND_NAME = "Caisse <Santé> & Prévoyance"
    letter = Letter.objects.queue(helene, "code", code_context(helene))

    [text], _ = pdf_text(letter_pdf(letter))

    assert text.count("Caisse <Santé> & Prévoyance") >= 2  # letterhead, signature
