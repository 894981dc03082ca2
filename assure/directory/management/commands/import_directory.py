from assure.directory.importing import DirectoryImport
from assure.members.management.commands.import_members import Command as ImportCommand


class Command(ImportCommand):
    """One file, imported as the members files are (``ImportCommand.import_file``)."""

    help = (
        "Create or update the health professionals and their practice places from the RPPS "
        "open-data file PS_LibreAcces_Personne_activite (format in docs/formats.md). "
        "Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the RPPS file (UTF-8, fields separated by |)")

    def handle(self, file, **options):
        self.import_file(DirectoryImport, file, "professionals", "Health professionals")
