import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from assure.lib.importing import check_utf8
from assure.lib.nir import format_nir, nir_key
from assure.members import importing
from assure.members.importing import (
    HeaderError,
    import_beneficiaries,
    import_members,
    import_rights,
)
from assure.members.models import Member
from tests.members.factories import MemberFactory
from tests.members.registry_files import (
    BENEFICIARIES_HEADER,
    CAMILLE,
    HEADER,
    HELENE,
    HELENE_NIR,
    JEAN_PIERRE,
    RIGHTS_HEADER,
    run,
    write,
)

pytestmark = pytest.mark.django_db


def test_it_creates_members_from_a_file(tmp_path):
    output = run(write(tmp_path, HEADER, CAMILLE, JEAN_PIERRE, HELENE))

    assert "3 lines read: 3 created, 0 updated, 0 unchanged, 0 rejected." in output
    camille = Member.objects.get(nir="2850375111034")
    assert camille.first_names == "Camille Marie"
    assert camille.birth_date == datetime.date(1985, 3, 14)
    assert camille.phone == "+33199001001"
    jean_pierre = Member.objects.get(last_name="Dubois")
    assert jean_pierre.address == "Résidence Les Pins\n4 avenue des Tilleuls"
    assert jean_pierre.email == ""
    assert Member.objects.get(nir="278072A004057").birth_name == "Santoni"


def test_importing_the_same_file_again_changes_nothing(tmp_path):
    path = write(tmp_path, HEADER, CAMILLE, JEAN_PIERRE, HELENE)
    run(path)
    before = list(Member.objects.values_list("nir", "updated_at").order_by("nir"))

    output = run(path)

    assert "3 lines read: 0 created, 0 updated, 3 unchanged, 0 rejected." in output
    assert list(Member.objects.values_list("nir", "updated_at").order_by("nir")) == before


def test_a_known_nir_updates_the_member(tmp_path):
    run(write(tmp_path, HEADER, CAMILLE, HELENE))
    moved = CAMILLE.replace("12 rue des Lilas,75011", "3 rue Pasteur,75015")

    output = run(write(tmp_path, HEADER, moved, HELENE, JEAN_PIERRE))

    assert "3 lines read: 1 created, 1 updated, 1 unchanged, 0 rejected." in output
    camille = Member.objects.get(nir="2850375111034")
    assert (camille.address, camille.postcode) == ("3 rue Pasteur", "75015")
    assert Member.objects.count() == 3


def test_bad_lines_are_reported_and_the_good_ones_kept(tmp_path):
    path = write(
        tmp_path,
        HEADER,
        CAMILLE,  # line 2
        CAMILLE.replace("034 94", "034 95"),  # line 3: wrong key
        HELENE.replace("1978-07-21", "21/07/1978"),  # line 4
        JEAN_PIERRE,  # lines 5-6: the address holds a line break
        CAMILLE.replace("75011", "7501").replace("camille.martin@", "camille@@"),  # line 7
        "1841276451089,Petit,,,1984-12-01,1 rue du Stade,76000,Rouen,,12\n",  # line 8
        "1841276451089,Petit\n",  # line 9
        CAMILLE.replace("Martin", "Martine"),  # line 10: the same NIR again
    )

    output = run(path)

    assert "8 lines read: 2 created, 0 updated, 0 unchanged, 6 rejected." in output
    assert (
        "line 3: nir: La clé (2 derniers chiffres) ne correspond pas au numéro. "
        "Vérifiez votre carte Vitale."
    ) in output
    assert "line 4: birth_date: date non valide '21/07/1978' (attendu AAAA-MM-JJ)." in output
    assert (
        "line 7: postcode: le code postal doit comporter 5 chiffres ('7501'); "
        "email: adresse e-mail non valide 'camille@@exemple.test'."
    ) in output
    assert "line 8: first_names: obligatoire; phone: numéro de téléphone non valide '12'." in output
    assert "line 9: 10 colonnes attendues, 2 trouvées." in output
    assert "line 10: nir: numéro déjà présent ligne 2 du fichier" in output
    assert sorted(Member.objects.values_list("last_name", flat=True)) == ["Dubois", "Martin"]


def test_a_missing_or_renamed_column_stops_everything(tmp_path):
    header = HEADER.replace("birth_date", "date_naissance").replace(",phone", "")
    path = write(tmp_path, header, CAMILLE.replace(",01 99 00 10 01", ""))

    with pytest.raises(CommandError) as error:
        run(path)

    assert "missing column(s): birth_date, phone" in str(error.value)
    assert "unknown column(s): 'date_naissance'" in str(error.value)
    assert not Member.objects.exists()


def test_an_empty_file_is_a_header_error(tmp_path):
    with pytest.raises(CommandError, match="The file is empty"):
        run(write(tmp_path))


def test_columns_may_come_in_any_order_and_a_bom_is_fine(tmp_path):
    header = "\ufeffNIR, Last_Name ,birth_name,first_names,birth_date,address,postcode,city"
    row = CAMILLE.replace(
        "camille.martin@exemple.test,01 99 00 10 01", "01 99 00 10 01,c@exemple.test"
    )

    run(write(tmp_path, header + ",Phone,email\n", row))

    member = Member.objects.get()
    assert (member.last_name, member.phone, member.email) == (
        "Martin",
        "+33199001001",
        "c@exemple.test",
    )


def test_a_file_that_is_not_utf8_is_refused_whole(tmp_path):
    path = write(tmp_path, HEADER, CAMILLE, HELENE, encoding="latin-1")

    with pytest.raises(CommandError) as error:
        run(path)

    assert "not in UTF-8: invalid bytes on line 3" in str(error.value)
    assert "CSV UTF-8" in str(error.value)
    assert not Member.objects.exists()


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(CommandError, match="Cannot open"):
        run(tmp_path / "nowhere.csv")


@pytest.mark.parametrize(
    "import_lines, header, line",
    [
        (
            import_members,
            HEADER,
            "18412764510{n:02d},Petit,,Paul,1984-12-01,1 rue du Stade,76000,Rouen,,",
        ),
        (
            import_beneficiaries,
            BENEFICIARIES_HEADER,
            "2850375111034,{n},enfant,Martin,Paul,2018-10-03",
        ),
        (import_rights, RIGHTS_HEADER, "2850375111034,,19{n:02d}-01-01,,Régime général,Caisse"),
    ],
)
def test_every_import_streams_its_lines_batch_by_batch(import_lines, header, line):
    """The lines are consumed as the batches are written, never all at once."""
    MemberFactory(nir="2850375111034")
    consumed = []

    def lines():
        yield header
        for n in range(1, 26):
            consumed.append(n)
            yield line.format(n=n) + "\n"

    seen_at_each_batch = []
    report = import_lines(
        lines(), batch_size=10, on_batch=lambda report: seen_at_each_batch.append(len(consumed))
    )

    assert (report.created, report.rejected) == (25, [])
    assert seen_at_each_batch == [10, 20, 25]


def test_the_command_never_reads_the_file_whole(tmp_path, monkeypatch):
    """Only chunked reads: the UTF-8 check reads 1 MiB at a time, the CSV reader lines."""
    sizes = []
    real_check = check_utf8

    def spying_check(binary_file, chunk_size=1 << 20):
        real_read = binary_file.read

        def read(size=-1):
            sizes.append(size)
            return real_read(size)

        binary_file.read = read
        try:
            real_check(binary_file, chunk_size)
        finally:
            del binary_file.read

    monkeypatch.setattr(
        "assure.members.management.commands.import_members.check_utf8", spying_check
    )
    run(write(tmp_path, HEADER, CAMILLE))
    assert sizes and all(size > 0 for size in sizes)


def test_duplicates_across_batches_keep_the_first_line():
    first = "1841276451089,Petit,,Paul,1984-12-01,1 rue du Stade,76000,Rouen,,\n"
    filler = [
        f"{nir},Petit,,Paul,1984-12-01,1 rue du Stade,76000,Rouen,,\n"
        for nir in (f"18412764510{n:02d}" for n in range(90, 99))
    ]
    report = import_members([HEADER, first, *filler, first.replace("Paul", "Pierre")], batch_size=5)

    assert report.created == 10
    assert [str(rejection) for rejection in report.rejected] == [
        "line 12: nir: numéro déjà présent ligne 2 du fichier (la première ligne est gardée)."
    ]
    assert Member.objects.get(nir="1841276451089").first_names == "Paul"


def test_header_errors_are_raised_before_anything_is_read_further():
    with pytest.raises(HeaderError, match="missing column"):
        import_members(iter(["nir,last_name\n", CAMILLE]))


def test_a_member_already_in_the_registry_is_updated_by_nir(tmp_path):
    member = MemberFactory(nir="2850375111034", email="old@exemple.test")
    output = run(write(tmp_path, HEADER, CAMILLE))
    member.refresh_from_db()
    assert member.email == "camille.martin@exemple.test"
    assert "1 updated" in output


def test_a_nir_typed_with_its_key_or_not_is_the_same_member(tmp_path):
    nir = "2850375111034"
    without_key = CAMILLE.replace(f"{format_nir(nir)}", nir)
    assert nir_key(nir) == "94"
    run(write(tmp_path, HEADER, CAMILLE))
    output = run(write(tmp_path, HEADER, without_key))
    assert "0 created, 0 updated, 1 unchanged" in output


def test_a_database_error_loses_only_the_lines_it_concerns(monkeypatch):
    """Say another writer inserted a NIR between our read and our write."""
    MemberFactory(nir="2850375111034")
    monkeypatch.setattr(importing.MembersImport, "known", lambda self, nirs: {})

    report = import_members([HEADER, CAMILLE, HELENE, JEAN_PIERRE])

    assert (report.created, len(report.rejected)) == (2, 1)
    assert report.rejected[0].line == 2
    assert report.rejected[0].reason.startswith("database: ")
    assert Member.objects.count() == 3


class Terminal(io.StringIO):
    def isatty(self):
        return True


def test_a_progress_bar_by_bytes_read_on_a_terminal(tmp_path, monkeypatch):
    path = write(tmp_path, HEADER, CAMILLE, HELENE)
    terminal = Terminal()
    monkeypatch.setattr("sys.stderr", terminal)

    run(path)

    assert "members: 100%" in terminal.getvalue()
    assert f"{path.stat().st_size}/{path.stat().st_size}" in terminal.getvalue()


def test_no_progress_bar_in_a_pipe_or_a_log(tmp_path, monkeypatch):
    pipe = io.StringIO()
    monkeypatch.setattr("sys.stderr", pipe)
    run(write(tmp_path, HEADER, CAMILLE))
    assert pipe.getvalue() == ""


def documented_examples(heading):
    """The ```csv blocks of one section of docs/formats.md."""
    from django.conf import settings

    text = (settings.BASE_DIR / "docs" / "formats.md").read_text()
    section = text.split(f"\n## {heading}")[1].split("\n## ")[0]
    return [block.split("```")[0] for block in section.split("```csv\n")[1:]]


def test_the_examples_in_the_documentation_import(tmp_path):
    """Each example of docs/formats.md imports cleanly, the members first."""
    members, with_optional_columns = documented_examples("Members (`assure import_members`)")
    [beneficiaries] = documented_examples("Beneficiaries (`assure import_members --beneficiaries`)")
    [rights] = documented_examples("Rights periods (`assure import_members --rights`)")

    output = run(write(tmp_path, members))
    assert "3 lines read: 3 created, 0 updated, 0 unchanged, 0 rejected." in output
    output = run(write(tmp_path, with_optional_columns))
    assert "3 lines read: 0 created, 3 updated, 0 unchanged, 0 rejected." in output
    (tmp_path / "beneficiaries.csv").write_text(beneficiaries)
    (tmp_path / "rights.csv").write_text(rights)
    output = io.StringIO()
    call_command(
        "import_members",
        f"--beneficiaries={tmp_path / 'beneficiaries.csv'}",
        f"--rights={tmp_path / 'rights.csv'}",
        stdout=output,
    )

    assert "4 lines read: 4 created, 0 updated, 0 unchanged, 0 rejected." in output.getvalue()
    assert "8 lines read: 8 created, 0 updated, 0 unchanged, 0 rejected." in output.getvalue()
    camille = Member.objects.get(nir="2850375111034")
    assert camille.gp_name == "Dr Sophie Lambert"
    assert camille.iban == "FR7699999000010001234567809"
    assert [b.first_names for b in camille.beneficiaries.all()] == ["Julien", "Léa Rose", "Hugo"]
    assert camille.rights_periods.filter(beneficiary=None, end=None).count() == 1


def test_a_nul_character_rejects_its_line_whatever_the_database(tmp_path):
    """Found by tests/fuzz: SQLite stored « Mar\\x00tin », PostgreSQL refused the
    line with its own English message."""
    path = write(tmp_path, HEADER, CAMILLE.replace("Martin", "Mar\x00tin"), HELENE)

    output = run(path)

    assert (
        "line 2: CSV: caractère nul (0x00) dans la ligne, qu'aucun champ ne peut contenir : "
        "le fichier a été mal exporté ou abîmé."
    ) in output
    assert list(Member.objects.values_list("nir", flat=True)) == [HELENE_NIR]


def test_a_cell_too_long_to_read_is_reported_in_french(tmp_path):
    path = write(tmp_path, HEADER, CAMILLE.replace("Martin", "x" * 200_000), HELENE)

    output = run(path)

    assert "line 2: CSV: une cellule dépasse 131072 caractères." in output
    assert list(Member.objects.values_list("nir", flat=True)) == [HELENE_NIR]
