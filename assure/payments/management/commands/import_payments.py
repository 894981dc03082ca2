from assure.members.management.commands.import_members import Command as ImportCommand
from assure.payments.importing import PaymentsImport


class Command(ImportCommand):
    """One file, imported as the members files are (``ImportCommand.import_file``)."""

    help = (
        "Create or update payments from the fund's payment feed, a CSV file with one row per "
        "payment line (format in docs/formats.md). Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the payments file (CSV: UTF-8, comma-separated, header row)"
        )

    def handle(self, file, **options):
        self.import_file(PaymentsImport, file, "payments", "Payments")
