import io
import sys

from django.core.management.base import BaseCommand, CommandError

from assure.members.importing import EncodingError, HeaderError, check_utf8
from assure.members.management.commands.import_members import ProgressBar
from assure.payments.importing import PaymentsImport


class Command(BaseCommand):
    help = (
        "Create or update payments from the fund's payment feed, a CSV file with one row per "
        "payment line (format in docs/formats.md). Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the payments file (CSV: UTF-8, comma-separated, header row)"
        )

    def handle(self, file, **options):
        try:
            binary = open(file, "rb")
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
                payments_import = PaymentsImport(text)
            except HeaderError as error:
                raise CommandError(f"{file}: {error}") from error
            with ProgressBar(binary, sys.stderr, "payments") as on_batch:
                report = payments_import.run(on_batch)
        self.stdout.write(f"Payments ({file}):")
        for rejection in report.rejected:
            self.stdout.write(f"  {rejection}")
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(f"  {report.summary()}"))
