import pytest

from assure.places.hours import InvalidHours, french_intervals, french_time, parse_day


@pytest.mark.parametrize(
    ("text", "intervals"),
    [
        ("", []),
        ("  ", []),
        ("08:30-12:00,13:30-16:30", [["08:30", "12:00"], ["13:30", "16:30"]]),
        ("8:30 - 12:00 , 13:30–16:30", [["08:30", "12:00"], ["13:30", "16:30"]]),
        ("00:00-24:00", [["00:00", "24:00"]]),
        ("07:00-08:00,09:00-10:00,11:00-12:00,13:00-14:00", [
            ["07:00", "08:00"], ["09:00", "10:00"], ["11:00", "12:00"], ["13:00", "14:00"],
        ]),
    ],
)  # fmt: skip
def test_a_day_is_read_into_intervals(text, intervals):
    assert parse_day(text) == intervals


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("8h30-12h", "plage horaire illisible '8h30-12h' (attendu par exemple 08:30-12:00)"),
        ("08:30", "plage horaire illisible '08:30'"),
        ("fermé", "plage horaire illisible 'fermé'"),
        ("25:00-26:00", "heure de début impossible dans '25:00-26:00'"),
        ("08:60-12:00", "heure de début impossible dans '08:60-12:00'"),
        ("24:00-24:00", "heure de début impossible"),
        ("08:00-24:30", "heure de fin impossible dans '08:00-24:30'"),
        ("08:00-12:75", "heure de fin impossible"),
        ("12:00-08:00", "la fin doit suivre le début dans '12:00-08:00'"),
        ("08:00-08:00", "la fin doit suivre le début"),
        ("08:00-12:00,11:00-14:00", "la plage '11:00-14:00' doit commencer après la fin"),
        ("13:00-16:00,08:00-12:00", "la plage '08:00-12:00' doit commencer après la fin"),
        ("08:00-12:00,12:00-14:00", "réunissez les plages qui se touchent"),
        ("08:00-12:00,", "plage horaire illisible ''"),
        (
            "07:00-08:00,09:00-10:00,11:00-12:00,13:00-14:00,15:00-16:00",
            "4 plages horaires au plus par jour (5 ici)",
        ),
    ],
)
def test_bad_hours_say_what_is_wrong(text, reason):
    with pytest.raises(InvalidHours) as error:
        parse_day(text)
    assert reason in str(error.value)


def test_times_are_said_the_french_way():
    assert [french_time(m) for m in (0, 510, 720, 1005, 1440)] == [
        "0 h",
        "8 h 30",
        "12 h",
        "16 h 45",
        "minuit",
    ]
    assert french_intervals([("08:30", "12:00")]) == "de 8 h 30 à 12 h"
    assert (
        french_intervals([("08:00", "10:00"), ("11:00", "12:00"), ("14:00", "24:00")])
        == "de 8 h à 10 h, de 11 h à 12 h et de 14 h à minuit"
    )
