"""« Mes informations »: what the fund knows about the member, read only."""

import datetime
import html
import re

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from assure.accounts.models import User
from assure.members.models import Beneficiary, RightsPeriod
from tests.information.conftest import IBAN, TODAY
from tests.members.factories import MemberFactory

URL = "/mes-informations/"


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(datetime.datetime(2026, 3, 15, 10, tzinfo=datetime.UTC), tick=False):
        yield TODAY


def sections(response):
    """The page's text by <h2> title, tags stripped and spaces collapsed:
    {"Mon identité": "Nom Martin Nom de naissance Lefèvre …", …}."""
    page = response.content.decode()
    main = page[page.index("<main") : page.index('<p class="govuk-body-s assure-idle-note"')]
    found = {}
    for part in main.split("<h2")[1:]:
        title, _, body = part.partition("</h2>")
        found[plain(title.partition(">")[2])] = plain(body)
    return found


def plain(fragment):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_page_is_reached_at_its_url_name(alice_account, client):
    client.force_login(alice_account)

    response = client.get(reverse("information:index"))

    assert reverse("information:index") == URL
    assert response.status_code == 200
    page = response.content.decode()
    assert page.count("<h1") == 1
    assert '<h1 class="govuk-heading-l">Mes informations</h1>' in page
    assert "<title>Mes informations – Caisse de démonstration</title>" in page
    assert f'href="{URL}" aria-current="page">Mes informations</a>' in page


def test_the_home_page_leads_to_it(alice_account, client):
    client.force_login(alice_account)

    page = client.get(reverse("accounts:home")).content.decode()

    assert f'<a class="govuk-link" href="{URL}">Voir mes informations</a>' in page
    assert f'href="{URL}">Mes informations</a>' in page  # the menu, not the current page


def test_it_shows_the_whole_file(alice_file, alice_account, client):
    client.force_login(alice_account)

    found = sections(client.get(URL))

    assert list(found) == [
        "Mon identité",
        "Mes coordonnées",
        "Ma caisse et mes droits",
        "Mes ayants droit",
        "Mon médecin traitant",
        "Mes coordonnées bancaires",
        "Complémentaire santé solidaire",
        "Mes dernières connexions",
        "Mon compte en ligne",
    ]
    assert found["Mon identité"] == (
        "Nom Martin Nom de naissance Lefèvre Prénoms Alice Marie "
        f"Date de naissance 3 décembre 1984 Numéro de sécurité sociale {alice_file.formatted_nir}"
    )
    assert found["Mes coordonnées"] == (
        "Adresse Appartement 4 12 rue des Lilas 76000 Rouen Modifier l'adresse "
        "Adresse e-mail alice.martin@exemple.test Modifier l'adresse e-mail "
        "Téléphone 01 99 00 10 01 Modifier le numéro de téléphone"
    )
    rights = found["Ma caisse et mes droits"]
    assert rights.startswith(
        "Caisse Caisse de démonstration de Rouen Régime Régime général "
        "Droits ouverts depuis le 1er janvier 2020, sans date de fin "
    )
    assert rights.endswith(
        "Mes droits passés Régime étudiant, Caisse de démonstration de Caen, "
        "du 1er septembre 2015 au 31 décembre 2019"
    )
    assert (
        "Lucas Martin Date de naissance 1er avril 2012 Lien avec vous Enfant Droits ouverts "
        "Régime général, Caisse de démonstration de Rouen, depuis le 1er avril 2012, "
        "jusqu'au 31 mars 2030"
    ) in found["Mes ayants droit"]
    assert (
        "Paul Martin Date de naissance 20 juillet 1982 Lien avec vous Conjoint "
        "Droits ouverts Pas de droits ouverts aujourd'hui."
    ) in found["Mes ayants droit"]
    assert found["Mon médecin traitant"].startswith("Médecin traitant Dr Jeanne Roux Le médecin")
    assert "moins bien remboursés" not in found["Mon médecin traitant"]
    assert found["Mes coordonnées bancaires"].startswith(
        "IBAN FR76 •••• •••• •••• •••• ••90 189 Par sécurité, seuls le début et les derniers "
        "caractères de votre IBAN sont affichés."
    )
    assert found["Complémentaire santé solidaire"].startswith(
        "Période Du 1er janvier 2026 au 31 décembre 2026 La complémentaire"
    )


def test_the_full_iban_never_reaches_the_page(alice_file, alice_account, client):
    client.force_login(alice_account)

    page = client.get(URL).content.decode()

    assert "FR76 •••• •••• •••• •••• ••90 189" in page
    assert IBAN not in page
    assert IBAN[4:-5] not in page
    assert "3000 6000 0112" not in page


def test_a_member_with_nothing_optional_reads_plain_sentences(bob, client):
    account = User.objects.create(username=bob.nir, member=bob, activated_at=timezone.now())
    client.force_login(account)

    found = sections(client.get(URL))

    assert "Nom de naissance" not in found["Mon identité"]
    assert found["Mes coordonnées"].endswith(
        "Adresse e-mail Aucune adresse e-mail : vos codes et courriers arrivent par la poste. "
        "Modifier l'adresse e-mail Téléphone Non renseigné Modifier le numéro de téléphone"
    )
    assert found["Ma caisse et mes droits"] == (
        "Vous n'avez pas de droits ouverts aujourd'hui. Si vous pensez que c'est une erreur, "
        f"appelez votre caisse au {settings.ASSURE_FUND_PHONE}."
    )
    assert found["Mes ayants droit"] == "Aucun ayant droit."
    assert found["Mon médecin traitant"].startswith("Aucun médecin traitant déclaré. Le médecin")
    assert (
        "Sans médecin traitant déclaré, vos soins sont moins bien remboursés."
        in (found["Mon médecin traitant"])
    )
    assert found["Mes coordonnées bancaires"] == "Aucun IBAN enregistré."
    assert "Complémentaire santé solidaire" not in found


def test_rights_that_ended_or_have_not_begun_are_not_current(alice, alice_account, client):
    RightsPeriod.objects.create(
        member=alice,
        start=datetime.date(2020, 1, 1),
        end=datetime.date(2026, 3, 14),
        regime="Régime général",
        fund="Caisse de démonstration",
    )
    RightsPeriod.objects.create(
        member=alice,
        start=datetime.date(2026, 4, 1),
        regime="Régime agricole",
        fund="Caisse agricole de démonstration",
    )
    client.force_login(alice_account)

    rights = sections(client.get(URL))["Ma caisse et mes droits"]

    assert rights.startswith("Vous n'avez pas de droits ouverts aujourd'hui.")
    assert (
        "À venir : Régime agricole, Caisse agricole de démonstration, à partir du 1er avril 2026."
    ) in rights
    assert (
        "Mes droits passés Régime général, Caisse de démonstration, "
        "du 1er janvier 2020 au 14 mars 2026"
    ) in rights


def test_a_period_ending_today_is_still_open(alice, alice_account, client):
    RightsPeriod.objects.create(
        member=alice,
        start=datetime.date(2020, 1, 1),
        end=TODAY,
        regime="Régime général",
        fund="Caisse de démonstration",
    )
    client.force_login(alice_account)

    rights = sections(client.get(URL))["Ma caisse et mes droits"]

    assert rights == (
        "Caisse Caisse de démonstration Régime Régime général "
        "Droits ouverts depuis le 1er janvier 2020, jusqu'au 15 mars 2026"
    )


def test_a_foreign_phone_is_shown_in_international_format(alice, alice_account, client):
    alice.phone = "+3222345678"
    alice.save()
    client.force_login(alice_account)

    assert "Téléphone +32 2 234 56 78 Modifier" in sections(client.get(URL))["Mes coordonnées"]


def test_a_css_that_ended_says_so(alice, alice_account, client):
    alice.css_start, alice.css_end = datetime.date(2024, 1, 1), datetime.date(2024, 12, 31)
    alice.save()
    client.force_login(alice_account)

    assert sections(client.get(URL))["Complémentaire santé solidaire"].startswith(
        "Période Du 1er janvier 2024 au 31 décembre 2024 (terminée)"
    )


def test_it_checks_ownership(alice_file, alice_account, client):
    other = MemberFactory(last_name="Garnier", first_names="Odile", gp_name="Dr Yves Blanc")
    other.iban = "FR1420041010050500013M02606"
    other.save()
    Beneficiary.objects.create(
        member=other,
        rank=1,
        relationship=Beneficiary.CHILD,
        last_name="Garnier",
        first_names="Théo",
        birth_date=datetime.date(2015, 2, 2),
    )
    RightsPeriod.objects.create(
        member=other,
        start=datetime.date(2021, 1, 1),
        regime="Régime des marins",
        fund="Caisse maritime de démonstration",
    )
    client.force_login(alice_account)

    page = html.unescape(client.get(URL).content.decode())

    assert "Lucas" in page and "Paul" in page
    for theirs in [
        "Garnier",
        "Odile",
        "Théo",
        "Dr Yves Blanc",
        "Régime des marins",
        "Caisse maritime",
        other.formatted_nir,
        other.masked_iban,
    ]:
        assert theirs not in page


def test_anonymous_visitors_are_sent_to_sign_in(client, db):
    response = client.get(URL)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:sign_in')}?next={URL}"


def test_agents_get_a_404(client, django_user_model):
    agent = django_user_model.objects.create_user("agent", password="x")
    client.force_login(agent)

    assert client.get(URL).status_code == 404


def add_family(member, size):
    for rank in range(1, size + 1):
        child = Beneficiary.objects.create(
            member=member,
            rank=rank,
            relationship=Beneficiary.CHILD,
            last_name=member.last_name,
            first_names=f"Enfant {rank}",
            birth_date=datetime.date(2010 + rank, 1, 1),
        )
        RightsPeriod.objects.create(
            member=member,
            beneficiary=child,
            start=child.birth_date,
            regime="Régime général",
            fund="Caisse de démonstration",
        )
        RightsPeriod.objects.create(
            member=member,
            beneficiary=child,
            start=datetime.date(2000 + rank, 1, 1),
            end=datetime.date(2000 + rank, 12, 31),
            regime="Régime général",
            fund="Caisse de démonstration",
        )
    for year in range(2015, 2015 + size):
        RightsPeriod.objects.create(
            member=member,
            start=datetime.date(year, 1, 1),
            end=datetime.date(year, 12, 31),
            regime="Régime général",
            fund="Caisse de démonstration",
        )


@pytest.mark.parametrize("size", [1, 5])
def test_it_reads_everything_in_a_fixed_number_of_queries(
    size, alice, alice_account, client, django_assert_num_queries
):
    add_family(alice, size)
    RightsPeriod.objects.create(
        member=alice,
        start=datetime.date(2020, 1, 1),
        regime="Régime général",
        fund="Caisse de démonstration",
    )
    client.force_login(alice_account)

    # Session, the user with their member; the member's current, coming and
    # past rights; the beneficiaries and their current rights; the last
    # sign-ins; then the idle timeout saving the session (savepoint, update,
    # release).
    with django_assert_num_queries(11):
        response = client.get(URL)

    children = sections(response)["Mes ayants droit"]
    assert [f"Enfant {rank} Martin" in children for rank in range(1, 7)] == [
        rank <= size for rank in range(1, 7)
    ]


def test_the_page_leads_to_the_online_account_settings(client, alice_account):
    client.force_login(alice_account)
    page = html.unescape(client.get(reverse("information:index")).content.decode())
    for label, name in [
        ("Changer mon mot de passe", "accounts:change_password"),
        ("Une connexion ne vient pas de vous ?", "accounts:not_me"),
        ("Résilier mon compte en ligne", "accounts:close_account"),
    ]:
        assert label in page
        assert reverse(name) in page
