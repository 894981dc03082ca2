"""Whole files through the import commands, their valid lines mixed with
fuzzed ones (cells of nasty text, NUL, wrong column counts, very long lines),
with or without BOM, in LF or CRLF, or with undecodable bytes: never a
traceback; every bad line reported with its number and a reason; the good
lines kept; no half-written record. A file that is not UTF-8 is refused whole
(its first bad line named) and nothing is written."""

import csv
import io
import re
from dataclasses import dataclass, field

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.db.models import CharField, Q, TextField
from hypothesis import given
from hypothesis import strategies as st

from assure.directory.models import Convention, PracticePlace
from assure.geography.models import Commune, Postcode
from assure.members.models import Beneficiary, Member, RightsPeriod
from assure.payments.models import Payment, PaymentLine
from assure.places.models import Place
from tests.directory import files as rpps
from tests.fuzz.strategies import nasty_text
from tests.geography import files as communes_files
from tests.geography.test_forms import communes  # noqa: F401  (fixture)
from tests.members import registry_files as registry
from tests.payments import payment_files as payments
from tests.places import test_import as places


@dataclass
class ImportFile:
    """What an import command reads: its header, good lines (one record each,
    distinct keys, `kept()` counts them in the database) and a line of
    another record whose cells are fuzzed."""

    command: str
    header: str
    good: list
    fuzzed: str
    kept: object
    models: tuple
    whole: object = None  # () -> records not whole (half-written), if any
    # A record the CSV reader cannot read is taken as part of the payment
    # before it, which is refused whole (it might lack a line).
    unreadable_joins_the_record_before: bool = False
    delimiter: str = ","
    quoting: int = csv.QUOTE_MINIMAL
    options: list = field(default_factory=list)
    before: object = None  # what the file refers to, created first


def payments_not_whole():
    return [payment.reference for payment in Payment.objects.all() if not payment.lines.exists()]


IMPORTS = {
    "members": ImportFile(
        "import_members",
        registry.HEADER,
        [registry.CAMILLE, registry.JEAN_PIERRE, registry.HELENE],
        "1841276451089,Petit,,Paul,1984-12-01,1 rue du Stade,76000,Rouen,,\n",
        lambda: Member.objects.filter(
            nir__in=[registry.CAMILLE_NIR, registry.JEAN_PIERRE_NIR, registry.HELENE_NIR]
        ).count(),
        (Member,),
    ),
    "beneficiaries": ImportFile(
        "import_members",
        registry.BENEFICIARIES_HEADER,
        [
            f"{registry.CAMILLE_NIR},4,enfant,Martin,Paul,2019-10-03\n",
            f"{registry.JEAN_PIERRE_NIR},1,conjoint,Dubois,Marie,1955-01-01\n",
        ],
        f"{registry.HELENE_NIR},1,enfant,Le Gall,Jean,2010-02-02\n",
        lambda: Beneficiary.objects.filter(
            Q(member__nir=registry.CAMILLE_NIR, rank=4)
            | Q(member__nir=registry.JEAN_PIERRE_NIR, rank=1)
        ).count(),
        (Beneficiary,),
        options=["--beneficiaries"],
        before=payments.make_members,
    ),
    "rights": ImportFile(
        "import_members",
        registry.RIGHTS_HEADER,
        [
            f"{registry.CAMILLE_NIR},,2020-01-01,,Régime général,Caisse\n",
            f"{registry.CAMILLE_NIR},3,2018-10-03,,Régime général,Caisse\n",
        ],
        f"{registry.HELENE_NIR},,2021-01-01,,Régime général,Caisse\n",
        lambda: RightsPeriod.objects.filter(member__nir=registry.CAMILLE_NIR).count(),
        (RightsPeriod,),
        options=["--rights"],
        before=payments.make_members,
    ),
    "fees": ImportFile(
        "import_fees",
        "rpps;secteur;optam;tarif_min;tarif_max\n",
        ["10001234567;1;non;30,00;30,00\n", "10001234568;Secteur 2;oui;50;70\n"],
        "10001234570;2;;45.5;\n",
        lambda: Convention.objects.filter(rpps__in=["10001234567", "10001234568"]).count(),
        (Convention,),
        delimiter=";",
    ),
    "communes": ImportFile(
        "import_communes",
        communes_files.HEADER + "\n",
        [row + "\n" for row in communes_files.ROWS if row[:5] in ("01001", "59512")],
        next(row for row in communes_files.ROWS if row.startswith("2A004")) + "\n",
        lambda: Commune.objects.filter(insee__in=["01001", "59512"]).count(),
        (Commune, Postcode),
    ),
    "payments": ImportFile(
        "import_payments",
        payments.HEADER,
        [payments.PAEDIATRICIAN, payments.ALLOWANCES],
        payments.CONSULTATION.replace("PAI-1", "PAI-9"),
        lambda: Payment.objects.filter(reference__in=["PAI-2", "PAI-3"]).count(),
        (Payment, PaymentLine),
        payments_not_whole,
        unreadable_joins_the_record_before=True,
        before=payments.make_members,
    ),
    "places": ImportFile(
        "import_places",
        places.HEADER + "\n",
        [places.ROUEN + "\n", places.KIOSK + "\n"],
        places.SIMPLE + "\n",
        lambda: Place.objects.filter(key__in=["ROUEN-1", "ROUEN-B"], active=True).count(),
        (Place,),
    ),
    "directory": ImportFile(
        "import_directory",
        rpps.HEADER + "\n",
        [
            rpps.line() + "\n",
            rpps.line(**{"Identifiant PP": "10007654321", "Nom d'exercice": "DURAND"}) + "\n",
        ],
        rpps.line(**{"Identifiant PP": "10000000009", "Nom d'exercice": "PETIT"}) + "\n",
        lambda: PracticePlace.objects.filter(rpps__in=["10001234567", "10007654321"]).count(),
        (PracticePlace,),
        delimiter="|",
        quoting=csv.QUOTE_NONE,
    ),
}


def stored_nul(models):
    """The text stored with a NUL character (SQLite would keep it; PostgreSQL cannot)."""
    for model in models:
        names = [f.name for f in model._meta.fields if isinstance(f, (CharField, TextField))]
        for values in model.objects.values_list(*names):
            yield from (value for value in values if value and "\x00" in value)


def cells(spec, line):
    return next(csv.reader([line], delimiter=spec.delimiter, quoting=spec.quoting))


def written(spec, row, newline):
    if spec.quoting == csv.QUOTE_NONE:  # no quotes: a cell holds no delimiter, no line break
        row = [re.sub(rf"[{re.escape(spec.delimiter)}\r\n]", "", cell) for cell in row]
        return spec.delimiter.join(row) + newline
    out = io.StringIO()
    # The writer quotes what `newline` holds, not a lone CR, which ends a line too.
    quoting = csv.QUOTE_ALL if any("\r" in cell for cell in row) else csv.QUOTE_MINIMAL
    csv.writer(out, delimiter=spec.delimiter, lineterminator=newline, quoting=quoting).writerow(row)
    return out.getvalue()


@st.composite
def fuzzed_rows(draw, spec):
    """A row of the fuzzed record: some cells nasty, NUL inside, a very long
    cell, a column more or less, or a line of nasty text (no quote, which
    would open a field as long as the file)."""
    row = cells(spec, spec.fuzzed)
    kind = draw(st.sampled_from(["cells", "nul", "long", "columns", "text"]))
    positions = st.integers(0, len(row) - 1)
    if kind == "cells":
        for position in draw(st.lists(positions, min_size=1, max_size=4)):
            row[position] = draw(nasty_text)
    elif kind == "nul":
        position = draw(positions)
        row[position] = row[position][:1] + "\x00" + row[position][1:]
    elif kind == "long":
        row[draw(positions)] = "x" * draw(st.sampled_from([5000, 200_000]))
    elif kind == "columns":
        row = row[: draw(positions)] if draw(st.booleans()) else [*row, draw(nasty_text)]
    else:
        row = [draw(nasty_text).replace('"', "").replace("\r", "").replace("\n", "")]
    return row


def blank(row):
    """Whether the imports skip the row as a blank line."""
    return not any(cell.strip() for cell in row)


def unreadable(row):
    """Whether the CSV reader cannot read the row (a cell over its limit)."""
    return any(len(cell) > csv.field_size_limit() for cell in row)


def physical_lines(text):
    """How many lines the import counts in `text` (CR, LF and CRLF end a line)."""
    return len(io.StringIO(text, newline="").readlines())


@st.composite
def files(draw, spec):
    """(bytes of the file, [(line, good, expected cell count or None)], undecodable line)."""
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    good = [cells(spec, line) for line in spec.good]
    records = [(row, True) for row in good]
    for row in draw(st.lists(fuzzed_rows(spec), min_size=1, max_size=8)):
        records.insert(draw(st.integers(0, len(records))), (row, False))
    text = written(spec, cells(spec, spec.header), newline)
    starts = []
    for row, is_good in records:
        starts.append((physical_lines(text) + 1, is_good, row))
        text += written(spec, row, newline)
    data = ("\ufeff" if draw(st.booleans()) else "").encode() + text.encode()
    undecodable = None
    if draw(st.integers(0, 4)) == 0:  # bytes that are not UTF-8 at the end of a line
        parts = data.split(b"\n")
        undecodable = draw(st.integers(1, len(parts) - 1))
        parts[undecodable - 1] += b"\xff\xfe"
        data = b"\n".join(parts)
    return data, starts, undecodable


def run(spec, path):
    out = io.StringIO()
    call_command(spec.command, *spec.options, str(path), stdout=out)
    return out.getvalue()


@pytest.mark.parametrize("name", sorted(IMPORTS))
def test_a_file_of_good_and_bad_lines(tmp_path, db, communes, name):  # noqa: F811
    spec = IMPORTS[name]
    header = len(cells(spec, spec.header))
    if spec.before:
        spec.before()
    path = tmp_path / "file.csv"

    @given(files(spec))
    def run_import(file):
        data, records, undecodable = file
        path.write_bytes(data)
        with transaction.atomic():
            try:
                output = run(spec, path)
            except CommandError as error:
                assert undecodable, error
                assert f"invalid bytes on line {undecodable}" in str(error)
                assert spec.kept() == 0
                transaction.set_rollback(True)
                return
            assert undecodable is None, output
            reported = re.findall(r"^  line (\d+): (.+)$", output, re.M)
            assert " lines read" in output, output
            rejected = dict(reported)
            starts = {str(line): (good, row) for line, good, row in records}
            for line, reason in rejected.items():
                assert reason.strip() and line in starts, (line, reason)
                assert not starts[line][0], ("a good line rejected", line, reason)
            for line, good, row in records:
                if not good and not blank(row) and len(row) != header:
                    assert str(line) in rejected, ("wrong column count kept", line, output)
            joined = 0
            if spec.unreadable_joins_the_record_before:
                read = [record for record in records if not blank(record[2])]  # blank: skipped
                joined = sum(
                    good and unreadable(after)
                    for (_, good, _), (_, _, after) in zip(read, read[1:], strict=False)
                )
            assert spec.kept() == len(spec.good) - joined, output
            assert not (spec.whole and spec.whole()), output
            assert not list(stored_nul(spec.models)), output
            transaction.set_rollback(True)

    run_import()
