import io
import os
import sys
from contextlib import ExitStack

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from assure.lib.importing import EncodingError, HeaderError, check_utf8
from assure.members.importing import BeneficiariesImport, MembersImport, RightsImport


class Command(BaseCommand):
    help = (
        "Create or update the fund's registry from CSV files (formats in docs/formats.md): "
        "the members, their beneficiaries, their rights periods, in that order. "
        "Importing the same files twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", nargs="?", help="the members file (CSV: UTF-8, comma-separated, header row)"
        )
        parser.add_argument("--beneficiaries", metavar="FILE", help="the beneficiaries file")
        parser.add_argument("--rights", metavar="FILE", help="the rights periods file")

    def handle(self, file=None, beneficiaries=None, rights=None, **options):
        files = [
            (kind, path, import_class)
            for kind, path, import_class in (
                ("members", file, MembersImport),
                ("beneficiaries", beneficiaries, BeneficiariesImport),
                ("rights", rights, RightsImport),
            )
            if path
        ]
        if not files:
            raise CommandError(
                "Nothing to import: give the members file, --beneficiaries FILE "
                "or --rights FILE (or several of them)."
            )
        with ExitStack() as stack:
            # Every file's encoding and header are checked before anything is
            # written: a bad rights file stops the members import too.
            imports = []
            for kind, path, import_class in files:
                text = self.open(path, stack)
                imports.append((kind, path, text, self.prepare(import_class, path, text)))
            for kind, path, text, csv_import in imports:
                with ProgressBar(text.buffer, sys.stderr, kind) as on_batch:
                    report = csv_import.run(on_batch)
                self.write_report(f"{kind.capitalize()} ({path}):", report)

    def import_file(self, import_class, path, kind, title):
        """Import one file (what the one-file import commands do), then report."""
        with ExitStack() as stack:
            text = self.open(path, stack)
            csv_import = self.prepare(import_class, path, text)
            with ProgressBar(text.buffer, sys.stderr, kind) as on_batch:
                report = csv_import.run(on_batch)
            self.write_report(f"{title} ({path}):", report)

    def open(self, path, stack):
        """The file as text, checked to be UTF-8 (CommandError if it cannot be read).

        The text wrapper is held by `stack` until the end: once an import has
        read the last line nothing else refers to it, and collecting it would
        close the file under the progress bar.
        """
        try:
            binary = stack.enter_context(open(path, "rb"))
        except OSError as error:
            raise CommandError(f"Cannot open {path}: {error.strerror}.") from error
        try:
            check_utf8(binary)
        except EncodingError as error:
            raise CommandError(f"{path}: {error}") from error
        binary.seek(0)
        return stack.enter_context(io.TextIOWrapper(binary, encoding="utf-8-sig", newline=""))

    def prepare(self, import_class, path, text):
        """The import of one file, its header read (CommandError if it is wrong)."""
        try:
            return import_class(text)
        except HeaderError as error:
            raise CommandError(f"{path}: {error}") from error

    def write_report(self, title, report):
        self.stdout.write(title)
        for rejection in report.rejected:
            self.stdout.write(f"  {rejection}")
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(f"  {report.summary()}"))


class ProgressBar:
    """A tqdm bar by bytes read when the stream is a terminal, else nothing."""

    def __init__(self, binary, stream, description):
        self.binary = binary
        self.bar = None
        if stream.isatty():
            size = os.fstat(binary.fileno()).st_size
            self.bar = tqdm(total=size, unit="B", unit_scale=True, desc=description, file=stream)

    def __enter__(self):
        return self.update if self.bar else None

    def __exit__(self, *exc_info):
        if self.bar:
            self.bar.close()

    def update(self, report):
        self.bar.update(self.binary.tell() - self.bar.n)
        self.bar.set_postfix(read=report.read, rejected=len(report.rejected), refresh=False)
