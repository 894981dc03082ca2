import pytest

from assure.lib.nir import InvalidNIR, build_nir, format_nir, nir_key, parse_nir


def message(value):
    with pytest.raises(InvalidNIR) as error:
        parse_nir(value)
    return error.value.message


@pytest.mark.parametrize(
    "typed",
    [
        "1 84 12 76 451 089 46",
        "184127645108946",
        "1841276451089",
        "1 84 12 76 451 089",
        "1.84.12.76.451.089.46",
        "1-84-12-76-451-089-46",
        "1\u00a084\u00a012\u00a076\u00a0451\u00a0089\u00a046",
        "  1 8412 7645 1089 46 ",
    ],
)
def test_it_accepts_a_nir_typed_with_or_without_spaces_and_key(typed):
    assert parse_nir(typed) == "1841276451089"


def test_the_key_is_97_minus_the_number_modulo_97():
    assert nir_key("1841276451089") == f"{97 - 1841276451089 % 97:02d}" == "46"


@pytest.mark.parametrize(
    "typed, canonical, as_number",
    [
        ("2 78 07 2A 004 057", "278072A004057", 2780719004057),
        ("2 78 07 2a 004 057", "278072A004057", 2780719004057),
        ("1 90 01 2B 033 008", "190012B033008", 1900118033008),
    ],
)
def test_corsica_keeps_its_letters_and_counts_2a_as_19_and_2b_as_18(typed, canonical, as_number):
    key = f"{97 - as_number % 97:02d}"
    assert parse_nir(typed) == canonical
    assert parse_nir(f"{typed} {key}") == canonical
    assert nir_key(canonical) == key


def test_known_corsican_keys():
    assert parse_nir("2 53 07 2B 073 004 70") == "253072B073004"
    assert parse_nir("2 53 07 2A 073 004 43") == "253072A073004"
    assert "clé" in message("2 53 07 2A 073 004 70")


def test_it_refuses_a_wrong_key():
    assert message("1 84 12 76 451 089 47") == (
        "La clé (2 derniers chiffres) ne correspond pas au numéro. Vérifiez votre carte Vitale."
    )


@pytest.mark.parametrize("typed", ["", "184127645108", "18412764510894", "1841276451089461"])
def test_it_refuses_a_wrong_length(typed):
    assert message(typed) == (
        "Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé."
    )


@pytest.mark.parametrize(
    "typed", ["1 84 12 76 451 O89 46", "1841276451089 ab", "2 78 07 2C 004 057"]
)
def test_it_refuses_letters_other_than_corsica(typed):
    assert "ne contient que des chiffres" in message(typed)


def test_letters_a_or_b_elsewhere_than_the_department_are_refused():
    assert "ne contient que des chiffres" in message("1841276A51089")


@pytest.mark.parametrize("sex", "123478")
def test_sex_digits_in_use(sex):
    assert parse_nir(f"{sex}841276451089")[0] == sex


@pytest.mark.parametrize("sex", "0569")
def test_other_sex_digits_are_refused(sex):
    assert message(f"{sex}841276451089").startswith("Le premier chiffre (sexe) doit être 1 ou 2")


@pytest.mark.parametrize("month", ["01", "12", "20", "30", "42", "50", "99"])
def test_real_and_fictitious_months(month):
    assert parse_nir(f"184{month}76451089")


@pytest.mark.parametrize("month", ["00", "13", "19", "21", "29", "43", "49"])
def test_impossible_months(month):
    assert message(f"184{month}76451089") == (
        "Le mois de naissance (4e et 5e chiffres) n'est pas valide."
    )


def test_department_00_is_refused():
    assert "département de naissance" in message("1841200451089")


def test_corsica_was_20_before_1976_only():
    assert parse_nir("1 52 03 20 004 012") == "1520320004012"
    assert "2A ou 2B" in message("1 80 03 20 004 012")


def test_algeria_morocco_and_tunisia_before_independence():
    assert parse_nir("1 55 03 96 001 012") == "1550396001012"


@pytest.mark.parametrize(
    "typed", ["2 85 03 974 11 001", "1 70 05 971 05 010", "2 90 02 988 18 002"]
)
def test_overseas_departments_have_three_digits(typed):
    assert parse_nir(typed)


@pytest.mark.parametrize(
    "typed", ["2 85 03 970 11 001", "2 85 03 979 11 001", "2 85 03 981 11 001"]
)
def test_unknown_overseas_departments(typed):
    assert "outre-mer" in message(typed)


def test_born_abroad_is_99_and_a_country_code():
    assert parse_nir("1 84 12 99 350 001") == "1841299350001"
    assert "pays de naissance" in message("1 84 12 99 050 001")


def test_commune_and_order_000_do_not_exist():
    assert "commune" in message("1 84 12 76 000 089")
    assert "commune" in message("1 84 12 76 995 089")
    assert "numéro d'ordre" in message("1 84 12 76 451 000")


def test_temporary_numbers_are_only_checked_for_digits_and_key():
    assert parse_nir("7 1 234 12345678") == "7123412345678"
    assert "clé" in message(f"7123412345678 {int(nir_key('7123412345678')) % 97 + 1:02d}")


def test_format_groups_like_the_carte_vitale():
    assert format_nir("1841276451089") == "1 84 12 76 451 089 46"
    assert format_nir("1841276451089", with_key=False) == "1 84 12 76 451 089"
    assert format_nir("278072A004057").startswith("2 78 07 2A 004 057 ")


def test_build_nir():
    assert build_nir(2, 1978, 7, "2A", 4, 57) == "278072A004057"
    assert build_nir(2, 1985, 3, "974", 11, 1) == "2850397411001"
