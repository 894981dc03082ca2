"""The optional columns of the members file: médecin traitant, IBAN, CSS period."""

import datetime

import pytest
from django.core.management import CommandError

from assure.members.models import Member
from tests.members.factories import MemberFactory
from tests.members.registry_files import (
    CAMILLE,
    CAMILLE_IBAN,
    CAMILLE_NIR,
    HEADER,
    HELENE,
    HELENE_IBAN,
    HELENE_NIR,
    run,
    write,
)

pytestmark = pytest.mark.django_db

FULL_HEADER = HEADER.replace("\n", ",gp_name,iban,css_start,css_end\n")


def with_columns(line, *values):
    return line.replace("\n", "," + ",".join(values) + "\n")


def import_lines(tmp_path, header, *lines):
    return run(write(tmp_path, header, *lines))


def test_the_optional_columns_are_imported(tmp_path):
    output = import_lines(
        tmp_path,
        FULL_HEADER,
        with_columns(CAMILLE, "Dr  Sophie Lambert", CAMILLE_IBAN.lower(), "", ""),
        with_columns(HELENE, "", HELENE_IBAN, "2026-01-01", "2026-12-31"),
    )

    assert "2 lines read: 2 created, 0 updated, 0 unchanged, 0 rejected." in output
    camille = Member.objects.get(nir=CAMILLE_NIR)
    assert camille.gp_name == "Dr Sophie Lambert"
    assert camille.iban == "FR7699999000010001234567809"
    assert camille.masked_iban == "FR76 •••• •••• •••• •••• ••67 809"
    assert (camille.css_start, camille.css_end) == (None, None)
    helene = Member.objects.get(nir=HELENE_NIR)
    assert helene.gp_name == ""
    assert (helene.css_start, helene.css_end) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
    )


def test_importing_the_same_file_with_optional_columns_again_changes_nothing(tmp_path):
    lines = [
        FULL_HEADER,
        with_columns(CAMILLE, "Dr Sophie Lambert", CAMILLE_IBAN, "", ""),
        with_columns(HELENE, "", HELENE_IBAN, "2026-01-01", "2026-12-31"),
    ]
    import_lines(tmp_path, *lines)
    before = list(Member.objects.values_list("nir", "updated_at").order_by("nir"))

    output = import_lines(tmp_path, *lines)

    assert "2 lines read: 0 created, 0 updated, 2 unchanged, 0 rejected." in output
    assert list(Member.objects.values_list("nir", "updated_at").order_by("nir")) == before


def test_a_column_left_out_leaves_the_field_alone(tmp_path):
    member = MemberFactory(
        nir=CAMILLE_NIR,
        gp_name="Dr Sophie Lambert",
        iban="FR7699999000010001234567809",
        css_start=datetime.date(2026, 1, 1),
        css_end=datetime.date(2026, 12, 31),
    )

    output = import_lines(tmp_path, HEADER, CAMILLE)

    assert "1 updated" in output  # the address and names of the file
    member.refresh_from_db()
    assert member.first_names == "Camille Marie"
    assert member.gp_name == "Dr Sophie Lambert"
    assert member.iban == "FR7699999000010001234567809"
    assert member.css_end == datetime.date(2026, 12, 31)
    assert "0 updated, 1 unchanged" in import_lines(tmp_path, HEADER, CAMILLE)


def test_only_the_optional_columns_present_are_written(tmp_path):
    import_lines(tmp_path, FULL_HEADER, with_columns(CAMILLE, "Dr Sophie Lambert", "", "", ""))

    output = import_lines(
        tmp_path, HEADER.replace("\n", ",iban\n"), with_columns(CAMILLE, CAMILLE_IBAN)
    )

    assert "0 created, 1 updated, 0 unchanged" in output
    camille = Member.objects.get()
    assert (camille.gp_name, camille.iban) == ("Dr Sophie Lambert", "FR7699999000010001234567809")


def test_a_column_present_and_empty_clears_the_field(tmp_path):
    MemberFactory(
        nir=HELENE_NIR,
        gp_name="Dr Anne Roussel",
        iban=HELENE_IBAN,
        css_start=datetime.date(2026, 1, 1),
        css_end=datetime.date(2026, 12, 31),
    )

    output = import_lines(tmp_path, FULL_HEADER, with_columns(HELENE, "", "", "", ""))

    assert "1 updated" in output
    helene = Member.objects.get()
    assert (helene.gp_name, helene.iban, helene.css_start, helene.css_end) == ("", "", None, None)


@pytest.mark.parametrize(
    "iban, stored",
    [
        ("FR76 9999 9000 0100 0123 4567 809", "FR7699999000010001234567809"),
        ("fr7630006000011234567890189", "FR7630006000011234567890189"),
        ("DE89 3704 0044 0532 0130 00", "DE89370400440532013000"),  # an account in Germany
        ("BE68539007547034", "BE68539007547034"),
    ],
)
def test_a_valid_iban_is_stored_compact_and_in_capitals(tmp_path, iban, stored):
    import_lines(tmp_path, HEADER.replace("\n", ",iban\n"), with_columns(CAMILLE, iban))
    assert Member.objects.get().iban == stored


@pytest.mark.parametrize(
    "iban, reason",
    [
        # The IBAN's own check digits are right, the RIB key (last 2 digits) is not.
        ("FR0630006000011234567890188", "la clé RIB ne correspond pas au compte"),
        ("FR7730006000011234567890189", "la clé (les 2 chiffres après le code pays)"),
        ("BE68 5390 0754 7035", "la clé (les 2 chiffres après le code pays)"),
        ("FR76300060000112345678901", "longueur incorrecte pour ce pays"),
        ("ZZ121234567890", "code pays inconnu"),
        ("FR76 3000 6000 0112 3456 7890 18A", "caractères ou structure incorrects"),
        ("RIB 123", "caractères ou structure incorrects"),
    ],
)
def test_a_bad_iban_rejects_the_line_with_the_reason(tmp_path, iban, reason):
    output = import_lines(tmp_path, HEADER.replace("\n", ",iban\n"), with_columns(CAMILLE, iban))

    assert f"line 2: iban: IBAN non valide : {reason}" in output
    assert iban not in output  # bank details stay out of the report
    assert "1 lines read: 0 created, 0 updated, 0 unchanged, 1 rejected." in output
    assert not Member.objects.exists()


def test_css_dates_are_checked(tmp_path):
    output = import_lines(
        tmp_path,
        FULL_HEADER,
        with_columns(CAMILLE, "", "", "01/01/2026", "2026-12-31"),  # line 2
        with_columns(HELENE, "", "", "2026-06-01", "2026-05-31"),  # line 3
        with_columns(CAMILLE.replace("034 94", "034"), "", "", "", "2026-12-31"),  # line 4
        with_columns(HELENE.replace("Santoni", ""), "", "", "2026-06-01", ""),  # line 5
    )

    assert "line 2: css_start: date non valide '01/01/2026' (attendu AAAA-MM-JJ)." in output
    assert (
        "line 3: css_end: la fin de la CSS (2026-05-31) précède son début (2026-06-01)." in output
    )
    assert "line 4: css_end: une fin de CSS sans début (css_start est vide)." in output
    assert "4 lines read: 1 created, 0 updated, 0 unchanged, 3 rejected." in output
    helene = Member.objects.get()
    assert (helene.css_start, helene.css_end) == (datetime.date(2026, 6, 1), None)


def test_several_bad_values_on_a_line_are_all_reported(tmp_path):
    output = import_lines(
        tmp_path,
        FULL_HEADER,
        with_columns(CAMILLE.replace("75011", "7501"), "Dr " + "X" * 150, "FR76", "", ""),
    )
    assert (
        "line 2: postcode: le code postal doit comporter 5 chiffres ('7501'); "
        "gp_name: 150 caractères au plus (153 ici); "
        "iban: IBAN non valide : caractères ou structure incorrects pour ce pays."
    ) in output


def test_css_start_and_css_end_come_together_in_the_header(tmp_path):
    with pytest.raises(CommandError) as error:
        import_lines(tmp_path, HEADER.replace("\n", ",css_end\n"), with_columns(CAMILLE, ""))

    assert "the columns css_start and css_end go together" in str(error.value)
    assert not Member.objects.exists()


def test_an_unknown_optional_column_is_a_header_error(tmp_path):
    with pytest.raises(CommandError) as error:
        import_lines(tmp_path, HEADER.replace("\n", ",rib\n"), with_columns(CAMILLE, ""))

    assert "unknown column(s): 'rib'" in str(error.value)
    assert "optionally gp_name, iban, css_start, css_end" in str(error.value)
