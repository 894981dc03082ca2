import sys
from contextlib import ExitStack

from assure.members.management.commands.import_members import Command as ImportCommand
from assure.members.management.commands.import_members import ProgressBar
from assure.payments.importing import PaymentsImport


class Command(ImportCommand):
    """Reuses the members import's opening, checks and report (``open``, ``prepare``,
    ``write_report``)."""

    help = (
        "Create or update payments from the fund's payment feed, a CSV file with one row per "
        "payment line (format in docs/formats.md). Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the payments file (CSV: UTF-8, comma-separated, header row)"
        )

    def handle(self, file, **options):
        with ExitStack() as stack:
            text = self.open(file, stack)
            payments_import = self.prepare(PaymentsImport, file, text)
            with ProgressBar(text.buffer, sys.stderr, "payments") as on_batch:
                report = payments_import.run(on_batch)
            self.write_report(f"Payments ({file}):", report)
