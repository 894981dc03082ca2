import pytest

from assure.lib.names import name_key, normalize_name, same_name


@pytest.mark.parametrize(
    "typed", ["Le Gall", "LE-GALL", "le  gall", " le gall ", "LEGALL", "Le_Gall"]
)
def test_case_hyphens_and_spaces_do_not_matter(typed):
    assert same_name(typed, "Le Gall")


@pytest.mark.parametrize(
    "typed, on_file",
    [
        ("Helene", "Hélène"),
        ("HELENE", "Hélène"),
        ("Francois", "François"),
        ("Nunez", "Ñúñez"),
        ("Oeuvray", "Œuvray"),
        ("Laetitia", "Lætitia"),
        ("Strasse", "Straße"),
        ("N'Diaye", "NDIAYE"),
        ("D’Artagnan", "d'Artagnan"),
    ],
)
def test_accents_ligatures_and_apostrophes_do_not_matter(typed, on_file):
    assert same_name(typed, on_file)


def test_different_names_do_not_match():
    assert not same_name("Martin", "Martine")
    assert not same_name("", "")
    assert not same_name("  - ", "")


def test_normalize_name_keeps_one_space_between_words():
    assert normalize_name("  Jean--Pierre   DE  L'Orme ") == "jean pierre de l orme"
    assert name_key("Jean-Pierre") == "jeanpierre"
