from assure.directory.importing_fees import FeesImport
from assure.members.management.commands.import_members import Command as ImportCommand


class Command(ImportCommand):
    """One file, imported as the members files are (``ImportCommand.import_file``)."""

    help = (
        "Create or update the health professionals' convention sector, OPTAM and usual fees "
        "from a CSV file keyed by RPPS number (format in docs/formats.md). Nothing is deleted: "
        "a professional absent from the file keeps what an earlier file gave. Importing the "
        "same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the fees file (CSV: UTF-8, fields separated by ; or by , , header row)"
        )

    def handle(self, file, **options):
        self.import_file(FeesImport, file, "conventions", "Convention sectors and fees")
