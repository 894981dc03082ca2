import csv
import datetime
import io

import pytest

from assure.lib.importing import (
    EncodingError,
    HeaderError,
    ImportReport,
    InvalidLine,
    Rejection,
    SeenKeys,
    check_utf8,
    clean_address,
    clean_date,
    clean_iban,
    clean_optional_rank,
    clean_phone,
    clean_postcode,
    clean_rank,
    clean_required_text,
    numbered_rows,
    read_by_a_child,
    read_header,
)


def test_check_utf8_names_the_line_of_the_first_bad_bytes():
    check_utf8(io.BytesIO("nom\nÉlodie\n".encode()))
    with pytest.raises(EncodingError) as error:
        check_utf8(io.BytesIO(b"nom\nok\n\xe9lodie\n"), chunk_size=4)
    assert error.value.line == 3


def test_check_utf8_refuses_a_character_cut_at_the_end():
    with pytest.raises(EncodingError):
        check_utf8(io.BytesIO("é".encode()[:1]))


def test_numbered_rows_give_the_line_a_record_begins_on_and_leave_out_blank_lines():
    text = 'a,b\n\n"1\n2",x\n3,y\n'
    reader = csv.reader(io.StringIO(text, newline=""))
    next(reader)
    assert [(line, row) for line, row, _ in numbered_rows(reader)] == [
        (3, ["1\n2", "x"]),
        (5, ["3", "y"]),
    ]


def test_read_header_finds_columns_by_name_in_any_order():
    positions = read_header(["\ufeffB", " a ", "c"], ("a", "b"), optional=("c", "d"))
    assert positions == {"a": 1, "b": 0, "c": 2}


def test_read_header_says_every_problem():
    with pytest.raises(HeaderError) as error:
        read_header(["a", "a", "z"], ("a", "b"))
    message = str(error.value)
    assert "missing column(s): b" in message
    assert "unknown column(s): 'z'" in message
    assert "repeated column(s): a" in message
    with pytest.raises(HeaderError, match="The file is empty"):
        read_header(None, ("a",))


@pytest.mark.parametrize(
    ("clean", "text", "value"),
    [
        (clean_date, "2026-12-07", datetime.date(2026, 12, 7)),
        (clean_required_text, "  Le   Havre ", "Le Havre"),
        (clean_postcode, "76600", "76600"),
        (clean_phone, "02 35 00 00 00", "+33235000000"),
        (clean_phone, "", ""),
        (clean_iban, "fr76 3000 6000 0112 3456 7890 189", "FR7630006000011234567890189"),
        (clean_rank, "2", 2),
        (clean_optional_rank, "", None),
        (clean_address, "1 rue du Port\n\n  Bât. B ", "1 rue du Port\nBât. B"),
    ],
)
def test_cleaners(clean, text, value):
    assert clean(text) == value


@pytest.mark.parametrize(
    ("clean", "text", "reason"),
    [
        (clean_date, "07/12/2026", "date non valide '07/12/2026' (attendu AAAA-MM-JJ)."),
        (clean_date, "", "obligatoire."),
        (clean_postcode, "00100", "le code postal doit comporter 5 chiffres ('00100')."),
        (clean_phone, "12", "numéro de téléphone non valide '12'."),
        (clean_rank, "0", "rang non valide '0' (un nombre de 1 à 99)."),
        (clean_address, "1\n2\n3\n4\n5", "4 lignes au plus (5 ici)."),
    ],
)
def test_cleaners_say_why_in_french(clean, text, reason):
    with pytest.raises(InvalidLine) as error:
        clean(text)
    assert str(error.value) == reason


def test_an_iban_refused_is_not_repeated_in_the_reason():
    with pytest.raises(InvalidLine) as error:
        clean_iban("FR7630006000011234567890188")
    assert "FR76" not in str(error.value)


@pytest.mark.django_db
def test_seen_keys_keep_the_first_line_across_batches():
    report = ImportReport()
    seen = SeenKeys()
    try:
        message = "déjà ligne {line}."
        first = seen.first_occurrences([(2, "a"), (3, "b"), (4, "a")], str, message, report)
        second = seen.first_occurrences([(5, "b"), (6, "c")], str, message, report)
    finally:
        seen.drop()
    assert first == [(2, "a"), (3, "b")]
    assert second == [(6, "c")]
    assert report.rejected == [Rejection(4, "déjà ligne 2."), Rejection(5, "déjà ligne 3.")]


def test_a_child_reads_the_batches_and_the_report_follows():
    report = ImportReport()

    def batches():
        for number in range(3):
            report.read += 2
            report.rejected.append(Rejection(number, "bad"))
            yield [number]

    assert list(read_by_a_child(batches, report)) == [[0], [1], [2]]
    assert report.read == 6
    assert [rejection.line for rejection in report.rejected] == [0, 1, 2]


def test_an_error_in_the_child_is_raised_here():
    def batches():
        yield [1]
        raise ValueError("unreadable")

    with pytest.raises(ValueError, match="unreadable"):
        list(read_by_a_child(batches, ImportReport()))
