import sys
from contextlib import ExitStack

from assure.geography.importing import CommunesImport
from assure.members.management.commands.import_members import Command as ImportCommand
from assure.members.management.commands.import_members import ProgressBar


class Command(ImportCommand):
    """Reuses the members import's opening, checks and report (``open``, ``prepare``,
    ``write_report``)."""

    help = (
        "Create or update the French communes and their postcodes from La Poste's "
        "« base officielle des codes postaux » with coordinates (data.gouv.fr; format in "
        "docs/formats.md). Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the communes file (CSV: UTF-8, `,` or `;`, header row)")

    def handle(self, file, **options):
        with ExitStack() as stack:
            text = self.open(file, stack)
            communes_import = self.prepare(CommunesImport, file, text)
            with ProgressBar(text.buffer, sys.stderr, "communes") as on_batch:
                report = communes_import.run(on_batch)
            self.write_report(f"Communes ({file}):", report)
