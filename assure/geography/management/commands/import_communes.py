from assure.geography.importing import CommunesImport
from assure.members.management.commands.import_members import Command as ImportCommand


class Command(ImportCommand):
    """One file, imported as the members files are (``ImportCommand.import_file``)."""

    help = (
        "Create or update the French communes and their postcodes from La Poste's "
        "« base officielle des codes postaux » with coordinates, or from « Communes et villes "
        "de France » (both on data.gouv.fr, told apart by their header; formats in "
        "docs/formats.md). Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the communes file (CSV: UTF-8, `,` or `;`, header row)")

    def handle(self, file, **options):
        self.import_file(CommunesImport, file, "communes", "Communes")
