"""`assure import_fees`: convention sector, OPTAM and usual fees by RPPS number."""

import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError

from assure.directory.importing_fees import FeesImport, import_fees
from assure.directory.models import Convention
from assure.lib.importing import HeaderError

pytestmark = pytest.mark.django_db

HEADER = "rpps;secteur;optam;tarif_min;tarif_max"


def write(tmp_path, *lines, header=HEADER, encoding="utf-8", name="tarifs.csv"):
    path = tmp_path / name
    path.write_bytes(("\n".join([header, *lines]) + "\n").encode(encoding))
    return path


def run(path):
    out = io.StringIO()
    call_command("import_fees", str(path), stdout=out)
    return out.getvalue()


def imported(*lines, header=HEADER, batch_size=1000):
    return import_fees(io.StringIO("\n".join([header, *lines]) + "\n"), batch_size=batch_size)


def conventions():
    return {
        c.rpps: (c.sector, c.optam, c.fee_min, c.fee_max)
        for c in Convention.objects.order_by("rpps")
    }


def test_a_fees_file_gives_each_professional_a_sector_and_fees(tmp_path):
    out = run(
        write(
            tmp_path,
            "10001234567;1;non;30,00;30,00",
            "10001234568;Secteur 2;oui;50;70",
            "10001234569;non conventionné;;;",
            "10001234570;2;;45.5;",
        )
    )
    assert "4 lines read: 4 created, 0 updated, 0 unchanged, 0 rejected." in out
    assert conventions() == {
        "10001234567": ("1", False, Decimal("30.00"), Decimal("30.00")),
        "10001234568": ("2", True, Decimal("50.00"), Decimal("70.00")),
        "10001234569": ("non-conventionne", False, None, None),
        "10001234570": ("2", False, Decimal("45.50"), None),
    }
    shown = Convention.objects.get(rpps="10001234568")
    assert shown.sector_text == "Conventionné secteur 2 (honoraires libres), adhérent à l'OPTAM"
    assert shown.fees_text == "de 50,00\u00a0€ à 70,00\u00a0€"


@pytest.mark.parametrize(
    "written, sector",
    [
        ("1", "1"),
        (" secteur 1 ", "1"),
        ("SECTEUR 2", "2"),
        ("2", "2"),
        ("NC", "non-conventionne"),
        ("nc", "non-conventionne"),
        ("Non conventionné", "non-conventionne"),
        ("NON-CONVENTIONNE", "non-conventionne"),
        ("non_conventionne", "non-conventionne"),
    ],
)
def test_the_sector_is_understood_however_it_is_written(written, sector):
    report = imported(f"10001234567;{written};;;")
    assert report.created == 1, report.rejected
    assert Convention.objects.get().sector == sector


@pytest.mark.parametrize(
    "written, amount",
    [
        ("30", Decimal("30.00")),
        ("30,00", Decimal("30.00")),
        ("30.00", Decimal("30.00")),
        ("30,5", Decimal("30.50")),
        ("30 €", Decimal("30.00")),
        ("1 250,00", Decimal("1250.00")),
        ("", None),
    ],
)
def test_amounts_in_euros_with_a_comma_or_a_point(written, amount):
    report = imported(f"10001234567;2;oui;{written};")
    assert report.created == 1, report.rejected
    assert Convention.objects.get().fee_min == amount


@pytest.mark.parametrize(
    "line, reason",
    [
        ("1000123456;1;;;", "rpps: numéro RPPS non valide '1000123456' (11 chiffres)."),
        (";1;;;", "rpps: obligatoire."),
        ("10001234567;3;;;", "secteur: secteur non valide '3' (1, 2 ou non conventionné)."),
        ("10001234567;;;;", "secteur: obligatoire (1, 2 ou non conventionné)."),
        ("10001234567;1;peut-être;;", "optam: valeur non valide 'peut-être' (oui, non ou vide)."),
        (
            "10001234567;2;oui;trente;",
            "tarif_min: montant non valide 'trente' (en euros, par exemple 30 ou 30,00 ; "
            "99999,99 au plus).",
        ),
        ("10001234567;2;oui;-5;", "tarif_min: montant non valide '-5'"),
        ("10001234567;2;oui;30,001;", "tarif_min: montant non valide '30,001'"),
        ("10001234567;2;oui;100000;", "tarif_min: montant non valide '100000'"),
        ("10001234567;2;non;80;60", "tarif_max: inférieur à tarif_min (60,00 € < 80,00 €)."),
        (
            "10001234567;NC;oui;;",
            "optam: un professionnel non conventionné n'adhère pas à l'OPTAM.",
        ),
        ("10001234567;2;oui;30", "5 colonnes attendues, 4 trouvées."),
        (
            "1234;4;bof;x;",
            "rpps: numéro RPPS non valide '1234' (11 chiffres); secteur: secteur non valide "
            "'4' (1, 2 ou non conventionné); optam: valeur non valide 'bof' (oui, non ou vide); "
            "tarif_min: montant non valide 'x'",
        ),
    ],
)
def test_a_bad_line_is_rejected_with_its_number_and_reason_the_others_kept(line, reason):
    report = imported("10001234500;1;;25;", line, "10001234599;2;;;")
    assert [(r.line, r.reason[: len(reason)]) for r in report.rejected] == [(3, reason)]
    assert set(conventions()) == {"10001234500", "10001234599"}


def test_importing_the_same_file_again_changes_nothing_and_a_change_updates(tmp_path):
    path = write(tmp_path, "10001234567;1;;30;", "10001234568;2;oui;50;70")
    run(path)
    assert "2 lines read: 0 created, 0 updated, 2 unchanged, 0 rejected." in run(path)
    out = run(write(tmp_path, "10001234568;2;non;55;80", name="changes.csv"))
    assert "1 lines read: 0 created, 1 updated, 0 unchanged, 0 rejected." in out
    assert conventions() == {
        "10001234567": ("1", False, Decimal("30.00"), None),
        "10001234568": ("2", False, Decimal("55.00"), Decimal("80.00")),
    }


def test_nothing_is_deleted_by_a_file_without_a_professional():
    imported("10001234567;1;;30;")
    imported("10001234568;2;;;")
    assert set(conventions()) == {"10001234567", "10001234568"}


def test_a_column_left_out_leaves_its_field_as_it_is():
    imported("10001234567;2;oui;50;70")
    report = imported("1;10001234567", "2;10001234568", header="Secteur;RPPS")
    assert (report.created, report.updated) == (1, 1)
    assert conventions() == {
        "10001234567": ("1", True, Decimal("50.00"), Decimal("70.00")),
        "10001234568": ("2", False, None, None),
    }


def test_a_comma_separated_file_with_quoted_amounts_and_a_bom(tmp_path):
    path = tmp_path / "tarifs.csv"
    text = 'RPPS,Secteur,OPTAM,Tarif_Min,Tarif_Max\r\n10001234567,2,oui,"50,00",70.00\r\n'
    path.write_bytes(text.encode("utf-8-sig"))
    assert "1 lines read: 1 created" in run(path)
    assert conventions() == {"10001234567": ("2", True, Decimal("50.00"), Decimal("70.00"))}


@pytest.mark.parametrize("batch_size", [1, 1000])
def test_a_repeated_number_keeps_its_first_line(batch_size):
    report = imported(
        "10001234567;1;;30;", "10001234568;2;;;", "10001234567;2;;60;", batch_size=batch_size
    )
    assert [(r.line, r.reason) for r in report.rejected] == [
        (4, "rpps: numéro déjà présent ligne 2 du fichier (la première ligne est gardée).")
    ]
    assert conventions()["10001234567"] == ("1", False, Decimal("30.00"), None)


def test_a_missing_column_stops_the_import_naming_it(tmp_path):
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, "10001234567;30;40", header="rpps;tarif_min;tarif_max"))
    assert "missing column(s): secteur" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert not Convention.objects.exists()


def test_an_unknown_column_stops_the_import(tmp_path):
    with pytest.raises(CommandError, match="unknown column\\(s\\): 'tarif'"):
        run(write(tmp_path, "10001234567;1;30", header="rpps;secteur;tarif"))
    assert not Convention.objects.exists()


def test_an_empty_file_is_a_header_error():
    with pytest.raises(HeaderError, match="The file is empty"):
        FeesImport(iter([]))


def test_a_file_not_in_utf8_is_refused_whole(tmp_path):
    path = write(
        tmp_path, "10001234567;1;non;30;", "10001234568;non conventionné;;;", encoding="cp1252"
    )
    with pytest.raises(CommandError, match="not in UTF-8: invalid bytes on line 3"):
        run(path)
    assert not Convention.objects.exists()


def test_the_documented_example_imports_with_the_documented_report(tmp_path):
    text = (settings.BASE_DIR / "docs" / "formats.md").read_text()
    section = text.split("\n## Convention sector and fees (`assure import_fees`)")[1]
    example, report = [block.split("```")[0] for block in section.split("```text\n")[1:3]]
    path = tmp_path / "tarifs.csv"
    path.write_text(example, encoding="utf-8")
    assert run(path).replace(str(tmp_path) + "/", "") == report
    assert Convention.objects.get(rpps="10001234568").fees_text == "de 50,00\u00a0€ à 70,00\u00a0€"
