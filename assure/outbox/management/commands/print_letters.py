"""`assure print_letters --output lot.pdf`: the print batch.

Every pending letter, oldest first, goes into ONE PDF, with a CSV manifest
beside it (same name, .csv) that lists, for the person who posts them, each
letter's reference, recipient, address, town and page in the PDF; no NIR.
Both files are written under temporary names, then, in one transaction, the
letters are marked posted with the batch reference and the files renamed into
place. If anything fails before the commit, no letter is marked and no file
is left behind, so the next run prints them again (a failed commit after the
rename leaves the files but no letter marked: they are printed again, never
lost).

The manifest is UTF-8 (with BOM) separated by semicolons: it opens as is in
a French spreadsheet.
"""

import csv
import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from assure.lib.pdf import new_canvas
from assure.outbox.letters import render_letter
from assure.outbox.models import Letter

MANIFEST_HEADER = [
    "courrier",
    "lot",
    "destinataire",
    "adresse",
    "code_postal",
    "ville",
    "modele",
    "cree_le",
    "page",
    "pages",
]


class Command(BaseCommand):
    help = "Imprime tous les courriers en attente dans un seul PDF, avec un manifeste CSV."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", required=True, help="Chemin du PDF à écrire (ex. : lot.pdf)."
        )

    def handle(self, *args, output, **options):
        pdf_path = Path(output)
        csv_path = pdf_path.with_suffix(".csv")
        if pdf_path.suffix.lower() != ".pdf":
            raise CommandError("Le fichier de sortie doit se terminer par .pdf.")
        if not pdf_path.parent.is_dir():
            raise CommandError(f"Le dossier {pdf_path.parent} n'existe pas.")
        Letter.objects.forget_expired()  # a letter whose code died unprinted is abandoned
        letters = list(Letter.objects.pending().order_by("created_at", "pk"))
        if not letters:
            self.stdout.write("Aucun courrier en attente.")
            return
        now = timezone.now()
        batch = f"LOT-{timezone.localtime(now):%Y%m%d-%H%M%S}"
        pdf_tmp = temp_path(pdf_path)
        csv_tmp = temp_path(csv_path)
        try:
            rows, pages = write_pdf(pdf_tmp, letters, batch)
            write_manifest(csv_tmp, rows)
            with transaction.atomic():
                if Letter.objects.mark_posted(letters, batch, now) != len(letters):
                    raise CommandError(
                        "Des courriers ont été imprimés par un autre lot pendant ce traitement : "
                        "rien n'est marqué posté, relancez la commande."
                    )
                os.replace(pdf_tmp, pdf_path)
                os.replace(csv_tmp, csv_path)
        finally:
            for path in (pdf_tmp, csv_tmp):
                path.unlink(missing_ok=True)
        self.stdout.write(
            f"{len(letters)} courrier(s), {pages} page(s), lot {batch}.\n"
            f"PDF : {pdf_path}\nManifeste : {csv_path}"
        )


def temp_path(final):
    """An empty temporary file beside `final` (same file system, for the rename)."""
    fd, name = tempfile.mkstemp(prefix=f".{final.stem}-", suffix=final.suffix, dir=final.parent)
    os.close(fd)
    return Path(name)


def write_pdf(path, letters, batch):
    """Draw every letter into one PDF; returns the manifest rows and the page count."""
    canvas = new_canvas(str(path), title=f"Courriers {batch}", author=settings.ASSURE_FUND_NAME)
    rows = []
    for letter in letters:
        first_page = canvas.getPageNumber()
        count = render_letter(letter, canvas)
        postcode, city = letter.postcode_and_city
        rows.append(
            [
                letter.pk,
                batch,
                letter.recipient_name,
                " / ".join(letter.postal_lines[1:-1]),
                postcode,
                city,
                letter.template,
                f"{timezone.localtime(letter.created_at):%Y-%m-%d %H:%M}",
                first_page,
                count,
            ]
        )
    pages = canvas.getPageNumber() - 1
    canvas.save()
    return rows, pages


def write_manifest(path, rows):
    with open(path, "w", newline="", encoding="utf-8-sig") as f:
        writer = csv.writer(f, delimiter=";")
        writer.writerow(MANIFEST_HEADER)
        writer.writerows(rows)
