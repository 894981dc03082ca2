"""« Communes et villes de France » (data.gouv.fr): the second file import_communes reads."""

import pytest
from django.core.management import CommandError

from assure.geography.importing import import_communes
from assure.geography.models import Commune, Postcode
from tests.geography.files import (
    CDF_COLUMNS,
    CDF_COMMUNES,
    CDF_HEADER,
    CDF_ROWS,
    EXAMPLE,
    LA_POSTE_MORE,
    PARIS_POSTCODES,
    cdf_line,
    docs_blocks,
    run,
    write,
)

pytestmark = pytest.mark.django_db

LILLE_LINE = 6  # the header is line 1
CDF = {commune[0]: line for commune, line in zip(CDF_COMMUNES, CDF_ROWS, strict=True)}


def tables():
    """Every commune and postcode, without their ids."""
    communes = list(
        Commune.objects.order_by("insee").values_list(
            "insee", "name", "search_name", "department", "latitude", "longitude"
        )
    )
    postcodes = list(
        Postcode.objects.order_by("commune__insee", "code").values_list("commune__insee", "code")
    )
    return communes, postcodes


def postcodes(insee):
    return sorted(Postcode.objects.filter(commune__insee=insee).values_list("code", flat=True))


def test_the_sample_imports_and_says_so(tmp_path):
    output = run(write(tmp_path, CDF_HEADER, *CDF_ROWS))

    assert output == (
        f"Communes ({tmp_path / 'communes.csv'}):\n"
        f"  line {LILLE_LINE}: code postal non valide '5926O' (5 chiffres).\n"
        "  13 lines read: 11 communes created, 0 updated, 0 unchanged, 17 postcodes added, "
        "1 lines rejected. 1 lines skipped (Paris, Lyon or Marseille as a whole: "
        "their arrondissements are imported instead).\n"
    )
    assert postcodes("2A004") == ["20000", "20090"]
    assert Commune.objects.get(insee="2A004").department == "2A"
    assert Commune.objects.get(insee="97209").department == "972"
    roubaix = Commune.objects.get(insee="59512")  # no centre: its town hall
    assert (roubaix.latitude, roubaix.longitude) == (50.6879774265, 3.18256152286)
    assert not Commune.objects.get(insee="97611").is_locatable
    assert not Commune.objects.filter(insee__in=["59350", "75056"]).exists()
    assert postcodes("75111") == ["75011"]


def test_the_rows_are_those_of_la_poste_for_the_same_communes(tmp_path):
    run(write(tmp_path, EXAMPLE.rstrip("\n"), *LA_POSTE_MORE))
    la_poste = tables()
    Commune.objects.all().delete()

    run(write(tmp_path, CDF_HEADER, *CDF_ROWS))

    assert tables() == la_poste
    assert len(la_poste[0]) == 11


def test_la_poste_then_communes_de_france_changes_nothing(tmp_path):
    run(write(tmp_path, EXAMPLE.rstrip("\n"), *LA_POSTE_MORE))
    before = tables()

    output = run(write(tmp_path, CDF_HEADER, *CDF_ROWS))

    assert "0 communes created, 0 updated, 11 unchanged, 0 postcodes added" in output
    assert tables() == before


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    """Not a row rewritten: the ids are those of the first import."""
    path = write(tmp_path, CDF_HEADER, *CDF_ROWS)
    run(path)
    before = [list(model.objects.values_list().order_by("pk")) for model in (Commune, Postcode)]

    output = run(path)

    assert "0 communes created, 0 updated, 11 unchanged, 0 postcodes added" in output
    assert [list(model.objects.values_list().order_by("pk")) for model in (Commune, Postcode)] == (
        before
    )


@pytest.mark.parametrize("batch_size", [1, 3, 1000])
def test_batches_of_any_size_give_the_same_rows(tmp_path, batch_size):
    run(write(tmp_path, CDF_HEADER, *CDF_ROWS))
    expected = tables()
    Commune.objects.all().delete()

    report = import_communes([CDF_HEADER, *CDF_ROWS], batch_size=batch_size)

    assert (report.created, report.postcodes_added, report.skipped) == (11, 17, 1)
    assert tables() == expected


def test_semicolons_a_byte_order_mark_crlf_and_a_bare_first_cell(tmp_path):
    run(write(tmp_path, CDF_HEADER, *CDF_ROWS))
    expected = tables()
    Commune.objects.all().delete()
    lines = [cdf_line(i, commune, delimiter=";") for i, commune in enumerate(CDF_COMMUNES)]

    output = run(
        write(tmp_path, ";" + ";".join(CDF_COLUMNS), *lines, encoding="utf-8-sig", newline="\r\n")
    )

    assert "11 communes created" in output
    assert tables() == expected


def test_columns_in_any_order_and_other_columns_ignored():
    header = "latitude_mairie,x,codes_postaux,longitude_centre,nom_standard,latitude_centre,"
    header += "code_insee,longitude_mairie"
    report = import_communes([header, '49.44,y,"76000,76100",1.09,Rouen,49.45,76540,1.10'])
    assert (report.created, report.rejected) == (1, [])
    rouen = Commune.objects.get()
    assert (rouen.insee, rouen.name, rouen.latitude, rouen.longitude) == (
        "76540",
        "Rouen",
        49.45,
        1.09,
    )
    assert postcodes("76540") == ["76000", "76100"]


def test_code_postal_is_added_when_codes_postaux_lacks_it():
    header = "code_insee,nom_standard,code_postal,codes_postaux," + (
        "latitude_centre,longitude_centre,latitude_mairie,longitude_mairie"
    )
    import_communes([header, "76540,Rouen,76000,,,,,", "59512,Roubaix,59100,59100 59110,,,,"])
    assert postcodes("76540") == ["76000"]
    assert postcodes("59512") == ["59100", "59110"]


def test_a_whole_city_is_imported_when_its_arrondissements_are_not(tmp_path):
    output = run(write(tmp_path, CDF_HEADER, CDF["75056"], CDF["76540"]))

    assert "2 communes created" in output and "skipped" not in output
    paris = Commune.objects.get(insee="75056")
    assert (paris.name, paris.department, paris.latitude) == ("Paris", "75", 48.8589)
    assert postcodes("75056") == sorted(PARIS_POSTCODES.split(","))


def test_a_whole_city_is_skipped_when_its_arrondissements_are_known(tmp_path):
    run(write(tmp_path, CDF_HEADER, CDF["75101"]))

    output = run(write(tmp_path, CDF_HEADER, CDF["75056"]))

    assert "1 lines skipped (Paris, Lyon or Marseille as a whole" in output
    assert list(Commune.objects.values_list("insee", flat=True)) == ["75101"]


def cdf(**changes):
    """The line of Rouen in the sample, some of its values changed."""
    insee, name, typecom, dep, dep_nom, postcode, postcodes, *coordinates, people = CDF_COMMUNES[9]
    values = {
        "insee": insee,
        "name": name,
        "postcode": postcode,
        "postcodes": postcodes,
        "lat_hall": coordinates[0],
        "lon_hall": coordinates[1],
        "lat": coordinates[2],
        "lon": coordinates[3],
    } | changes
    commune = (
        values["insee"],
        values["name"],
        typecom,
        dep,
        dep_nom,
        values["postcode"],
        values["postcodes"],
        values["lat_hall"],
        values["lon_hall"],
        values["lat"],
        values["lon"],
        people,
    )
    return cdf_line(9, commune)


@pytest.mark.parametrize(
    ("line", "reason"),
    [
        (cdf(insee="765"), "code INSEE non valide '765' (5 caractères"),
        (cdf(insee="99138"), "(département 99 à l'étranger)"),
        (cdf(postcodes="76000,761OO"), "code postal non valide '761OO' (5 chiffres)."),
        (
            cdf(postcode="", postcodes=""),
            "code postal manquant (codes_postaux et code_postal vides).",
        ),
        (cdf(name=" "), "nom de la commune manquant."),
        (cdf(lat="49.44", lon=""), "centre : longitude manquante"),
        (cdf(lat="1.09", lon="49.44"), "centre : coordonnées hors de la France métropolitaine"),
        (cdf(lat="", lon="", lat_hall="nord"), "mairie : latitude non valide 'nord'"),
        (
            cdf(insee="97411", lat="", lon="", lat_hall="48.85", lon_hall="2.35"),
            "mairie : coordonnées hors de La Réunion",
        ),
        (cdf()[: cdf().rindex(",")], "47 colonnes attendues, 46 trouvées."),
    ],
)
def test_bad_lines_are_rejected_with_their_reason(line, reason):
    report = import_communes([CDF_HEADER, CDF["59512"], line])
    [rejection] = report.rejected
    assert rejection.line == 3
    assert reason in rejection.reason
    assert list(Commune.objects.values_list("insee", flat=True)) == ["59512"]


def test_every_problem_of_a_line_is_said_at_once():
    [rejection] = import_communes(
        [CDF_HEADER, cdf(insee="ABCDE", postcodes="7", postcode="", name="")]
    ).rejected
    assert "code INSEE non valide" in rejection.reason
    assert "code postal non valide '7'" in rejection.reason
    assert "nom de la commune manquant" in rejection.reason


def test_a_truncated_header_is_refused_and_says_what_is_missing(tmp_path):
    header = CDF_HEADER[: CDF_HEADER.index(",code_postal")]
    path = write(tmp_path, header, *CDF_ROWS)

    with pytest.raises(CommandError) as error:
        run(path)

    message = str(error.value)
    assert message.startswith(
        f"{path}: Wrong header row: this looks like « Communes et villes de France » but the "
        "column(s) codes_postaux, latitude_centre, longitude_centre, latitude_mairie, "
        "longitude_mairie are missing."
    )
    assert "Nothing was imported" in message
    assert not Commune.objects.exists()


def test_a_header_of_neither_file_names_both(tmp_path):
    with pytest.raises(CommandError) as error:
        run(write(tmp_path, "commune,zip,lat,lng", "Rouen,76000,49.44,1.09"))
    message = str(error.value)
    assert "Expected either La Poste's « base officielle des codes postaux » (" in message
    assert (
        "« Communes et villes de France » (code_insee, nom_standard, codes_postaux, "
        "latitude_centre, longitude_centre, latitude_mairie, longitude_mairie)" in message
    )


def test_the_documented_example_imports(tmp_path):
    [example] = [block for block in docs_blocks("csv") if "nom_standard" in block]
    header, *lines = example.splitlines()
    assert header == CDF_HEADER

    output = run(write(tmp_path, header, *lines))

    assert "2 communes created, 0 updated, 0 unchanged, 3 postcodes added" in output
    assert postcodes("2A004") == ["20000", "20090"]
    rows = tables()
    Commune.objects.all().delete()
    la_poste = [row for row in EXAMPLE.splitlines() if row.startswith(("01001,", "2A004,"))]
    run(write(tmp_path, EXAMPLE.splitlines()[0], *la_poste))
    assert tables() == rows
