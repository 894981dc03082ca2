"""« Trouver un médecin »: the search page and a professional's page."""

from decimal import Decimal

import pytest
from django.urls import reverse

from assure.directory.models import Convention, PracticePlace, cell_of
from assure.geography.models import search_key
from tests.conftest import text
from tests.geography.test_forms import communes  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db
URL = "/trouver-un-medecin/"
ROUEN = (49.4432, 1.0999)
BOIS_GUILLAUME = (49.4614, 1.1203)  # 2,5 km from Rouen
ISNEAUVILLE = (49.4978, 1.1547)  # 7,2 km
LE_HAVRE = (49.4944, 0.1079)  # 72 km


def practice(rpps, last_name, kind="Médecin généraliste", position=ROUEN, **values):
    fields = {
        "place_key": f"S-{rpps}",
        "title": "Dr",
        "first_name": "Marie",
        "profession": "Médecin",
        "specialty": "Médecine générale",
        "address": "12 B rue de la République",
        "postcode": "76000",
        "insee": "76540",
        "city": "Rouen",
        "phone": "02 35 00 00 01",
        **values,
    }
    return PracticePlace.objects.create(
        rpps=rpps,
        last_name=last_name,
        kind=kind,
        search_name=search_key(f"{last_name} {fields['first_name']}"),
        latitude=position[0],
        longitude=position[1],
        cell=cell_of(*position),
        **fields,
    )


@pytest.fixture
def directory(communes):  # noqa: F811
    martin = practice("10001234567", "MARTIN")
    Convention.objects.create(
        rpps="10001234567", sector="2", optam=True, fee_min=Decimal(50), fee_max=Decimal(70)
    )
    return {
        "martin": martin,
        "martin_bis": practice(
            "10001234567",
            "MARTIN",
            position=ISNEAUVILLE,
            place_key="S-2",
            structure="MAISON DE SANTE D'ISNEAUVILLE",
            address="1 place de la Mairie",
            postcode="76230",
            city="Isneauville",
            phone="",
        ),
        "durand": practice("10007654321", "DURAND", first_name="Paul", position=BOIS_GUILLAUME),
        "havre": practice("10000000003", "LEROY", position=LE_HAVRE, city="Le Havre"),
        "dentist": practice(
            "10000000004", "PETIT", kind="Chirurgien-dentiste", profession="Chirurgien-dentiste"
        ),
    }


def search(client, **query):
    return text(client.get(URL, query))


def test_the_url_and_its_name():
    assert reverse("directory:search") == URL
    assert reverse("directory:detail", args=[7]) == f"{URL}7/"


def test_a_first_visit_shows_the_form_without_error(client, directory):
    response = client.get(URL)
    page = text(response)
    assert response.status_code == 200
    assert '<h1 class="govuk-heading-l">Trouver un médecin</h1>' in page
    assert "Il y a un problème" not in page
    assert '<option value="Chirurgien-dentiste">Chirurgien-dentiste</option>' in page
    assert '<option value="Médecin généraliste" selected>Médecin généraliste</option>' in page
    assert '<option value="10" selected>10 km</option>' in page
    assert "Menu principal" not in page


def test_the_nearest_within_the_radius_by_distance(client, directory):
    page = search(client, profession="Médecin généraliste", location="76000", radius="10")
    assert "Rouen (76) : 3 résultats à moins de 10 km" in page
    assert page.index("MARTIN</a>") < page.index("DURAND</a>") < page.rindex("MARTIN</a>")
    assert "LEROY" not in page  # Le Havre, 72 km away
    assert "PETIT" not in page  # a dentist
    assert "Médecin – Médecine générale, dans la commune recherchée" in page
    assert "Médecin – Médecine générale, à 2,5 km" in page
    assert "Médecin – Médecine générale, à 7,2 km" in page
    assert "12 B rue de la République<br>76000 Rouen" in page
    assert '<a class="govuk-link" href="tel:0235000001">02 35 00 00 01</a>' in page
    assert (
        "Conventionné secteur 2 (honoraires libres), adhérent à l'OPTAM. "
        "Consultation : de 50,00\xa0€ à 70,00\xa0€"
    ) in page
    detail = f"{URL}{directory['martin'].pk}/?profession=M%C3%A9decin+g%C3%A9n%C3%A9raliste"
    assert f'href="{detail}&location=76000&radius=10"' in page


def test_a_smaller_radius_keeps_the_nearer_ones(client, directory):
    page = search(client, profession="Médecin généraliste", location="Rouen", radius="5")
    assert "Rouen (76) : 2 résultats à moins de 5 km" in page
    assert "Isneauville" not in page
    wide = search(client, profession="Médecin généraliste", location="Rouen", radius="50")
    assert "Rouen (76) : 3 résultats à moins de 50 km" in wide  # Le Havre is farther still


def test_a_name_narrows_the_search(client, directory):
    page = search(client, profession="Médecin généraliste", name="paul durand", location="76000")
    assert "Rouen (76) : 1 résultat à moins de 10 km" in page
    assert "DURAND" in page
    assert "MARTIN" not in page.split("résultat à moins")[1]


def test_nothing_found_suggests_a_wider_radius(client, directory):
    page = search(client, profession="Chirurgien-dentiste", name="Zorro", location="76000")
    assert "Rouen (76) : aucun résultat à moins de 10 km" in page
    assert "Choisissez une distance plus grande ou retirez le nom." in page


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ({"location": ""}, "location", "Indiquez une ville ou un code postal."),
        ({"location": "Atlantide"}, "location", "Nous ne connaissons pas de commune nommée"),
        ({"location": "SW1A 1AA"}, "location", "« SW1A 1AA » n'est pas un code postal français"),
        ({"location": "1000 Bruxelles"}, "location", "n'est pas un code postal français"),
        ({"location": "99999"}, "location", "« 99999 » n'est pas un code postal français"),
        ({"radius": "7"}, "radius", "Choisissez une distance dans la liste : 5, 10, 20 ou 50 km."),
        ({"radius": "-5"}, "radius", "Choisissez une distance dans la liste"),
        ({"radius": "abc"}, "radius", "Choisissez une distance dans la liste"),
        ({"radius": "1000"}, "radius", "Choisissez une distance dans la liste"),
        ({"name": "N" * 300}, "name", "Le nom doit comporter 100 caractères au plus (vous en"),
        ({"profession": "Sorcier"}, "profession", "Choisissez une profession ou une spécialité"),
        ({"profession": ""}, "profession", "Choisissez une profession ou une spécialité."),
    ],
)
def test_bad_input_is_explained_in_the_summary_and_next_to_the_field(
    client, directory, query, field, message
):
    query = {"profession": "Médecin généraliste", "location": "76000", **query}
    response = client.get(URL, query)
    page = text(response)
    assert response.status_code == 200
    assert "<title>Erreur : " in page
    summary = page.split('govuk-error-summary__list"')[1].split("</ul>")[0]
    assert f'<a href="#id_{field}">' in summary
    assert message in summary
    assert message in page.split(f'id="id_{field}_error"')[1].split("</p>")[0]
    assert "résultats à moins" not in page


def test_an_empty_radius_means_the_default(client, directory):
    page = search(client, profession="Médecin généraliste", location="76000", radius="")
    assert "Rouen (76) : 3 résultats à moins de 10 km" in page


def test_homonyms_are_offered_as_links_that_keep_the_search(client, directory):
    page = search(client, profession="Médecin généraliste", location="76230", radius="20")
    assert "Plusieurs communes correspondent à « 76230 »" in page
    assert (
        'href="?profession=M%C3%A9decin+g%C3%A9n%C3%A9raliste&location=Isneauville+%2876%29'
        '&radius=20&commune=76377">Isneauville (76)</a>'
    ) in page
    chosen = search(
        client,
        profession="Médecin généraliste",
        location="Isneauville (76)",
        commune="76377",
        radius="5",
    )
    assert "Isneauville (76) : 2 résultats à moins de 5 km" in chosen


def test_a_signed_in_member_starts_from_their_postcode(signed_in, directory):
    page = text(signed_in.get(URL))
    assert 'value="76000 Rouen"' in page
    assert f'href="{URL}" aria-current="page">Trouver un médecin</a>' in page


def test_an_empty_directory_says_so(client, communes):  # noqa: F811
    page = search(client)
    assert "L'annuaire des professionnels de santé n'est pas encore disponible." in page


def test_the_number_of_queries_does_not_grow_with_the_results(
    client, directory, django_assert_num_queries
):
    query = {"profession": "Médecin généraliste", "location": "76000", "radius": "20"}
    # kinds, the commune, the positions near it, the rows kept, their conventions
    with django_assert_num_queries(5):
        client.get(URL, query)
    for number in range(40):
        practice(f"2{number:010}", "BERNARD", position=(49.40 + number / 500, 1.05))
    with django_assert_num_queries(5):
        page = search(client, **query)
    assert "Rouen (76) : 20 résultats à moins de 20 km" in page
    assert "Ce sont les 20 plus proches." in page


def test_many_professionals_at_one_town_centre_take_a_fixed_number_of_queries_too(
    client, directory, django_assert_num_queries
):
    """Places are located at their commune's centre: a town's doctors share one position.
    Beyond the candidates first read, near() reads them by position (two more queries)."""
    query = {"profession": "Médecin généraliste", "location": "76000", "radius": "20"}
    for count in (80, 200):
        while PracticePlace.objects.filter(last_name="BERNARD").count() < count:
            practice(f"2{PracticePlace.objects.count():010}", "BERNARD")
        with django_assert_num_queries(7):
            page = search(client, **query)
        assert "Rouen (76) : 20 résultats à moins de 20 km" in page


def test_a_professionals_page_shows_everything_and_their_other_places(client, directory):
    martin = directory["martin"]
    response = client.get(f"{URL}{martin.pk}/", {"location": "76000", "radius": "10"})
    page = text(response)
    assert response.status_code == 200
    assert '<span class="govuk-caption-m">Médecin généraliste</span> Dr Marie MARTIN</h1>' in page
    assert "Médecin<br>Médecine générale" in page
    assert '<a class="govuk-link" href="tel:0235000001">02 35 00 00 01</a>' in page
    assert "Conventionné secteur 2 (honoraires libres), adhérent à l'OPTAM" in page
    assert "de 50,00\xa0€ à 70,00\xa0€" in page
    assert "Autres lieux d'exercice" in page
    assert "MAISON DE SANTE D'ISNEAUVILLE<br>1 place de la Mairie<br>76230 Isneauville" in page
    assert page.count("Conventionné secteur 2") == 2  # the convention holds at each place
    assert f'href="{URL}?location=76000&radius=10" class="govuk-back-link">Retour aux' in page


def test_a_professional_with_one_place(client, directory, django_assert_num_queries):
    with django_assert_num_queries(3):
        page = text(client.get(f"{URL}{directory['durand'].pk}/"))
    assert "Autres lieux d'exercice" not in page
    assert "Secteur" not in page


@pytest.mark.parametrize("pk", ["999999", "99999999999999999999999"])
def test_an_unknown_professional_is_not_found(client, directory, pk):
    assert client.get(f"{URL}{pk}/").status_code == 404


@pytest.mark.parametrize("field", ["profession", "name", "location", "commune", "radius"])
def test_a_null_character_typed_by_hand_is_refused_not_a_crash(client, directory, field):
    query = {"profession": "Médecin généraliste", "location": "76000", field: "a\x00b"}
    response = client.get(URL, query)
    assert response.status_code == 200
    assert "Il y a un problème" in text(response)


def test_a_search_is_only_read(client, directory):
    assert client.post(URL, {"location": "76000"}).status_code == 405


def test_the_blank_form_follows_the_kinds_of_the_directory(client, directory):
    assert '<option value="Sage-femme">' not in search(client)
    practice("10009999999", "LEBLANC", kind="Sage-femme")

    assert '<option value="Sage-femme">Sage-femme</option>' in search(client)


def test_a_members_own_place_is_not_shown_to_the_next_visitor(signed_in, directory):
    assert 'value="76000 Rouen"' in search(signed_in)
    signed_in.logout()

    assert 'value="76000 Rouen"' not in search(signed_in)
