import datetime
import io
from decimal import Decimal

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from assure.lib.importing import HeaderError
from assure.members.models import Member
from assure.payments import importing
from assure.payments.importing import import_payments
from assure.payments.models import Payment, PaymentLine
from tests.payments.payment_files import (
    ALLOWANCES,
    CAMILLE_NIR,
    CONSULTATION,
    HEADER,
    MEDICINES,
    PAEDIATRICIAN,
    documented_examples,
    make_members,
    run,
    write,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def members(db):
    return make_members()


def lines_of(reference):
    return list(
        PaymentLine.objects.filter(payment__reference=reference)
        .order_by("position")
        .values_list("position", "act", "reimbursed", "flat_fee", "franchise")
    )


def test_it_creates_payments_with_their_lines(tmp_path, members):
    camille, _, helene = members

    output = run(write(tmp_path, HEADER, CONSULTATION, MEDICINES, PAEDIATRICIAN, ALLOWANCES))

    assert (
        "4 lines read, making 3 payments: 3 created, 0 updated, 0 unchanged, 0 rejected "
        "(0 lines not imported)."
    ) in output
    payment = Payment.objects.get(reference="PAI-1")
    assert (payment.member, payment.beneficiary, payment.nature) == (camille, None, Payment.CARE)
    assert payment.paid_on == datetime.date(2026, 3, 2)
    assert payment.amount == Decimal("25.06")  # 21.00 - 2.00 + 8.06 - 2.00
    assert lines_of("PAI-1") == [
        (1, "Consultation médecin généraliste", Decimal("21.00"), Decimal("2.00"), Decimal("0")),
        (2, "Médicaments (2 boîtes)", Decimal("8.06"), Decimal("0"), Decimal("2.00")),
    ]
    line = payment.lines.get(position=1)
    assert (line.care_date, line.end_date) == (datetime.date(2026, 2, 26), None)
    assert (line.professional, line.charged, line.base, line.rate) == (
        "Dr Sophie Lambert",
        Decimal("30.00"),
        Decimal("30.00"),
        70,
    )
    hugo = Payment.objects.get(reference="PAI-2")
    assert (hugo.member, hugo.beneficiary.first_names) == (camille, "Hugo")
    assert hugo.amount == Decimal("24.50")
    allowances = Payment.objects.get(reference="PAI-3")
    assert (allowances.member, allowances.nature) == (helene, Payment.DAILY_ALLOWANCE)
    [period] = allowances.lines.all()
    assert (period.care_date, period.end_date) == (
        datetime.date(2026, 2, 20),
        datetime.date(2026, 3, 2),
    )
    assert period.act == "Indemnités journalières maladie, 11 jours à 34,80 €"
    assert allowances.amount == Decimal("382.80")


def test_the_example_in_the_documentation_imports(tmp_path):
    """docs/formats.md: members, beneficiaries, then payments, each cleanly."""
    members, _ = documented_examples("Members (`assure import_members`)")
    [beneficiaries] = documented_examples("Beneficiaries (`assure import_members --beneficiaries`)")
    [payments] = documented_examples("Payments (`assure import_payments`)")
    (tmp_path / "members.csv").write_text(members)
    (tmp_path / "beneficiaries.csv").write_text(beneficiaries)
    call_command(
        "import_members",
        str(tmp_path / "members.csv"),
        f"--beneficiaries={tmp_path / 'beneficiaries.csv'}",
        stdout=io.StringIO(),
    )

    output = run(write(tmp_path, payments))

    assert (
        "6 lines read, making 5 payments: 5 created, 0 updated, 0 unchanged, 0 rejected "
        "(0 lines not imported)."
    ) in output
    # The amounts the documentation gives.
    assert list(Payment.objects.order_by("reference").values_list("amount", flat=True)) == [
        Decimal("25.06"),
        Decimal("24.50"),
        Decimal("25.54"),
        Decimal("382.80"),
        Decimal("318.45"),
    ]
    assert Payment.objects.get(reference="PAI-2026-000102").beneficiary.first_names == "Hugo"
    assert Payment.objects.get(reference="PAI-2026-000105").nature == Payment.ANNUITY
    analyses = PaymentLine.objects.get(payment__reference="PAI-2026-000103")
    assert (analyses.charged, analyses.reimbursed) == (Decimal("27.54"), Decimal("27.54"))


def test_the_report_in_the_documentation_is_what_the_command_prints(tmp_path):
    """The ```text block of docs/formats.md, from the example with the errors it lists."""
    members, _ = documented_examples("Members (`assure import_members`)")
    [beneficiaries] = documented_examples("Beneficiaries (`assure import_members --beneficiaries`)")
    [payments] = documented_examples("Payments (`assure import_payments`)")
    (tmp_path / "members.csv").write_text(members)
    (tmp_path / "beneficiaries.csv").write_text(beneficiaries)
    call_command(
        "import_members",
        str(tmp_path / "members.csv"),
        f"--beneficiaries={tmp_path / 'beneficiaries.csv'}",
        stdout=io.StringIO(),
    )
    rows = payments.splitlines(keepends=True)
    first_payment = rows[1:3]
    rows[2] = rows[2].replace(",65,", ",650,")
    rows[3] = rows[3].replace(",3,", ",4,")
    rows[5] = rows[5].replace("2026-02-20,2026-03-02", "2026-03-13,2026-03-02")

    output = run(write(tmp_path, *rows, *first_payment))

    text = (settings.BASE_DIR / "docs" / "formats.md").read_text()
    section = text.split("\n## Payments (`assure import_payments`)")[1]
    documented = section.split("```text\n")[1].split("```")[0]
    assert output.replace(str(tmp_path / "payments.csv"), "payments.csv") == documented


def test_importing_the_same_file_again_changes_nothing(tmp_path, members):
    path = write(tmp_path, HEADER, CONSULTATION, MEDICINES, PAEDIATRICIAN, ALLOWANCES)
    run(path)
    before = list(PaymentLine.objects.order_by("pk").values_list("pk", "payment", "position"))

    output = run(path)

    assert "4 lines read, making 3 payments: 0 created, 0 updated, 3 unchanged, 0 rejected" in (
        output
    )
    after = list(PaymentLine.objects.order_by("pk").values_list("pk", "payment", "position"))
    assert after == before


def test_a_changed_line_updates_the_payment_and_replaces_its_lines(tmp_path, members):
    run(write(tmp_path, HEADER, CONSULTATION, MEDICINES, PAEDIATRICIAN))
    payment = Payment.objects.get(reference="PAI-1")
    old_lines = set(payment.lines.values_list("pk", flat=True))
    corrected = MEDICINES.replace("12.40,12.40,65,8.06,,2.00", "18.60,18.60,65,12.09,,3.00")
    third = MEDICINES.replace("Médicaments (2 boîtes)", "Pansements").replace(",,2.00", ",,0")

    output = run(write(tmp_path, HEADER, CONSULTATION, corrected, third, PAEDIATRICIAN))

    assert "making 2 payments: 0 created, 1 updated, 1 unchanged, 0 rejected" in output
    payment.refresh_from_db()
    assert payment.amount == Decimal("19.00") + Decimal("9.09") + Decimal("8.06")
    assert [line[:2] for line in lines_of("PAI-1")] == [
        (1, "Consultation médecin généraliste"),
        (2, "Médicaments (2 boîtes)"),
        (3, "Pansements"),
    ]
    assert not old_lines & set(payment.lines.values_list("pk", flat=True))
    assert PaymentLine.objects.count() == 4


def test_a_line_less_or_a_changed_payment_column_is_an_update(tmp_path, members):
    run(write(tmp_path, HEADER, CONSULTATION, MEDICINES, PAEDIATRICIAN))

    output = run(
        write(tmp_path, HEADER, CONSULTATION, PAEDIATRICIAN.replace("2026-03-09", "2026-03-10"))
    )

    assert "0 created, 2 updated, 0 unchanged, 0 rejected" in output
    assert lines_of("PAI-1") == [
        (1, "Consultation médecin généraliste", Decimal("21.00"), Decimal("2.00"), Decimal("0")),
    ]
    assert Payment.objects.get(reference="PAI-1").amount == Decimal("19.00")
    assert Payment.objects.get(reference="PAI-2").paid_on == datetime.date(2026, 3, 10)


def test_a_payment_with_one_bad_line_is_rejected_whole(tmp_path, members):
    bad = MEDICINES.replace(",65,", ",650,")

    output = run(write(tmp_path, HEADER, CONSULTATION, bad, CONSULTATION, PAEDIATRICIAN))

    assert (
        "line 3: rate: taux non valide '650' (un nombre entier de 0 à 100) — "
        "paiement PAI-1 non importé (lignes 2 à 4)."
    ) in output
    assert "line 2" not in output and "line 4" not in output
    assert (
        "4 lines read, making 2 payments: 1 created, 0 updated, 0 unchanged, 1 rejected "
        "(3 lines not imported)."
    ) in output
    assert list(Payment.objects.values_list("reference", flat=True)) == ["PAI-2"]
    assert not PaymentLine.objects.filter(act__startswith="Consultation médecin").exists()


def test_a_rejected_update_leaves_the_payment_as_it_was(tmp_path, members):
    run(write(tmp_path, HEADER, CONSULTATION, MEDICINES))
    before = lines_of("PAI-1")

    output = run(write(tmp_path, HEADER, CONSULTATION.replace("21.00", "25.00"), "PAI-1,oops\n"))

    assert "line 3: 15 colonnes attendues, 2 trouvées — paiement PAI-1 non importé" in output
    assert lines_of("PAI-1") == before


@pytest.mark.parametrize(
    "line, reason",
    [
        (
            CONSULTATION.replace("2026-02-26", "26/02/2026"),
            "care_date: date non valide '26/02/2026' (attendu AAAA-MM-JJ).",
        ),
        (
            CONSULTATION.replace("2026-03-02", "2026-02-30"),
            "paid_on: date non valide '2026-02-30' (attendu AAAA-MM-JJ).",
        ),
        (
            CONSULTATION.replace("2026-02-26", "2026-03-05"),
            "care_date: les soins (2026-03-05) sont après le paiement (2026-03-02).",
        ),
        (
            CONSULTATION.replace("2026-02-26,,", "2026-02-26,2026-02-20,"),
            "end_date: la fin (2026-02-20) précède le début (2026-02-26).",
        ),
        (
            CONSULTATION.replace("2026-03-02", "2099-03-02"),
            "paid_on: date de paiement dans le futur (2099-03-02).",
        ),
        (
            CONSULTATION.replace(",soins,", ",remboursement,"),
            "nature: nature non valide 'remboursement' (soins, ij, invalidite, rente ou autre).",
        ),
        (
            CONSULTATION.replace("PAI-1", "PAI 1/2026"),
            "reference: référence non valide 'PAI 1/2026' (lettres, chiffres et tirets).",
        ),
        (
            CONSULTATION.replace("PAI-1", "P" * 31),
            "reference: 30 caractères au plus (31 ici).",
        ),
        (
            CONSULTATION.replace("PAI-1,", ","),
            "reference: obligatoire.",
        ),
        (
            CONSULTATION.replace("034 94", "034 95"),
            "member_nir: La clé (2 derniers chiffres) ne correspond pas au numéro. "
            "Vérifiez votre carte Vitale.",
        ),
        (
            CONSULTATION.replace(",,2026-03-02", ",0,2026-03-02"),
            "beneficiary_rank: rang non valide '0' (un nombre de 1 à 99).",
        ),
        (
            CONSULTATION.replace("Consultation médecin généraliste", ""),
            "act: obligatoire.",
        ),
        (
            CONSULTATION.replace("Dr Sophie Lambert", "D" * 151),
            "professional: 150 caractères au plus (151 ici).",
        ),
        (
            CONSULTATION.replace("30.00,30.00,70", "30.00,-30.00,70"),
            "base: montant négatif '-30.00' (un montant est positif ou nul).",
        ),
        (
            CONSULTATION.replace("21.00", "21.005"),
            "reimbursed: montant non valide '21.005' "
            "(en euros, 2 décimales au plus, par exemple 12.50).",
        ),
        (
            CONSULTATION.replace("30.00,30.00", "30 €,30.00"),
            "charged: montant non valide '30 €' "
            "(en euros, 2 décimales au plus, par exemple 12.50).",
        ),
        (
            CONSULTATION.replace(",2.00,0.00", ",1000000,0.00"),
            "flat_fee: montant trop élevé '1000000' (999999.99 au plus).",
        ),
        (
            CONSULTATION.replace(",70,", ",,"),
            "rate: obligatoire.",
        ),
        (
            CONSULTATION.replace(",2.00,0.00", ",22.00,0.00"),
            "flat_fee, franchise: le montant du paiement serait négatif (-1.00 €) : "
            "les déductions dépassent les remboursements.",
        ),
    ],
)
def test_each_check_names_the_column(tmp_path, members, line, reason):
    output = run(write(tmp_path, HEADER, line, PAEDIATRICIAN))

    assert f"line 2: {reason}" in output
    assert "1 created, 0 updated, 0 unchanged, 1 rejected (1 lines not imported)." in output
    assert list(Payment.objects.values_list("reference", flat=True)) == ["PAI-2"]


def test_every_bad_value_of_a_line_is_reported(tmp_path, members):
    line = CONSULTATION.replace("2026-02-26", "hier").replace("21.00", "beaucoup")

    output = run(write(tmp_path, HEADER, line))

    assert (
        "line 2: care_date: date non valide 'hier' (attendu AAAA-MM-JJ); "
        "reimbursed: montant non valide 'beaucoup'"
    ) in output


def test_rows_of_one_payment_must_agree_on_the_payment_columns(tmp_path, members):
    other_day = MEDICINES.replace("2026-03-02,soins", "2026-03-03,soins")

    output = run(write(tmp_path, HEADER, CONSULTATION, other_day, PAEDIATRICIAN))

    assert (
        "line 3: paid_on: '2026-03-03' alors que la ligne 2 du même paiement indique "
        "'2026-03-02' (les colonnes du paiement sont les mêmes sur toutes ses lignes) — "
        "paiement PAI-1 non importé (lignes 2 à 3)."
    ) in output
    assert not Payment.objects.filter(reference="PAI-1").exists()


def test_the_same_values_written_differently_agree(tmp_path, members):
    """A NIR with or without its key, a nature in capitals: the same payment."""
    other_spelling = MEDICINES.replace("2 85 03 75 111 034 94", CAMILLE_NIR).replace(
        ",soins,", ",SOINS,"
    )

    output = run(write(tmp_path, HEADER, CONSULTATION, other_spelling))

    assert "1 created, 0 updated, 0 unchanged, 0 rejected" in output
    assert Payment.objects.get().lines.count() == 2


def test_an_unknown_member_or_beneficiary_rejects_the_payment(tmp_path, members):
    stranger = CONSULTATION.replace("2 85 03 75 111 034 94", "1 84 12 76 451 089 46")

    output = run(
        write(
            tmp_path,
            HEADER,
            stranger,
            stranger.replace("Consultation médecin généraliste", "Radiographie"),
            PAEDIATRICIAN.replace(",3,", ",4,"),
            ALLOWANCES,
        )
    )

    assert (
        "line 2: member_nir: assuré inconnu : 1 84 12 76 451 089 46 (absent du registre) — "
        "paiement PAI-1 non importé (lignes 2 à 3)."
    ) in output
    assert (
        "line 4: beneficiary_rank: ayant droit inconnu : pas de rang 4 pour l'assuré "
        "2 85 03 75 111 034 94."
    ) in output
    assert "1 created, 0 updated, 0 unchanged, 2 rejected (3 lines not imported)." in output
    assert list(Payment.objects.values_list("reference", flat=True)) == ["PAI-3"]


def test_another_members_beneficiary_is_unknown(tmp_path, members):
    """Rank 3 exists for Camille Martin, not for Hélène Le Gall."""
    output = run(write(tmp_path, HEADER, ALLOWANCES.replace(",,2026-03-12", ",3,2026-03-12")))
    assert "pas de rang 3 pour l'assuré 2 78 07 2A 004 057 59." in output
    assert not Payment.objects.exists()


def test_a_reference_met_again_further_down_is_a_duplicate(tmp_path, members):
    output = run(
        write(
            tmp_path,
            HEADER,
            CONSULTATION,  # line 2
            PAEDIATRICIAN,  # line 3
            MEDICINES,  # line 4: PAI-1 again, after PAI-2
            MEDICINES.replace("2 boîtes", "3 boîtes"),  # line 5
        )
    )

    assert (
        "line 4: reference: paiement déjà présent ligne 2 du fichier ; les lignes d'un "
        "paiement doivent se suivre (seules les premières sont prises en compte) — "
        "paiement PAI-1 non importé (lignes 4 à 5)."
    ) in output
    assert "2 created, 0 updated, 0 unchanged, 1 rejected (2 lines not imported)." in output
    assert lines_of("PAI-1") == [
        (1, "Consultation médecin généraliste", Decimal("21.00"), Decimal("2.00"), Decimal("0")),
    ]


def test_the_later_rows_of_a_rejected_payment_are_not_imported_either(tmp_path, members):
    """The first block was refused: its later rows, apart, must not pass for the payment."""
    output = run(
        write(tmp_path, HEADER, CONSULTATION.replace(",70,", ",700,"), PAEDIATRICIAN, MEDICINES)
    )

    assert "line 2: rate: taux non valide '700'" in output
    assert "line 4: reference: paiement déjà présent ligne 2 du fichier" in output
    assert list(Payment.objects.values_list("reference", flat=True)) == ["PAI-2"]


def test_duplicates_are_found_across_batches():
    make_members()
    rows = [
        f"PAI-{n},{CAMILLE_NIR},,2026-03-02,soins,2026-02-26,,Consultation,,30,30,70,21,2,0\n"
        for n in range(1, 12)
    ]
    report = import_payments([HEADER, *rows, rows[0]], batch_size=3)

    assert report.created == 11
    assert [str(rejection) for rejection in report.rejected] == [
        "line 13: reference: paiement déjà présent ligne 2 du fichier ; les lignes d'un "
        "paiement doivent se suivre (seules les premières sont prises en compte)."
    ]


def test_a_payment_is_never_split_between_batches():
    """Batches of 2 lines, payments of 3: each payment is written whole, in file order."""
    make_members()
    consumed = []

    def lines():
        yield HEADER
        for n in range(1, 21):
            for act in ("Consultation", "Médicaments", "Analyses"):
                consumed.append(n)
                yield (
                    f"PAI-{n},{CAMILLE_NIR},,2026-03-02,soins,2026-02-26,,{act},,30,30,70,21,2,0\n"
                )

    written_at_each_batch = []

    def on_batch(report):
        written_at_each_batch.append((len(consumed), Payment.objects.count()))

    report = import_payments(lines(), batch_size=2, on_batch=on_batch)

    assert (report.created, report.rejected) == (20, [])
    # A payment is complete when the next one starts: one row read ahead, never the whole file.
    assert written_at_each_batch == [(3 * n + 1, n) for n in range(1, 20)] + [(60, 20)]
    for payment in Payment.objects.all():
        assert list(payment.lines.values_list("position", "act")) == [
            (1, "Consultation"),
            (2, "Médicaments"),
            (3, "Analyses"),
        ]
        assert payment.amount == Decimal("57.00")


def test_blank_lines_are_skipped_even_inside_a_payment(tmp_path, members):
    output = run(write(tmp_path, HEADER, CONSULTATION, "\n", ",,,,,,,,,,,,,,\n", MEDICINES))

    assert "2 lines read, making 1 payments: 1 created" in output
    assert Payment.objects.get().lines.count() == 2


def test_a_decimal_comma_in_a_quoted_field_and_empty_deductions(tmp_path, members):
    line = CONSULTATION.replace("30.00,30.00,70,21.00,2.00,0.00", '"30,00","30",70,"21,5",,')

    run(write(tmp_path, HEADER, line))

    [line] = PaymentLine.objects.all()
    assert (line.charged, line.base, line.reimbursed) == (
        Decimal("30.00"),
        Decimal("30.00"),
        Decimal("21.50"),
    )
    assert (line.flat_fee, line.franchise) == (Decimal("0"), Decimal("0"))


def test_too_many_lines_in_one_payment(monkeypatch):
    make_members()
    monkeypatch.setattr(importing, "MAX_LINES", 3)

    report = import_payments([HEADER] + [CONSULTATION] * 4 + [PAEDIATRICIAN])

    assert [str(rejection) for rejection in report.rejected] == [
        "line 2: reference: 4 lignes pour un paiement (3 au plus) — "
        "paiement PAI-1 non importé (lignes 2 à 5)."
    ]
    assert list(Payment.objects.values_list("reference", flat=True)) == ["PAI-2"]


def test_columns_may_come_in_any_order_and_a_bom_is_fine(tmp_path, members):
    names = HEADER.strip().split(",")
    order = list(reversed(range(len(names))))

    def reorder(line):
        import csv

        row = next(csv.reader([line]))
        return ",".join(f'"{row[i]}"' for i in order) + "\n"

    header = "\ufeff" + ",".join(names[i].upper() for i in order) + "\n"
    run(write(tmp_path, header, reorder(CONSULTATION), reorder(MEDICINES)))

    assert Payment.objects.get().amount == Decimal("25.06")


def test_a_missing_or_unknown_column_stops_everything(tmp_path, members):
    header = HEADER.replace("franchise", "franchises").replace(",paid_on", "")

    with pytest.raises(CommandError) as error:
        run(write(tmp_path, header, CONSULTATION))

    assert "missing column(s): paid_on, franchise" in str(error.value)
    assert "unknown column(s): 'franchises'" in str(error.value)
    assert "Nothing was imported" in str(error.value)
    assert not Payment.objects.exists()


def test_an_empty_file_is_a_header_error(tmp_path):
    with pytest.raises(CommandError, match="The file is empty"):
        run(write(tmp_path))


def test_header_errors_are_raised_before_anything_is_read_further():
    with pytest.raises(HeaderError, match="missing column"):
        import_payments(iter(["reference,member_nir\n", CONSULTATION]))


def test_a_file_that_is_not_utf8_is_refused_whole(tmp_path, members):
    plain = PAEDIATRICIAN.replace("pédiatre", "enfant")  # ASCII: the same in Latin-1
    path = write(tmp_path, HEADER, plain, CONSULTATION, encoding="latin-1")

    with pytest.raises(CommandError) as error:
        run(path)

    assert "not in UTF-8: invalid bytes on line 3" in str(error.value)
    assert "CSV UTF-8" in str(error.value)
    assert not Payment.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        run(tmp_path / "nowhere.csv")


def test_the_command_reports_each_rejected_line_then_the_counts(tmp_path, members):
    output = run(
        write(
            tmp_path,
            HEADER,
            CONSULTATION,
            MEDICINES.replace("8.06", "8,06"),  # unquoted: a 16th column
            PAEDIATRICIAN,
        )
    )

    assert output.splitlines() == [
        f"Payments ({tmp_path / 'payments.csv'}):",
        "  line 3: 15 colonnes attendues, 16 trouvées — paiement PAI-1 non importé (lignes 2 à 3).",
        "  3 lines read, making 2 payments: 1 created, 0 updated, 0 unchanged, 1 rejected "
        "(2 lines not imported).",
    ]


def test_a_database_error_loses_only_the_payments_it_concerns(members, monkeypatch):
    """Say another writer inserted PAI-1 between our read and our write."""
    run_once = import_payments([HEADER, CONSULTATION])
    assert run_once.created == 1
    real_select = importing.select_in

    def not_seeing_payments(model, *args, **kwargs):
        return [] if model is Payment else real_select(model, *args, **kwargs)

    monkeypatch.setattr(importing, "select_in", not_seeing_payments)

    report = import_payments([HEADER, CONSULTATION, MEDICINES, PAEDIATRICIAN, ALLOWANCES])

    assert (report.created, report.payments_rejected) == (2, 1)
    assert report.rejected[0].line == 2
    assert report.rejected[0].reason.startswith("database: ")
    assert "paiement PAI-1 non importé (lignes 2 à 3)" in report.rejected[0].reason
    assert Payment.objects.count() == 3
    assert Payment.objects.get(reference="PAI-1").lines.count() == 1  # as it was


def test_without_returning_the_ids_come_from_a_query(tmp_path, members, monkeypatch):
    """SQLite before 3.35 has no INSERT … RETURNING (PostgreSQL does not use it)."""
    from django.db import connection

    monkeypatch.setattr(type(connection.features), "can_return_rows_from_bulk_insert", False)

    run(write(tmp_path, HEADER, CONSULTATION, MEDICINES, PAEDIATRICIAN))

    assert lines_of("PAI-1")[1][:2] == (2, "Médicaments (2 boîtes)")
    assert Payment.objects.get(reference="PAI-2").lines.get().act == "Consultation pédiatre"


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_by_bytes_read_on_a_terminal(tmp_path, members, monkeypatch):
    path = write(tmp_path, HEADER, CONSULTATION, MEDICINES)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    run(path)

    assert "payments: 100%" in terminal.getvalue()
    assert f"{path.stat().st_size}/{path.stat().st_size}" in terminal.getvalue()


def test_no_progress_bar_in_a_pipe_or_a_log(tmp_path, members, monkeypatch):
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    run(write(tmp_path, HEADER, CONSULTATION))
    assert pipe.getvalue() == ""


def test_a_payment_can_move_to_another_member(tmp_path, members):
    """The fund corrected whose payment it was: the reference is the key."""
    run(write(tmp_path, HEADER, ALLOWANCES))
    moved = ALLOWANCES.replace("278072A004057", "1521169383121")

    output = run(write(tmp_path, HEADER, moved))

    assert "1 updated" in output
    assert Payment.objects.get().member == Member.objects.get(nir="1521169383121")


def test_a_nul_character_rejects_its_payment_only(tmp_path, members):
    """Found by tests/fuzz: the line was taken as unreadable, so the payment
    before it was refused too, and the report repeated its reference with the NUL."""
    bad = PAEDIATRICIAN.replace("PAI-2", "PAI\x00-2")

    output = run(write(tmp_path, HEADER, CONSULTATION, MEDICINES, bad, bad, ALLOWANCES))

    nul = "CSV: caractère nul (0x00) dans la ligne, qu'aucun champ ne peut contenir"
    assert f"line 4: {nul} : le fichier a été mal exporté ou abîmé — paiement non importé" in output
    assert "(lignes 4 à 5)" in output and "PAI\x00" not in output
    assert sorted(Payment.objects.values_list("reference", flat=True)) == ["PAI-1", "PAI-3"]
