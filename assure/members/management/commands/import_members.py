import io
import os
import sys

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from assure.members.importing import EncodingError, HeaderError, check_utf8, import_members


class Command(BaseCommand):
    help = (
        "Create or update members from the fund's registry, a CSV file "
        "(format in docs/formats.md). Importing the same file twice changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="the CSV file (UTF-8, comma-separated, header row)")

    def handle(self, file, **options):
        try:
            binary = open(file, "rb")
        except OSError as error:
            raise CommandError(f"Cannot open {file}: {error.strerror}.") from error
        with binary:
            try:
                check_utf8(binary)
            except EncodingError as error:
                raise CommandError(str(error)) from error
            binary.seek(0)
            text = io.TextIOWrapper(binary, encoding="utf-8-sig", newline="")
            with self.progress_bar(binary) as on_batch:
                try:
                    report = import_members(text, on_batch=on_batch)
                except HeaderError as error:
                    raise CommandError(str(error)) from error
        for rejection in report.rejected:
            self.stdout.write(str(rejection))
        style = self.style.WARNING if report.rejected else self.style.SUCCESS
        self.stdout.write(style(report.summary()))

    def progress_bar(self, binary):
        """A tqdm bar by bytes read when stderr is a terminal, else nothing."""
        return ProgressBar(binary, sys.stderr)


class ProgressBar:
    def __init__(self, binary, stream):
        self.binary = binary
        self.bar = None
        if stream.isatty():
            size = os.fstat(binary.fileno()).st_size
            self.bar = tqdm(total=size, unit="B", unit_scale=True, desc="members", file=stream)

    def __enter__(self):
        return self.update if self.bar else None

    def __exit__(self, *exc_info):
        if self.bar:
            self.bar.close()

    def update(self, report):
        self.bar.update(self.binary.tell() - self.bar.n)
        self.bar.set_postfix(read=report.read, rejected=len(report.rejected), refresh=False)
