import sys
from contextlib import ExitStack

from assure.members.management.commands.import_members import Command as ImportCommand
from assure.members.management.commands.import_members import ProgressBar
from assure.places.importing import PlacesImport


class Command(ImportCommand):
    """Reuses the members import's opening, checks and report (``open``, ``prepare``,
    ``write_report``)."""

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
        with ExitStack() as stack:
            text = self.open(file, stack)
            places_import = self.prepare(PlacesImport, file, text)
            with ProgressBar(text.buffer, sys.stderr, "places") as on_batch:
                report = places_import.run(on_batch)
            self.write_report(f"Places ({file}):", report)
