import io

import pytest
from django.core.management import CommandError

from assure.geography.importing import CommunesImport, import_communes
from assure.geography.models import Commune, Postcode
from assure.lib.importing import HeaderError
from tests.geography.files import EXAMPLE, HEADER, ROWS, docs_blocks, run, write

pytestmark = pytest.mark.django_db

ROUEN_76000, ROUEN_76100 = ROWS[1], ROWS[2]
ROUBAIX = ROWS[3]
SAINT_DENIS = ROWS[8]


def postcodes(insee):
    return sorted(Postcode.objects.filter(commune__insee=insee).values_list("code", flat=True))


def test_the_documented_example_imports(tmp_path):
    output = run(write(tmp_path, EXAMPLE.rstrip("\n")))

    assert (
        "11 lines read: 7 communes created, 0 updated, 0 unchanged, 11 postcodes added, "
        "0 lines rejected." in output
    )
    abergement = Commune.objects.get(insee="01001")
    assert abergement.name == "L'Abergement-Clémenciat"
    assert abergement.search_name == "l abergement clemenciat"
    assert abergement.department == "01"
    assert (abergement.latitude, abergement.longitude) == (46.153721024, 4.92577235481)
    assert postcodes("76540") == ["76000", "76100"]
    assert Commune.objects.get(insee="2A004").department == "2A"
    assert postcodes("2A004") == ["20000", "20090"]
    assert Commune.objects.get(insee="42218").search_name == "st etienne"
    saint_denis = Commune.objects.get(insee="97411")
    assert (saint_denis.department, postcodes("97411")) == ("974", ["97400", "97490"])
    mamoudzou = Commune.objects.get(insee="97611")
    assert mamoudzou.department == "976"
    assert not mamoudzou.is_locatable
    assert list(Commune.objects.locatable().values_list("insee", flat=True)).count("97611") == 0


def test_the_documented_report_is_what_the_import_says(tmp_path):
    [report] = [block for block in docs_blocks("text") if "lines read" in block]
    rows = list(ROWS)
    rows[1] = rows[1].replace("76540,", "765,", 1)
    rows[3] = rows[3].replace(",59100,", ",591OO,")
    rows[8] = rows[8].replace("-20.9329708192,55.4466555468", "55.4466555468,-20.9329708192")

    output = run(write(tmp_path, HEADER, *rows))

    assert output.replace(str(tmp_path / "communes.csv"), "communes.csv") == report


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, EXAMPLE.rstrip("\n"))
    run(path)
    before = list(Commune.objects.values_list().order_by("insee"))
    before_postcodes = list(Postcode.objects.values_list().order_by("pk"))

    output = run(path)

    assert "0 communes created, 0 updated, 7 unchanged, 0 postcodes added" in output
    assert list(Commune.objects.values_list().order_by("insee")) == before
    assert list(Postcode.objects.values_list().order_by("pk")) == before_postcodes


def test_a_known_commune_is_updated_and_gets_new_postcodes(tmp_path):
    run(write(tmp_path, HEADER, ROUEN_76000, ROUBAIX))
    renamed = ROUEN_76100.replace(",Rouen,Rouen,", ",Rouen,Rouen-sur-Seine,").replace(
        "49.4413460103", "49.44"
    )

    output = run(write(tmp_path, HEADER, renamed, ROUBAIX))

    assert "0 communes created, 1 updated, 1 unchanged, 1 postcodes added" in output
    rouen = Commune.objects.get(insee="76540")
    assert (rouen.name, rouen.search_name, rouen.latitude) == (
        "Rouen-sur-Seine",
        "rouen sur seine",
        49.44,
    )
    # Nothing absent from the file is deleted: the postcode 76000 stays.
    assert postcodes("76540") == ["76000", "76100"]


def test_communes_absent_from_the_file_are_kept(tmp_path):
    run(write(tmp_path, EXAMPLE.rstrip("\n")))
    run(write(tmp_path, HEADER, ROUBAIX))
    assert Commune.objects.count() == 7
    assert Postcode.objects.count() == 11


def test_the_centre_comes_from_the_first_row_that_has_one(tmp_path):
    without = ROUEN_76000.replace("49.4413460103,1.09256784278", ",")
    second = ROUEN_76100.replace("49.4413460103,1.09256784278", "49.45,1.1")
    third = ROUEN_76100.replace(",76100,", ",76200,").replace("49.4413460103", "49.5")

    run(write(tmp_path, HEADER, without, second, third))

    rouen = Commune.objects.get(insee="76540")
    assert (rouen.latitude, rouen.longitude) == (49.45, 1.1)
    assert postcodes("76540") == ["76000", "76100", "76200"]


@pytest.mark.parametrize("batch_size", [1, 2, 1000])
def test_a_commune_spread_over_batches_is_imported_once(batch_size):
    without = ROUEN_76000.replace("49.4413460103,1.09256784278", ",")
    lines = [HEADER, without, ROUBAIX, ROUEN_76100]

    report = import_communes(lines, batch_size=batch_size)

    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)
    assert report.postcodes_added == 3
    rouen = Commune.objects.get(insee="76540")
    assert (rouen.latitude, rouen.longitude) == (49.4413460103, 1.09256784278)
    again = import_communes(lines, batch_size=batch_size)
    assert (again.created, again.updated, again.unchanged, again.postcodes_added) == (0, 0, 2, 0)


def test_a_centre_set_in_a_later_batch_counts_the_commune_as_updated():
    run_lines = [HEADER, ROUEN_76000.replace("49.4413460103,1.09256784278", ","), ROUEN_76100]
    import_communes([HEADER, ROUEN_76000.replace("49.4413460103", "49.3")])

    report = import_communes(run_lines, batch_size=1)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)
    assert Commune.objects.get(insee="76540").latitude == 49.4413460103


def test_a_file_without_coordinates_does_not_clear_them(tmp_path):
    run(write(tmp_path, HEADER, ROUEN_76000))
    output = run(
        write(
            tmp_path,
            "code_commune_INSEE,code_postal,nom_commune_complet",
            "76540,76000,Rouen",
            "76540,76100,Rouen",
        )
    )
    assert "0 communes created, 0 updated, 1 unchanged, 1 postcodes added" in output
    assert Commune.objects.get(insee="76540").is_locatable


def test_the_old_la_poste_layout_with_semicolons_and_gps_column(tmp_path):
    path = write(
        tmp_path,
        "#Code_commune_INSEE;Nom_commune;Code_postal;Ligne_5;Libellé_d_acheminement;"
        "coordonnees_gps",
        "01001;L ABERGEMENT CLEMENCIAT;01400;;L ABERGEMENT CLEMENCIAT;46.1534255214, 4.92611354223",
        "2B033;BASTIA;20600;;BASTIA;42.6865676996, 9.42477311945",
        "97611;MAMOUDZOU;97600;;MAMOUDZOU;",
    )

    output = run(path)

    assert "3 communes created" in output
    abergement = Commune.objects.get(insee="01001")
    assert abergement.name == "L ABERGEMENT CLEMENCIAT"
    assert abergement.longitude == 4.92611354223
    assert Commune.objects.get(insee="2B033").latitude == 42.6865676996
    assert not Commune.objects.get(insee="97611").is_locatable


def test_the_newer_la_poste_layout_without_coordinates(tmp_path):
    run(
        write(
            tmp_path,
            "#Code_commune_INSEE;Nom_de_la_commune;Code_postal;Libellé_d_acheminement;Ligne_5",
            "76540;ROUEN;76000;ROUEN;",
        )
    )
    rouen = Commune.objects.get(insee="76540")
    assert (rouen.name, rouen.is_locatable) == ("ROUEN", False)


@pytest.mark.parametrize(
    "header",
    [
        "Code_commune_INSEE,Code_postal,Nom_commune_complet,Latitude,Longitude",
        "CODE_COMMUNE_INSEE,CODE_POSTAL,NOM_COMMUNE,LATITUDE,LONGITUDE",
        " code commune insee , code-postal , nom_commune_postal , lat , lon ",
        "\ufeff#code_commune_insee,code_postal,nom_commune,latitude,longitude",
        "insee,postcode,nom_commune,lat,lng",
    ],
)
def test_columns_are_found_by_name_whatever_their_spelling(header):
    report = import_communes([header, "76540,76000,Rouen,49.44,1.09"])
    assert (report.created, report.rejected) == (1, [])
    assert Commune.objects.get(insee="76540").longitude == 1.09


def test_columns_in_any_order_and_other_columns_ignored():
    report = import_communes(
        [
            "region,latitude,nom_commune_complet,code_postal,longitude,code_commune_INSEE,x",
            ",".join(["Normandie", "49.44", "Rouen", "76000", "1.09", "76540", "y"]),
        ]
    )
    assert report.created == 1
    assert Commune.objects.get(insee="76540").name == "Rouen"


def test_the_name_falls_back_to_nom_commune_then_to_the_postal_name():
    header = "code_commune_INSEE,nom_commune_postal,code_postal,nom_commune,nom_commune_complet"
    import_communes(
        [
            header,
            "76540,ROUEN,76000,Rouen,",
            "59512,ROUBAIX,59100,,",
            "42218,ST ETIENNE,42000,Saint-Étienne,Saint-Étienne",
        ]
    )
    names = dict(Commune.objects.values_list("insee", "name"))
    assert names == {"76540": "Rouen", "59512": "ROUBAIX", "42218": "Saint-Étienne"}


def test_leading_zeros_lost_by_a_spreadsheet_are_put_back():
    header = "code_commune_INSEE,code_postal,nom_commune"
    report = import_communes([header, "1001,1400,L'Abergement-Clémenciat"])
    assert report.rejected == []
    assert Commune.objects.get().insee == "01001"
    assert postcodes("01001") == ["01400"]


def test_corsica_in_any_case():
    header = "code_commune_INSEE,code_postal,nom_commune,latitude,longitude"
    import_communes([header, "2a004,20000,Ajaccio,41.93,8.70", "2B033,20200,Bastia,42.69,9.44"])
    assert dict(Commune.objects.values_list("insee", "department")) == {
        "2A004": "2A",
        "2B033": "2B",
    }


def test_semicolons_with_decimal_commas():
    report = import_communes(
        [
            "code_commune_INSEE;code_postal;nom_commune;latitude;longitude",
            "76540;76000;Rouen;49,4413;1,0925",
        ]
    )
    assert report.rejected == []
    assert Commune.objects.get().latitude == 49.4413


@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_a_byte_order_mark_and_crlf_are_accepted(tmp_path, newline):
    path = write(tmp_path, HEADER, ROUEN_76000, encoding="utf-8-sig", newline=newline)
    output = run(path)
    assert "1 communes created" in output
    assert "0 lines rejected" in output


HEADER_WITH_COORDINATES = "code_commune_INSEE,code_postal,nom_commune,latitude,longitude"


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("765,76000,Rouen,,", "code INSEE non valide '765' (5 caractères"),
        ("7654A,76000,Rouen,,", "code INSEE non valide '7654A'"),
        ("2C004,20000,Ajaccio,,", "code INSEE non valide '2C004'"),
        ("20004,20000,Ajaccio,,", "code INSEE non valide '20004' (département 20 inexistant)"),
        ("00123,01000,Nulle part,,", "(département 00 inexistant)"),
        ("99138,98000,Monaco,,", "code INSEE non valide '99138' (département 99 à l'étranger)"),
        ("97999,97900,Inconnue,,", "(territoire 979 inconnu)"),
        ("76540,7600,Rouen,,", None),  # 4 digits: the leading zero is put back, 07600
        ("76540,760000,Rouen,,", "code postal non valide '760000' (5 chiffres)."),
        ("76540,00100,Rouen,,", "code postal non valide '00100' (5 chiffres)."),
        ("76540,,Rouen,,", "code postal non valide '' (5 chiffres)."),
        ("76540,76000,,,", "nom de la commune manquant."),
        (
            "76540,76000," + "R" * 101 + ",,",
            "nom de la commune trop long (100 caractères au plus).",
        ),
        ("76540,76000,Rouen,nord,1.09", "latitude non valide 'nord' (un nombre"),
        ("76540,76000,Rouen,49.44,nan", "longitude non valide 'nan'"),
        (
            "76540,76000,Rouen,49.44,",
            "longitude manquante (donnez les deux coordonnées, ou aucune).",
        ),
        ("76540,76000,Rouen,,1.09", "latitude manquante"),
        ("76540,76000,Rouen,1.09,49.44", "coordonnées hors de la France métropolitaine"),
        ("76540,76000,Rouen,-49.44,1.09", "coordonnées hors de la France métropolitaine"),
        ("97411,97400,Saint-Denis,48.85,2.35", "coordonnées hors de La Réunion"),
        ("97209,97200,Fort-de-France,-61.05,14.61", "coordonnées hors de la Martinique"),
        ("76540,76000,Rouen", "5 colonnes attendues, 3 trouvées."),
    ],
)
def test_bad_lines_are_rejected_with_their_reason(row, reason):
    report = import_communes([HEADER_WITH_COORDINATES, ROUBAIX_SHORT, row])
    if reason is None:
        assert report.rejected == []
        return
    [rejection] = report.rejected
    assert rejection.line == 3
    assert reason in rejection.reason
    assert list(Commune.objects.values_list("insee", flat=True)) == ["59512"]


ROUBAIX_SHORT = "59512,59100,Roubaix,50.69,3.18"


@pytest.mark.parametrize(
    ("insee", "postcode", "latitude", "longitude"),
    [
        ("97101", "97139", "16.27", "-61.50"),  # Les Abymes, Guadeloupe
        ("97302", "97300", "4.93", "-52.33"),  # Cayenne, Guyane
        ("97608", "97600", "-12.78", "45.23"),  # Dzaoudzi, Mayotte
        ("97502", "97500", "46.78", "-56.17"),  # Saint-Pierre
        ("97701", "97133", "17.90", "-62.83"),  # Saint-Barthélemy
        ("98735", "98714", "-17.54", "-149.57"),  # Papeete
        ("98818", "98800", "-22.27", "166.45"),  # Nouméa
        ("2A004", "20000", "41.93", "8.70"),  # Ajaccio
        ("29155", "29242", "48.46", "-5.09"),  # Ouessant, the westernmost
    ],
)
def test_overseas_and_far_corners_are_plausible(insee, postcode, latitude, longitude):
    report = import_communes(
        [HEADER_WITH_COORDINATES, f"{insee},{postcode},X,{latitude},{longitude}"]
    )
    assert report.rejected == []
    assert Commune.objects.get(insee=insee).is_locatable


def test_every_problem_of_a_line_is_said_at_once():
    report = import_communes([HEADER_WITH_COORDINATES, "ABCDE,7,,x,y"])
    [rejection] = report.rejected
    assert "code INSEE non valide" in rejection.reason
    assert "code postal non valide" in rejection.reason
    assert "nom de la commune manquant" in rejection.reason


def test_blank_lines_are_skipped_and_line_numbers_count_them():
    report = import_communes([HEADER_WITH_COORDINATES, "", ROUBAIX_SHORT, "", "x,76000,Rouen,,"])
    assert report.read == 2
    assert [(r.line, r.reason[:17]) for r in report.rejected] == [(5, "code INSEE non va")]


def test_a_file_in_another_encoding_is_refused_whole(tmp_path):
    path = write(tmp_path, HEADER, ROUEN_76000, ROWS[6], encoding="latin-1")
    with pytest.raises(CommandError, match="not in UTF-8: invalid bytes on line 3"):
        run(path)
    assert not Commune.objects.exists()


@pytest.mark.parametrize(
    ("header", "missing"),
    [
        ("code_postal,nom_commune,latitude,longitude", "the INSEE code (code_commune_INSEE)"),
        ("code_commune_INSEE,nom_commune", "the postcode (code_postal)"),
        ("code_commune_INSEE,code_postal,libelle_acheminement", "the name (nom_commune_complet"),
        ("code_commune_INSEE,code_postal,nom_commune,latitude", "longitude"),
        ("code_commune_INSEE,code_postal,nom_commune,longitude", "latitude"),
    ],
)
def test_a_missing_column_stops_the_import_and_is_named(tmp_path, header, missing):
    path = write(tmp_path, header, "76540,76000,Rouen,49.44")
    with pytest.raises(CommandError, match="Nothing was imported") as error:
        run(path)
    assert missing in str(error.value)
    assert "missing column(s)" in str(error.value)
    assert not Commune.objects.exists()


def test_an_empty_file_is_refused(tmp_path):
    with pytest.raises(CommandError, match="The file is empty"):
        run(write(tmp_path, ""))


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot open .*: No such file"):
        run(tmp_path / "absent.csv")


def test_a_bad_header_raises_before_reading_further():
    def lines():
        yield "nom_commune,code_postal"
        raise AssertionError("read past the header")

    with pytest.raises(HeaderError):
        CommunesImport(lines())


def test_the_file_is_read_as_it_goes():
    """Each batch is written before the next lines are read."""
    seen_at_each_batch = []

    def lines():
        yield HEADER_WITH_COORDINATES
        for number in range(25):
            yield f"76{number:03d},76000,Commune {number},,"

    def on_batch(report):
        seen_at_each_batch.append(Commune.objects.count())

    report = import_communes(lines(), batch_size=10, on_batch=on_batch)

    assert (report.created, report.rejected) == (25, [])
    assert seen_at_each_batch == [10, 20, 25]


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_on_a_terminal(tmp_path, monkeypatch):
    path = write(tmp_path, HEADER, ROUEN_76000)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    run(path)

    assert "communes: 100%" in terminal.getvalue()


def test_no_progress_bar_in_a_pipe_or_a_log(tmp_path, monkeypatch):
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    run(write(tmp_path, HEADER, ROUEN_76000))
    assert pipe.getvalue() == ""
