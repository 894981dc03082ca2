import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from assure.lib.importing import HeaderError
from assure.places.importing import COLUMNS, PlacesImport, import_places
from assure.places.models import Place
from tests.places.factories import PlaceFactory

pytestmark = pytest.mark.django_db

HEADER = ",".join([*COLUMNS, "phone", "services", "notes"])
WEEK = '"08:30-12:00,13:30-16:30","08:30-12:00,13:30-16:30",,08:30-12:00,08:30-12:00,,'
ROUEN = f"ROUEN-1,Accueil de Rouen,accueil,12 rue de l'Exemple,76000,Rouen,49.441,1.093,{WEEK}"
ROUEN += ",01 99 00 20 01,Carte Vitale| Attestations |Rendez-vous,Fermé les jours fériés."
KIOSK = 'ROUEN-B,Borne de Rouen,BORNE,"Hall de la gare\nPlace de l\'Exemple",76000,Rouen,'
KIOSK += "49.449,1.094," + ",".join(["00:00-24:00"] * 7) + ",,,"


def csv_file(*lines, header=HEADER):
    return io.StringIO("\n".join([header, *lines]) + "\n")


def documented_example():
    text = (settings.BASE_DIR / "docs" / "formats.md").read_text()
    section = text.split("\n## Reception points and kiosks (`assure import_places`)")[1]
    section = section.split("\n## ")[0]
    [example] = [block.split("```")[0] for block in section.split("```csv\n")[1:]]
    return example


def run(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "places.csv"
    path.write_bytes(text.encode(encoding))
    out = io.StringIO()
    call_command("import_places", str(path), stdout=out)
    return out.getvalue()


def test_it_creates_places_from_a_file():
    report = import_places(csv_file(ROUEN, KIOSK))
    assert report.summary() == (
        "2 lines read: 2 created, 0 updated, 0 unchanged, 0 rejected. "
        "0 deactivated (absent from the file)."
    )
    rouen = Place.objects.get(key="ROUEN-1")
    assert rouen.kind == Place.ACCUEIL
    assert rouen.phone == "+33199002001"
    assert rouen.services == ["Carte Vitale", "Attestations", "Rendez-vous"]
    assert rouen.notes == "Fermé les jours fériés."
    assert (rouen.latitude, rouen.longitude) == (49.441, 1.093)
    assert rouen.hours == {
        "monday": [["08:30", "12:00"], ["13:30", "16:30"]],
        "tuesday": [["08:30", "12:00"], ["13:30", "16:30"]],
        "thursday": [["08:30", "12:00"]],
        "friday": [["08:30", "12:00"]],
    }
    kiosk = Place.objects.get(key="ROUEN-B")
    assert kiosk.kind == Place.BORNE
    assert kiosk.address == "Hall de la gare\nPlace de l'Exemple"
    assert (kiosk.phone, kiosk.services, kiosk.notes) == ("", [], "")
    assert kiosk.today_text() == "Ouvert 24 h sur 24"
    assert kiosk.active and rouen.active


def test_importing_the_same_file_again_changes_nothing():
    import_places(csv_file(ROUEN, KIOSK))
    report = import_places(csv_file(KIOSK, ROUEN))
    assert (report.created, report.updated, report.unchanged, report.deactivated) == (0, 0, 2, 0)


def test_a_known_id_updates_the_place():
    import_places(csv_file(ROUEN, KIOSK))
    changed = ROUEN.replace("Accueil de Rouen", "Accueil de Rouen centre").replace(
        '"08:30-12:00,13:30-16:30",', "09:00-12:00,", 1
    )
    report = import_places(csv_file(changed, KIOSK))
    assert (report.created, report.updated, report.unchanged) == (0, 1, 1)
    rouen = Place.objects.get(key="ROUEN-1")
    assert rouen.name == "Accueil de Rouen centre"
    assert rouen.hours["monday"] == [["09:00", "12:00"]]
    assert Place.objects.count() == 2


def test_places_absent_from_the_file_are_deactivated_then_come_back():
    import_places(csv_file(ROUEN, KIOSK))
    report = import_places(csv_file(ROUEN))
    assert (report.unchanged, report.deactivated) == (1, 1)
    assert list(Place.objects.active().values_list("key", flat=True)) == ["ROUEN-1"]
    assert Place.objects.get(key="ROUEN-B").active is False

    report = import_places(csv_file(ROUEN, KIOSK))
    assert (report.updated, report.unchanged, report.deactivated) == (1, 1, 0)
    assert Place.objects.active().count() == 2


def test_a_place_whose_line_is_rejected_stays_as_it_is():
    import_places(csv_file(ROUEN, KIOSK))
    report = import_places(csv_file(ROUEN, KIOSK.replace("BORNE", "kiosque")))
    assert (report.unchanged, len(report.rejected), report.deactivated) == (1, 1, 0)
    assert Place.objects.get(key="ROUEN-B").active


def test_a_file_without_any_place_deactivates_nothing():
    import_places(csv_file(ROUEN, KIOSK))
    report = import_places(csv_file())
    assert (report.read, report.deactivated) == (0, 0)
    assert Place.objects.active().count() == 2


def replace_column(line, column, value):
    """The line with one column's value replaced (lines without quoted commas)."""
    cells = line.split(",")
    cells[[*COLUMNS, "phone", "services", "notes"].index(column)] = value
    return ",".join(cells)


SIMPLE = (
    "P1,Accueil,accueil,1 rue de l'Exemple,76000,Rouen,49.44,1.09,08:30-12:00,08:30-12:00,,,,,,,,"
)


@pytest.mark.parametrize(
    ("column", "value", "reason"),
    [
        ("id", "", "id: obligatoire."),
        ("id", "Rouen centre", "id: identifiant non valide 'Rouen centre' (40 caractères au plus"),
        ("id", "X" * 41, "id: identifiant non valide"),
        ("name", "", "name: obligatoire."),
        ("name", "N" * 151, "name: 150 caractères au plus (151 ici)."),
        ("kind", "guichet", "kind: type non valide 'guichet' (accueil ou borne)."),
        ("address", "", "address: obligatoire."),
        ("postcode", "7600", "postcode: le code postal doit comporter 5 chiffres ('7600')."),
        ("city", "", "city: obligatoire."),
        ("latitude", "", "latitude: obligatoire."),
        ("latitude", "49°26'N", 'latitude: latitude non valide "49°26\'N" (degrés décimaux'),
        ("latitude", "95.0", "latitude: latitude impossible '95.0' (entre -90 et 90)."),
        ("longitude", "abc", "longitude: longitude non valide 'abc'"),
        ("longitude", "-190", "longitude: longitude impossible '-190' (entre -180 et 180)."),
        (
            "latitude",
            "40.7",
            "latitude, longitude: position hors de France (métropole et outre-mer).",
        ),
        ("monday", "8h30-12h", "monday: plage horaire illisible '8h30-12h'"),
        ("sunday", "10:00-09:00", "sunday: la fin doit suivre le début dans '10:00-09:00'."),
        ("phone", "12345", "phone: numéro de téléphone non valide '12345'."),
        ("services", "|".join(f"S{n}" for n in range(21)), "services: 20 services au plus"),
        ("services", "S" * 81, "services: 80 caractères au plus par service"),
        ("notes", "n" * 501, "notes: 500 caractères au plus (501 ici)."),
    ],
)
def test_each_bad_value_is_reported_precisely(column, value, reason):
    report = import_places(csv_file(replace_column(SIMPLE, column, value)))
    [rejection] = report.rejected
    assert str(rejection).startswith(f"line 2: {reason}")
    assert not Place.objects.exists()


def test_swapped_coordinates_are_pointed_out():
    line = replace_column(replace_column(SIMPLE, "latitude", "1.09"), "longitude", "49.44")
    [rejection] = import_places(csv_file(line)).rejected
    assert rejection.reason == (
        "latitude, longitude: position hors de France (métropole et outre-mer) ; "
        "latitude et longitude semblent inversées."
    )


@pytest.mark.parametrize(
    ("latitude", "longitude"),
    [
        ("41.9192", "8.7386"),  # Ajaccio
        ("16.2650", "-61.5510"),  # Pointe-à-Pitre
        ("4,9372", "-52,3260"),  # Cayenne, decimal comma
        ("-20.8823", "55.4504"),  # Saint-Denis de La Réunion
        ("-12.7806", "45.2278"),  # Mamoudzou
        ("46.7811", "-56.1764"),  # Saint-Pierre
    ],
)
def test_overseas_positions_are_accepted(latitude, longitude):
    line = SIMPLE.replace("49.44,1.09", f'"{latitude}","{longitude}"')
    report = import_places(csv_file(line))
    assert report.created == 1, report.rejected
    assert Place.objects.get().latitude == float(latitude.replace(",", "."))


def test_several_problems_of_a_line_are_reported_together_and_good_lines_kept():
    bad = replace_column(
        replace_column(SIMPLE, "kind", "guichet"), "tuesday", '"08:00-12:00,11:00-13:00"'
    )
    other = SIMPLE.replace("P1", "P2")
    report = import_places(csv_file(SIMPLE, bad, other, SIMPLE))
    assert [str(rejection) for rejection in report.rejected] == [
        "line 3: kind: type non valide 'guichet' (accueil ou borne); tuesday: la plage "
        "'11:00-13:00' doit commencer après la fin de la précédente (plages dans l'ordre, "
        "sans chevauchement ; réunissez les plages qui se touchent).",
        "line 5: id: identifiant déjà présent ligne 2 du fichier (la première ligne est gardée).",
    ]
    assert sorted(Place.objects.values_list("key", flat=True)) == ["P1", "P2"]


def test_optional_columns_left_out_leave_their_fields_alone():
    import_places(csv_file(ROUEN))
    header = ",".join(COLUMNS)
    line = ROUEN.rsplit(",01 99", 1)[0].replace("Accueil de Rouen", "Accueil Rouen")
    report = import_places(csv_file(line, header=header))
    assert report.updated == 1
    rouen = Place.objects.get()
    assert rouen.name == "Accueil Rouen"
    assert rouen.phone == "+33199002001"
    assert rouen.services == ["Carte Vitale", "Attestations", "Rendez-vous"]
    # A new place from such a file has none of them.
    import_places(csv_file(line, line.replace("ROUEN-1", "ROUEN-2"), header=header))
    assert Place.objects.get(key="ROUEN-2").services == []


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            HEADER.replace("monday", "lundi"),
            "missing column(s): monday; unknown column(s): 'lundi'",
        ),
        (HEADER.replace(",sunday", ""), "missing column(s): sunday"),
        (HEADER + ",phone", "repeated column(s): phone"),
        (HEADER.replace("latitude", "lat"), "missing column(s): latitude"),
    ],
)
def test_a_wrong_header_stops_everything(header, message):
    with pytest.raises(HeaderError) as error:
        import_places(csv_file(SIMPLE, header=header))
    assert message in str(error.value)
    assert "Nothing was imported." in str(error.value)
    assert not Place.objects.exists()


def test_columns_in_any_order_with_a_bom(tmp_path):
    columns = [*COLUMNS, "phone", "services", "notes"]
    order = list(reversed(range(len(columns))))
    header = ",".join(columns[i].upper() for i in order)
    cells = SIMPLE.split(",")
    line = ",".join(cells[i] for i in order)
    output = run(tmp_path, "\ufeff" + header + "\n" + line + "\n")
    assert "1 lines read: 1 created" in output
    assert Place.objects.get().hours == {
        "monday": [["08:30", "12:00"]],
        "tuesday": [["08:30", "12:00"]],
    }


def test_the_command_reports_rejected_lines_and_counts(tmp_path):
    PlaceFactory(key="OLD")
    output = run(tmp_path, f"{HEADER}\n{ROUEN}\n{replace_column(SIMPLE, 'kind', 'x')}\n")
    assert output.splitlines() == [
        f"Places ({tmp_path / 'places.csv'}):",
        "  line 3: kind: type non valide 'x' (accueil ou borne).",
        "  2 lines read: 1 created, 0 updated, 0 unchanged, 1 rejected. "
        "1 deactivated (absent from the file).",
    ]


def test_a_file_that_is_not_utf8_is_refused_whole(tmp_path):
    with pytest.raises(CommandError) as error:
        run(
            tmp_path,
            f"{HEADER}\n{SIMPLE}\n{SIMPLE.replace('P1', 'P2').replace('Rouen', 'Évreux')}\n",
            "latin-1",
        )
    assert "not in UTF-8: invalid bytes on line 3" in str(error.value)
    assert not Place.objects.exists()


def test_a_wrong_header_in_the_command_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError) as error:
        run(tmp_path, f"{HEADER.replace('kind', 'type')}\n{SIMPLE}\n")
    assert "missing column(s): kind" in str(error.value)
    assert not Place.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        call_command("import_places", str(tmp_path / "absent.csv"))


def test_the_import_streams_its_lines_batch_by_batch():
    lines = [SIMPLE.replace("P1", f"P{n}") for n in range(25)]
    batches = []
    places_import = PlacesImport(csv_file(*lines), batch_size=10)
    places_import.run(on_batch=lambda report: batches.append(report.created))
    assert batches == [10, 20, 25]


def test_the_example_in_the_documentation_imports(tmp_path):
    output = run(tmp_path, documented_example())
    assert "3 lines read: 3 created, 0 updated, 0 unchanged, 0 rejected." in output
    rouen = Place.objects.get(key="ROUEN-1")
    assert rouen.hours["thursday"] == [["13:00", "18:00"]]
    assert rouen.services == ["Carte Vitale", "Attestations", "Rendez-vous"]
    assert Place.objects.get(key="ROUEN-B").address == "Hall de la gare\nPlace de l'Exemple"
    assert [p.key for p in Place.objects.near(49.4431, 1.0993, 100)] == [
        "ROUEN-1",
        "ROUEN-B",
        "HAVRE-1",
    ]
    output = run(tmp_path, documented_example())
    assert "3 lines read: 0 created, 0 updated, 3 unchanged, 0 rejected." in output
