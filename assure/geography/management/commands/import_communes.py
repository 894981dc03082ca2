import io
import sys

from django.core.management.base import BaseCommand, CommandError

from assure.geography.importing import CommunesImport
from assure.members.importing import EncodingError, HeaderError, check_utf8
from assure.members.management.commands.import_members import ProgressBar


class Command(BaseCommand):
    help = (
        "Create or update the French communes and their postcodes from La Poste's "
        "« base officielle des codes postaux » with coordinates (data.gouv.fr; format in "
        "docs/formats.md). Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the communes file (CSV: UTF-8, `,` or `;`, header row)")

    def handle(self, file, **options):
        try:
            binary = open(file, "rb")  # noqa: SIM115 (closed below)
        except OSError as error:
            raise CommandError(f"Cannot open {file}: {error.strerror}.") from error
        with binary:
            try:
                check_utf8(binary)
            except EncodingError as error:
                raise CommandError(f"{file}: {error}") from error
            binary.seek(0)
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            try:
                communes_import = CommunesImport(text)
            except HeaderError as error:
                raise CommandError(f"{file}: {error}") from error
            with ProgressBar(binary, sys.stderr, "communes") as on_batch:
                report = communes_import.run(on_batch)
        self.stdout.write(f"Communes ({file}):")
        for rejection in report.rejected:
            self.stdout.write(f"  {rejection}")
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(f"  {report.summary()}"))
