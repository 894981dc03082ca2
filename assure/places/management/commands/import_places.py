from assure.members.management.commands.import_members import Command as ImportCommand
from assure.places.importing import PlacesImport


class Command(ImportCommand):
    """One file, imported as the members files are (``ImportCommand.import_file``)."""

    help = (
        "Create or update the fund's reception points and kiosks from a CSV file (format in "
        "docs/formats.md): the file is the full list, the places absent from it are "
        "deactivated. Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="the places file (CSV: UTF-8, comma-separated, header row)"
        )

    def handle(self, file, **options):
        self.import_file(PlacesImport, file, "places", "Places")
