import pytest
from django.db import IntegrityError, transaction

from assure.geography.models import Commune, Postcode, search_key
from assure.lib.names import normalize_name

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("L'Abergement-Clémenciat", "l abergement clemenciat"),
        ("Saint-Étienne", "st etienne"),
        ("ST ETIENNE", "st etienne"),
        ("Sainte-Marie-aux-Mines", "ste marie aux mines"),
        ("Les Saintes-Maries-de-la-Mer", "les saintes maries de la mer"),
        ("Œuilly", "oeuilly"),
        ("  Paris 11e  Arrondissement ", "paris 11e arrondissement"),
    ],
)
def test_search_key(name, key):
    assert search_key(name) == key


def commune(insee, name, *postcodes, latitude=48.0, longitude=2.0):
    department = insee[:3] if insee.startswith("97") else insee[:2]
    created = Commune(
        insee=insee, name=name, department=department, latitude=latitude, longitude=longitude
    )
    created.save()
    for postcode in postcodes:
        Postcode.objects.create(code=postcode, commune=created)
    return created


@pytest.fixture
def communes():
    return {
        "rouen": commune("76540", "Rouen", "76000", "76100", latitude=49.44, longitude=1.09),
        "roubaix": commune("59512", "Roubaix", "59100", latitude=50.69, longitude=3.18),
        "rouvroy": commune("62724", "Rouvroy", "62320"),
        "bihorel": commune("76095", "Bihorel", "76420"),
        "saint_etienne": commune("42218", "Saint-Étienne", "42000", "42100"),
        "saint_denis": commune("93066", "Saint-Denis", "93200", "93210"),
        "saint_denis_reunion": commune(
            "97411", "Saint-Denis", "97400", "97490", latitude=-20.88, longitude=55.45
        ),
        "sainte_marie": commune("97418", "Sainte-Marie", "97438", latitude=-20.9, longitude=55.5),
        "abergement": commune("01001", "L'Abergement-Clémenciat", "01400"),
        "mamoudzou": commune("97611", "Mamoudzou", "97600", latitude=None, longitude=None),
        # Two communes sharing a postcode.
        "bois_guillaume": commune("76108", "Bois-Guillaume", "76230"),
        "isneauville": commune("76377", "Isneauville", "76230"),
    }


def test_saving_sets_the_search_name(communes):
    assert communes["abergement"].search_name == "l abergement clemenciat"
    communes["abergement"].name = "L'Abergement-de-Varey"
    communes["abergement"].save()
    communes["abergement"].refresh_from_db()
    assert communes["abergement"].search_name == "l abergement de varey"


def test_str_and_locatable(communes):
    assert str(communes["saint_denis_reunion"]) == "Saint-Denis (974)"
    assert communes["rouen"].is_locatable
    assert not communes["mamoudzou"].is_locatable
    assert communes["mamoudzou"] not in Commune.objects.locatable()


def test_by_insee(communes):
    assert Commune.objects.by_insee("76540") == communes["rouen"]
    assert Commune.objects.by_insee(" 97411 ") == communes["saint_denis_reunion"]
    assert Commune.objects.by_insee("99999") is None


def test_by_postcode(communes):
    assert list(Commune.objects.by_postcode("76100")) == [communes["rouen"]]
    assert list(Commune.objects.by_postcode("76230")) == [
        communes["bois_guillaume"],
        communes["isneauville"],
    ]
    assert list(Commune.objects.by_postcode("12345")) == []


def names(communes):
    return [f"{commune.name} {commune.department}" for commune in communes]


def test_suggest_by_the_beginning_of_the_name(communes):
    assert names(Commune.objects.suggest("rou")) == ["Roubaix 59", "Rouen 76", "Rouvroy 62"]
    assert names(Commune.objects.suggest("ROU", limit=2)) == ["Roubaix 59", "Rouen 76"]


def test_suggest_puts_the_name_typed_in_full_first(communes):
    commune("76999", "Rouen-Nord", "76001")
    commune("76998", "Rouelles", "76002")
    assert names(Commune.objects.suggest("Rouen")) == ["Rouen 76", "Rouen-Nord 76"]
    assert names(Commune.objects.suggest("roue")) == ["Rouelles 76", "Rouen 76", "Rouen-Nord 76"]


@pytest.mark.parametrize(
    "typed", ["saint-étienne", "Saint Etienne", "st etienne", "ST-ÉTIENNE", "st-eti", "saint e"]
)
def test_suggest_ignores_case_accents_hyphens_and_saint_or_st(communes, typed):
    assert names(Commune.objects.suggest(typed)) == ["Saint-Étienne 42"]


def test_suggest_while_saint_is_being_typed(communes):
    assert names(Commune.objects.suggest("sain")) == [
        "Saint-Denis 93",
        "Saint-Denis 974",
        "Saint-Étienne 42",
        "Sainte-Marie 974",
    ]
    assert names(Commune.objects.suggest("sainte")) == ["Sainte-Marie 974"]


def test_suggest_with_apostrophes_and_articles(communes):
    assert names(Commune.objects.suggest("l'aber")) == ["L'Abergement-Clémenciat 01"]
    assert names(Commune.objects.suggest("L ABERGEMENT")) == ["L'Abergement-Clémenciat 01"]


def test_suggest_by_the_beginning_of_a_postcode(communes):
    assert names(Commune.objects.suggest("762")) == ["Bois-Guillaume 76", "Isneauville 76"]
    assert names(Commune.objects.suggest("76100")) == ["Rouen 76"]
    assert list(Commune.objects.suggest("7")) == []


@pytest.mark.parametrize("typed", ["", "   ", "-", "'"])
def test_suggest_nothing_for_nothing(communes, typed):
    assert list(Commune.objects.suggest(typed)) == []


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("76000", ["Rouen 76"]),
        ("Rouen", ["Rouen 76"]),
        ("rouen 76000", ["Rouen 76"]),
        ("76100 Rouen", ["Rouen 76"]),
        ("76100 ROUEN", ["Rouen 76"]),
        ("  rouen  ", ["Rouen 76"]),
        ("76230", ["Bois-Guillaume 76", "Isneauville 76"]),
        ("76230 Bois Guillaume", ["Bois-Guillaume 76"]),
        ("isneau 76230", ["Isneauville 76"]),
        # The postcode is trusted over the spelling.
        ("76230 Boisguilaume", ["Bois-Guillaume 76", "Isneauville 76"]),
        ("Saint-Denis", ["Saint-Denis 93", "Saint-Denis 974"]),
        ("st denis 93", ["Saint-Denis 93"]),
        ("Saint-Denis (974)", ["Saint-Denis 974"]),
        ("saint denis 97400", ["Saint-Denis 974"]),
        # No commune of that name: those beginning with it.
        ("rou", ["Roubaix 59", "Rouen 76", "Rouvroy 62"]),
        ("Rouen 59", []),
        ("12345", []),
        ("Nulle-Part", []),
        ("", []),
        # Not locatable: left out.
        ("97600", []),
        ("Mamoudzou", []),
    ],
)
def test_locate_what_a_member_types(communes, typed, found):
    located = Commune.objects.locate(typed)
    assert names(located) == found
    assert all(commune.latitude is not None for commune in located)


def test_locate_gives_the_coordinates(communes):
    [rouen] = Commune.objects.locate("76100 Rouen")
    assert (rouen.latitude, rouen.longitude) == (49.44, 1.09)


def test_a_postcode_belongs_once_to_a_commune(communes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Postcode.objects.create(code="76000", commune=communes["rouen"])


def test_a_commune_has_both_coordinates_or_none(communes):
    with pytest.raises(IntegrityError), transaction.atomic():
        Commune.objects.filter(pk=communes["rouen"].pk).update(latitude=None)


def test_insee_codes_are_unique(communes):
    with pytest.raises(IntegrityError), transaction.atomic():
        commune("76540", "Rouen bis")


@pytest.mark.parametrize(
    "name", ["Saint-Jean-d'Angély", "ROUEN", "Bois_Guillaume", "L'Haÿ-les-Roses", "a.b,c  d", "Œ"]
)
def test_search_key_is_normalize_name_with_saint_abbreviated(name):
    expected = " ".join(
        {"saint": "st", "sainte": "ste"}.get(word, word) for word in normalize_name(name).split()
    )
    assert search_key(name) == expected
