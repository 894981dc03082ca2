import os

import pytest
from django.conf import settings
from django.core.management import CommandError
from django.db import DatabaseError, connection

from assure.directory.importing import (
    DirectoryImport,
    HeaderError,
    address_digest,
    format_phone,
    import_directory,
    kind_of,
)
from assure.directory.models import PracticePlace, cell_of
from assure.geography.models import Commune
from tests.directory.files import COLUMNS, HEADER, line, run, stream, without_place, write

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def communes():
    commune("76540", "Rouen", 49.4432, 1.0999)
    commune("76351", "Le Havre", 49.4944, 0.1079)


def commune(insee, name, latitude, longitude):
    Commune.objects.create(
        insee=insee, name=name, department=insee[:2], latitude=latitude, longitude=longitude
    )


GP = line()
# The same GP at a second place (a health centre known by its SIRET only).
GP_SECOND_PLACE = line(
    **{
        "Identifiant technique de la structure": "",
        "Numéro SIRET site": "12345678900011",
        "Raison sociale site": "CENTRE DE SANTE DU HAVRE",
        "Numéro Voie (coord. structure)": "3",
        "Indice répétition voie (coord. structure)": "",
        "Libellé type de voie (coord. structure)": "Place",
        "Libellé Voie (coord. structure)": "DE L'HOTEL DE VILLE",
        "Code postal (coord. structure)": "76600",
        "Code commune (coord. structure)": "76351",
        "Libellé commune (coord. structure)": "Le Havre",
        "Téléphone (coord. structure)": "02 35 00 00 02",
    }
)
PAEDIATRICIAN = line(
    **{
        "Identifiant PP": "10001234568",
        "Nom d'exercice": "DUPONT",
        "Prénom d'exercice": "Paul",
        "Libellé savoir-faire": "Pédiatrie",
        "Identifiant technique de la structure": "R10100000222222",
        "Téléphone (coord. structure)": "",
    }
)
PHYSIOTHERAPIST = line(
    **{
        "Identifiant PP": "10001234569",
        "Libellé civilité d'exercice": "",
        "Nom d'exercice": "LEROY",
        "Prénom d'exercice": "Julie",
        "Libellé profession": "Masseur-Kinésithérapeute",
        "Libellé savoir-faire": "",
        "Identifiant technique de la structure": "",
        "Raison sociale site": "",
        "Complément destinataire (coord. structure)": "Cabinet de kinésithérapie",
        "Complément point géographique (coord. structure)": "Bâtiment C",
        "Mention distribution (coord. structure)": "BP 12",
        "Bureau cedex (coord. structure)": "ROUEN CEDEX 1",
        # An unknown commune: imported, but not locatable.
        "Code commune (coord. structure)": "76999",
        "Libellé commune (coord. structure)": "Communeinconnue",
    }
)
RETIRED = without_place(**{"Identifiant PP": "10001234570", "Nom d'exercice": "PETIT"})


def test_the_sample_file_imports(tmp_path):
    out = run(write(tmp_path, GP, GP_SECOND_PLACE, PAEDIATRICIAN, PHYSIOTHERAPIST, RETIRED))
    assert "5 lines read: 4 created, 0 updated, 0 unchanged, 0 rejected." in out
    assert "1 sans lieu d'exercice (ignorées), 1 non localisables (commune inconnue)." in out
    assert PracticePlace.objects.count() == 4
    assert not PracticePlace.objects.filter(rpps="10001234570").exists()

    havre, rouen = PracticePlace.objects.filter(rpps="10001234567").order_by("city")
    assert rouen.full_name == "Dr Marie MARTIN"
    assert rouen.place_key == "R10100000111111"
    assert rouen.profession == "Médecin"
    assert (rouen.specialty, rouen.kind) == ("Médecine Générale", "Médecin généraliste")
    assert rouen.structure == "CABINET DU DOCTEUR MARTIN"
    assert rouen.address == "12 B Rue DE LA REPUBLIQUE"
    assert (rouen.postcode, rouen.insee, rouen.city) == ("76000", "76540", "Rouen")
    assert rouen.phone == "02 35 00 00 01"
    assert (rouen.latitude, rouen.longitude) == (49.4432, 1.0999)
    assert rouen.cell == cell_of(49.4432, 1.0999)
    assert havre.place_key == "SIRET:12345678900011"
    assert havre.address == "3 Place DE L'HOTEL DE VILLE"
    assert (havre.city, havre.latitude, havre.longitude) == ("Le Havre", 49.4944, 0.1079)
    assert havre.phone == "02 35 00 00 02"

    paediatrician = PracticePlace.objects.get(rpps="10001234568")
    assert paediatrician.kind == "Pédiatre"
    assert paediatrician.phone == ""

    physio = PracticePlace.objects.get(rpps="10001234569")
    assert physio.full_name == "Julie LEROY"
    assert physio.kind == "Masseur-kinésithérapeute"
    assert physio.place_key.startswith("ADR:")
    assert (
        physio.address == "Cabinet de kinésithérapie\nBâtiment C\n12 B Rue DE LA REPUBLIQUE\nBP 12"
    )
    assert physio.city == "ROUEN CEDEX 1"
    assert (physio.latitude, physio.longitude, physio.cell) == (None, None, None)
    assert not physio.is_located


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, GP, GP_SECOND_PLACE, PAEDIATRICIAN, PHYSIOTHERAPIST, RETIRED)
    run(path)
    before = list(PracticePlace.objects.order_by("pk").values())
    out = run(path)
    assert "5 lines read: 0 created, 0 updated, 4 unchanged, 0 rejected." in out
    assert list(PracticePlace.objects.order_by("pk").values()) == before


def test_a_changed_line_updates_its_row_only():
    import_directory(stream(GP, GP_SECOND_PLACE, PAEDIATRICIAN))
    moved_phone = GP.replace("|0235000001|", "|0235000099|")
    report = import_directory(stream(moved_phone, GP_SECOND_PLACE, PAEDIATRICIAN))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    place = PracticePlace.objects.get(rpps="10001234567", place_key="R10100000111111")
    assert place.phone == "02 35 00 00 99"


def test_a_commune_added_later_locates_the_place_on_the_next_import():
    import_directory(stream(PHYSIOTHERAPIST))
    commune("76999", "Nouvelle", 49.5, 1.2)
    report = import_directory(stream(PHYSIOTHERAPIST))
    assert (report.updated, report.not_locatable) == (1, 0)
    place = PracticePlace.objects.get()
    assert (place.latitude, place.longitude, place.cell) == (49.5, 1.2, cell_of(49.5, 1.2))


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_a_repeated_pair_keeps_its_first_line(batch_size):
    other_name = GP.replace("|MARTIN|", "|MARTIN-DURAND|")
    report = import_directory(stream(GP, PAEDIATRICIAN, other_name), batch_size=batch_size)
    assert report.created == 2
    assert [(r.line, r.reason) for r in report.rejected] == [
        (4, "professionnel déjà présent à ce lieu ligne 2 du fichier "
            "(la première ligne est gardée)."),
    ]  # fmt: skip
    assert PracticePlace.objects.get(rpps="10001234567").last_name == "MARTIN"


@pytest.mark.parametrize(
    "changes, reason",
    [
        (
            {"Identifiant PP": "1000123456"},
            "Identifiant PP : numéro RPPS non valide '1000123456' (11 chiffres).",
        ),
        (
            {"Code postal (coord. structure)": "7600"},
            "Code postal : code postal non valide '7600' (5 chiffres).",
        ),
        (
            {"Code commune (coord. structure)": "765"},
            "Code commune : code INSEE non valide '765' "
            "(5 caractères : 2 chiffres ou 2A/2B, puis 3 chiffres).",
        ),
        ({"Nom d'exercice": " "}, "Nom d'exercice : obligatoire."),
        (
            {"Libellé profession": "", "Libellé commune (coord. structure)": ""},
            "Libellé profession : obligatoire; Libellé commune : obligatoire.",
        ),
    ],
)
def test_bad_lines_are_rejected_with_their_line_and_reason(changes, reason):
    report = import_directory(stream(PAEDIATRICIAN, line(**changes)))
    assert [(r.line, r.reason) for r in report.rejected] == [(3, reason)]
    assert report.created == 1


def test_a_nul_character_in_a_column_read_rejects_its_line():
    """Found by tests/fuzz: SQLite stored it, PostgreSQL refused the batch."""
    report = import_directory(stream(PAEDIATRICIAN, line(**{"Nom d'exercice": "MAR\x00TIN"})))
    assert [(r.line, r.reason) for r in report.rejected] == [
        (
            3,
            "CSV : caractère nul (0x00) dans la ligne, qu'aucun champ ne peut contenir : "
            "le fichier a été mal exporté ou abîmé.",
        )
    ]
    assert report.created == 1


def test_a_line_with_too_few_fields_is_rejected():
    report = import_directory(stream("10001234567|MARTIN", GP))
    assert [(r.line, r.reason) for r in report.rejected] == [
        (2, f"{len(COLUMNS) + 1} colonnes attendues, 2 trouvées.")
    ]
    assert report.created == 1


def test_quotes_are_plain_characters_in_the_rpps_file():
    quoted = GP.replace("|CABINET DU DOCTEUR MARTIN|", '|CABINET "LES TILLEULS|')
    report = import_directory(stream(quoted))
    assert report.created == 1
    assert PracticePlace.objects.get().structure == 'CABINET "LES TILLEULS'


@pytest.mark.parametrize(
    "rename",
    [
        str.upper,
        str.lower,
        lambda label: label.replace("é", "e").replace("è", "e"),
        lambda label: label.replace(" (coord. structure)", "_coord_structure").replace(" ", "_"),
    ],
)
def test_columns_are_found_by_their_label_whatever_its_spelling(rename):
    header = "\ufeff" + "|".join(rename(column) for column in COLUMNS) + "|"
    report = import_directory(stream(GP, header=header))
    assert report.created == 1
    place = PracticePlace.objects.get()
    assert (place.kind, place.city, place.title) == ("Médecin généraliste", "Rouen", "Dr")


def test_columns_in_another_order_and_optional_columns_left_out():
    header = "Code commune (coord. structure)|Code postal (coord. structure)|Nom d'exercice|"
    header += "Prénom d'exercice|Libellé profession|Libellé savoir-faire|Identifiant PP|"
    header += "Libellé commune (coord. structure)"
    report = import_directory(
        stream("76540|76000|MOREAU|Luc|Chirurgien-Dentiste||10009999999|Rouen", header=header)
    )
    assert report.created == 1
    place = PracticePlace.objects.get()
    assert (place.kind, place.title, place.phone) == ("Chirurgien-dentiste", "", "")
    assert place.place_key == address_digest("", "", "", "", "", "76000", "76540")


def test_missing_required_columns_stop_the_import(tmp_path):
    header = HEADER.replace("|Identifiant PP|", "|Numero|").replace("|Nom d'exercice|", "|Nom|")
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, GP, header=header))
    assert "missing column(s): Identifiant PP, Nom d'exercice" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert not PracticePlace.objects.exists()


def test_an_empty_file_is_a_header_error():
    with pytest.raises(HeaderError, match="The file is empty"):
        DirectoryImport(iter([]))


def test_a_file_not_in_utf8_is_refused_whole(tmp_path):
    path = write(tmp_path, GP, PAEDIATRICIAN.replace("Paul", "Loïc"), encoding="latin-1")
    with pytest.raises(CommandError, match="not in UTF-8: invalid bytes on line 1"):
        run(path)
    assert not PracticePlace.objects.exists()


def test_a_crlf_file_imports(tmp_path):
    path = tmp_path / "rpps.txt"
    path.write_bytes(("\r\n".join([HEADER, GP, PAEDIATRICIAN]) + "\r\n").encode("utf-8-sig"))
    assert "2 lines read: 2 created" in run(path)


@pytest.mark.parametrize(
    "profession, specialty, kind",
    [
        ("Médecin", "Médecine Générale", "Médecin généraliste"),
        ("Médecin", "Spécialiste en Médecine Générale", "Médecin généraliste"),
        ("MEDECIN", "Pédiatrie", "Pédiatre"),
        ("Médecin", "Ophtalmologie", "Ophtalmologiste"),
        ("Médecin", "Médecine nucléaire", "Médecin"),
        ("Médecin", "", "Médecin"),
        ("Chirurgien-Dentiste", "", "Chirurgien-dentiste"),
        ("Chirurgien-Dentiste", "Orthopédie Dento-Faciale", "Orthodontiste"),
        ("Sage-Femme", "", "Sage-femme"),
        ("Infirmier", "", "Infirmier"),
    ],
)
def test_kind_of(profession, specialty, kind):
    assert kind_of(profession, specialty) == kind


@pytest.mark.parametrize(
    "given, shown",
    [
        ("0235000001", "02 35 00 00 01"),
        ("02.35.00.00.01", "02 35 00 00 01"),
        ("+33235000001", "02 35 00 00 01"),
        ("", ""),
        ("+32  2 555 12 12", "+32 2 555 12 12"),
    ],
)
def test_format_phone(given, shown):
    assert format_phone(given) == shown


def test_the_documented_example_imports_with_the_documented_report(tmp_path):
    text = (settings.BASE_DIR / "docs" / "formats.md").read_text()
    section = text.split("\n## Health professionals (RPPS) (`assure import_directory`)")[1]
    example, report = [block.split("```")[0] for block in section.split("```text\n")[1:3]]
    path = tmp_path / "PS_LibreAcces_Personne_activite.txt"
    path.write_text(example, encoding="utf-8")
    out = run(path)
    assert out.replace(str(tmp_path) + "/", "") == report
    assert PracticePlace.objects.get(rpps="10001234568").place_key == "SIRET:12345678900011"


def test_a_row_written_meanwhile_by_someone_else(monkeypatch):
    """SQLite: the bulk insert fails on a key inserted since the batch was read:
    the lines are then written one by one and only the conflicting one is lost.
    PostgreSQL: the upsert (ON CONFLICT) takes the row over, the file's line wins."""
    from assure.directory import importing

    real_locate = importing.DirectoryImport.locate
    other_writer = {"done": False}

    def locate_while_another_writer_inserts(directory_import, values):
        # Runs once the batch's rows in the database have been read.
        if not other_writer["done"]:
            other_writer["done"] = True
            PracticePlace.objects.create(
                rpps="10001234567", place_key="R10100000111111", last_name="AUTRE", kind="x"
            )
        return real_locate(directory_import, values)

    monkeypatch.setattr(importing.DirectoryImport, "locate", locate_while_another_writer_inserts)
    report = import_directory(stream(GP, PAEDIATRICIAN))
    assert report.created == 1
    if connection.vendor == "postgresql":
        assert (report.updated, report.rejected) == (1, [])
        assert PracticePlace.objects.get(rpps="10001234567").last_name == "MARTIN"
    else:
        [rejection] = report.rejected
        assert (rejection.line, rejection.reason.startswith("database: ")) == (2, True)
        assert PracticePlace.objects.get(rpps="10001234567").last_name == "AUTRE"
    assert PracticePlace.objects.filter(rpps="10001234568").exists()


def test_a_batch_the_database_refuses_loses_the_refused_lines_only(monkeypatch):
    from assure.directory import importing

    if connection.vendor == "postgresql":
        real_write = importing._PostgresStage._write

        def write_refusing_the_paediatrician(stage, rows, directory_import):
            if any(row[1] == "10001234568" for row in rows):
                raise DatabaseError("refused")
            return real_write(stage, rows, directory_import)

        monkeypatch.setattr(importing._PostgresStage, "_write", write_refusing_the_paediatrician)
    else:
        real_insert = importing._insert_all

        def insert_refusing_the_paediatrician(rows):
            if any(row[0] == "10001234568" for row in rows):
                raise DatabaseError("refused")
            return real_insert(rows)

        monkeypatch.setattr(importing, "_insert_all", insert_refusing_the_paediatrician)
        # The SQLite fallback saves rows one by one through the model.
        real_save = PracticePlace.save

        def save_refusing_the_paediatrician(place, *args, **kwargs):
            if place.rpps == "10001234568":
                raise DatabaseError("refused")
            return real_save(place, *args, **kwargs)

        monkeypatch.setattr(PracticePlace, "save", save_refusing_the_paediatrician)
    report = import_directory(stream(GP, PAEDIATRICIAN, PHYSIOTHERAPIST))
    assert [(r.line, r.reason) for r in report.rejected] == [(3, "database: refused")]
    assert report.created == 2
    assert set(PracticePlace.objects.values_list("rpps", flat=True)) == {
        "10001234567",
        "10001234569",
    }


def test_an_import_that_changed_rows_refreshes_the_statistics_searches_rely_on():
    import_directory(stream(GP, PAEDIATRICIAN, PHYSIOTHERAPIST))
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT reltuples FROM pg_class WHERE relname = 'directory_practiceplace'"
            )
        else:
            cursor.execute(
                "SELECT CAST(stat AS INTEGER) FROM sqlite_stat1 "
                "WHERE tbl = 'directory_practiceplace' AND idx = 'practice_place_kind_cell'"
            )
        (rows,) = cursor.fetchone()
    assert rows == 3


def test_an_import_leaves_the_database_connection_as_it_found_it():
    """SQLite: the larger page cache of the import is given back; PostgreSQL: the
    temporary tables of the import are dropped."""

    def state():
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT count(*) FROM pg_class "
                    "WHERE relname IN ('directory_import_batch', 'directory_import_seen')"
                )
            else:
                cursor.execute("PRAGMA cache_size")
            return cursor.fetchone()[0]

    before = state()
    report = import_directory(stream(GP, PAEDIATRICIAN, GP))
    assert (report.created, len(report.rejected)) == (2, 1)
    assert state() == before


def test_the_lines_are_read_by_a_child_process_whose_errors_reach_the_caller():
    def lines():
        yield HEADER
        yield GP
        raise OSError(f"disk error in process {os.getpid()}")

    with pytest.raises(OSError, match="disk error in process") as error:
        import_directory(lines())
    assert str(os.getpid()) not in str(error.value)


def test_an_error_of_the_child_that_cannot_be_pickled_still_reaches_the_caller():
    class Unpicklable(Exception):  # a local class: pickle cannot find it
        pass

    def lines():
        yield HEADER
        raise Unpicklable("lost?")

    with pytest.raises(RuntimeError, match="Unpicklable"):
        import_directory(lines())


def test_a_child_that_dies_stops_the_import_with_its_exit_code():
    def lines():
        yield HEADER
        os._exit(3)  # in the child: as if it were killed

    with pytest.raises(RuntimeError, match=r"reading the file stopped \(exit code 3\)"):
        import_directory(lines())


def test_without_fork_the_lines_are_read_in_the_process_with_the_same_report(monkeypatch):
    lines = (GP, "", PAEDIATRICIAN, line(**{"Identifiant PP": "1"}), GP, RETIRED, "1|2")

    def imported():
        report = import_directory(stream(*lines), batch_size=2)
        places = list(PracticePlace.objects.order_by("pk").values_list("rpps", "place_key"))
        PracticePlace.objects.all().delete()
        return report, places

    forked = imported()
    monkeypatch.setattr("multiprocessing.get_all_start_methods", lambda: ["spawn"])
    assert imported() == forked
    report, places = forked
    assert (report.read, report.created, report.without_place) == (6, 2, 1)
    assert [r.line for r in report.rejected] == [5, 6, 8]
    assert len(places) == 2
