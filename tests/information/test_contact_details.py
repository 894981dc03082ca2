"""Editing the postal address and the phone number from « Mes informations »."""

import html

import pytest
from django.urls import reverse

from assure.accounts.models import SecurityEvent
from tests.members.factories import MemberFactory

ADDRESS_URL = "/mes-informations/adresse/"
PHONE_URL = "/mes-informations/telephone/"
GOOD_ADDRESS = {
    "street": "8 avenue Jean Jaurès",
    "complement": "Bâtiment B, 3e étage",
    "postcode": "69007",
    "city": "Lyon",
}


def page_text(response):
    return html.unescape(response.content.decode())


def test_the_pages_have_their_url_names():
    assert reverse("information:address") == ADDRESS_URL
    assert reverse("information:phone") == PHONE_URL


def test_the_information_page_links_to_each_edit_page(signed_in):
    page = signed_in.get("/mes-informations/").content.decode()

    assert (
        f'<a class="govuk-link" href="{ADDRESS_URL}">Modifier'
        '<span class="govuk-visually-hidden"> l\'adresse</span></a>'
    ) in html.unescape(page)
    assert 'href="/mes-informations/email/">Modifier' in page
    assert f'href="{PHONE_URL}">Modifier' in page


@pytest.mark.parametrize("url", [ADDRESS_URL, PHONE_URL])
def test_each_page_has_a_back_link_and_one_heading(signed_in, url):
    page = signed_in.get(url).content.decode()

    assert '<a href="/mes-informations/" class="govuk-back-link">' in page
    assert page.count("<h1") == 1


def test_the_address_form_shows_what_the_fund_has(signed_in, alice):
    alice.address = "Appartement 4\n12 rue des Lilas"
    alice.save()

    page = signed_in.get(ADDRESS_URL).content.decode()

    assert 'name="street" value="12 rue des Lilas"' in page
    assert 'name="complement" value="Appartement 4"' in page
    assert 'name="postcode" value="76000"' in page
    assert "C&#x27;est aussi le code postal à saisir pour demander un code provisoire." in page


def test_a_new_address_is_saved_in_postal_order(signed_in, alice):
    response = signed_in.post(ADDRESS_URL, GOOD_ADDRESS, follow=True)

    alice.refresh_from_db()
    assert alice.address == "Bâtiment B, 3e étage\n8 avenue Jean Jaurès"
    assert (alice.postcode, alice.city) == ("69007", "Lyon")
    assert response.redirect_chain == [("/mes-informations/", 302)]
    text = page_text(response)
    assert "C'est fait" in text and "Votre adresse est enregistrée." in text
    assert "Bâtiment B, 3e étage<br>8 avenue Jean Jaurès<br>" in text
    [event] = SecurityEvent.objects.filter(member=alice)
    assert (event.kind, event.detail) == (SecurityEvent.CONTACT_CHANGED, "adresse")


def test_the_complement_is_optional_and_spaces_are_tidied(signed_in, alice):
    signed_in.post(
        ADDRESS_URL,
        {
            "street": "  3   rue  du Port ",
            "complement": "",
            "postcode": " 29 200 ",
            "city": "Brest",
        },
    )

    alice.refresh_from_db()
    assert (alice.address, alice.postcode) == ("3 rue du Port", "29200")


FOREIGN = "Saisissez un code postal français à 5 chiffres, par exemple 75011."


@pytest.mark.parametrize(
    "change, field, message",
    [
        ({"street": ""}, "street", "Saisissez le numéro et la rue."),
        ({"postcode": ""}, "postcode", "Saisissez le code postal."),
        ({"city": "   "}, "city", "Saisissez la ville."),
        ({"postcode": "SW1A 1AA"}, "postcode", FOREIGN),
        ({"postcode": "7500A"}, "postcode", FOREIGN),
        ({"postcode": "750011"}, "postcode", FOREIGN),
        ({"postcode": "１２３４５"}, "postcode", FOREIGN),  # full-width digits
        ({"postcode": "7501"}, "postcode", "Le code postal doit comporter 5 chiffres"),
        ({"postcode": "1" * 30}, "postcode", FOREIGN),
        ({"street": "1" + " rue" * 10}, "street", "38 caractères au maximum"),
        ({"complement": "x" * 39}, "complement", "38 caractères au maximum"),
        ({"city": "L" * 101}, "city", "100 caractères au maximum"),
        ({"street": "<script>alert(1)</script>"}, "street", "ne doit contenir que des lettres"),
        ({"street": "1 rue X'; DROP TABLE members;--"}, "street", "ne doit contenir que"),
        ({"complement": "Appt 4 😀"}, "complement", "ne doit contenir que des lettres"),
        ({"city": "Rouen\u200b"}, "city", "ne doit contenir que des lettres"),
        ({"city": "Rouen\x00"}, "city", "Le caractère nul n’est pas autorisé."),
        ({"street": "12"}, "street", "Saisissez le numéro et le nom de la rue"),
        ({"city": "76000"}, "city", "Saisissez le nom de la ville"),
    ],
)
def test_bad_addresses_are_explained_and_nothing_is_saved(signed_in, alice, change, field, message):
    response = signed_in.post(ADDRESS_URL, {**GOOD_ADDRESS, **change})

    assert response.status_code == 200
    text = page_text(response)
    assert "Il y a un problème" in text
    assert f'<a href="#id_{field}">' in text
    assert message in text
    assert "<title>Erreur : Modifier mon adresse" in text
    alice.refresh_from_db()
    assert (alice.postcode, alice.city) == ("76000", "Rouen")
    assert not SecurityEvent.objects.exists()


def test_unicode_letters_and_accents_are_kept_composed(signed_in, alice):
    signed_in.post(
        ADDRESS_URL,
        {**GOOD_ADDRESS, "street": "2 rue de l’E\u0301glise", "city": "Saint-Étienne"},
    )

    alice.refresh_from_db()
    assert alice.address.endswith("2 rue de l’Église")
    assert alice.city == "Saint-Étienne"


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("06 12 34 56 78", "+33612345678"),
        ("01.99.00.10.02", "+33199001002"),
        ("+33 6 12 34 56 78", "+33612345678"),
        ("0033612345678", "+33612345678"),
        ("+32 2 234 56 78", "+3222345678"),
        ("0262 12 34 56", "+262262123456"),
    ],
)
def test_french_and_foreign_phones_are_stored_as_e164(signed_in, alice, typed, stored):
    response = signed_in.post(PHONE_URL, {"phone": typed}, follow=True)

    alice.refresh_from_db()
    assert alice.phone == stored
    assert "Votre numéro de téléphone est enregistré." in page_text(response)
    [event] = SecurityEvent.objects.filter(member=alice)
    assert (event.kind, event.detail) == (SecurityEvent.CONTACT_CHANGED, "téléphone")


def test_the_phone_form_shows_the_number_as_dialled(signed_in, alice):
    alice.phone = "+33199001001"
    alice.save()

    assert 'value="01 99 00 10 01"' in signed_in.get(PHONE_URL).content.decode()


def test_an_empty_phone_removes_the_number(signed_in, alice):
    alice.phone = "+33199001001"
    alice.save()

    response = signed_in.post(PHONE_URL, {"phone": "  "}, follow=True)

    alice.refresh_from_db()
    assert alice.phone == ""
    assert "Votre numéro de téléphone est retiré." in page_text(response)
    assert "Non renseigné" in page_text(response)


INVALID_PHONE = "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78"


@pytest.mark.parametrize(
    "typed, message",
    [
        ("12", INVALID_PHONE),
        ("+33 1", INVALID_PHONE),
        ("06 12 34 56 7", INVALID_PHONE),
        ("+999 123 456 789", INVALID_PHONE),
        ("0800 FLEURS", "ne doit contenir que des chiffres, des espaces et le signe +"),
        ("<b>0612345678</b>", "ne doit contenir que des chiffres"),
        ("0612345678' OR 1=1 --", "ne doit contenir que des chiffres"),
        ("０６１２３４５６７８", "ne doit contenir que des chiffres"),
        ("0" * 31, "30 caractères au maximum"),
    ],
)
def test_bad_phones_are_explained_and_nothing_is_saved(signed_in, alice, typed, message):
    alice.phone = "+33199001001"
    alice.save()

    response = signed_in.post(PHONE_URL, {"phone": typed})

    assert response.status_code == 200
    text = page_text(response)
    assert "Il y a un problème" in text and '<a href="#id_phone">' in text
    assert message in text
    alice.refresh_from_db()
    assert alice.phone == "+33199001001"
    assert not SecurityEvent.objects.exists()


def test_it_checks_ownership(signed_in, alice):
    """No page takes a member id: each acts on the signed-in member only."""
    other = MemberFactory(postcode="13001", city="Marseille", phone="+33491000000")

    signed_in.post(ADDRESS_URL, {**GOOD_ADDRESS, "member": other.pk, "id": other.pk})
    signed_in.post(PHONE_URL, {"phone": "06 12 34 56 78", "member": other.pk})

    other.refresh_from_db()
    alice.refresh_from_db()
    assert (other.postcode, other.city, other.phone) == ("13001", "Marseille", "+33491000000")
    assert (alice.postcode, alice.phone) == ("69007", "+33612345678")
    page = signed_in.get(ADDRESS_URL).content.decode()
    assert "Marseille" not in page and "13001" not in page


@pytest.mark.parametrize("url", [ADDRESS_URL, PHONE_URL])
def test_anonymous_visitors_are_sent_to_sign_in(client, db, url):
    response = client.post(url, GOOD_ADDRESS)

    assert response.status_code == 302
    assert response.url == f"{reverse('accounts:sign_in')}?next={url}"


@pytest.mark.parametrize("url", [ADDRESS_URL, PHONE_URL])
def test_agents_get_a_404(client, django_user_model, url):
    client.force_login(django_user_model.objects.create_user("agent", password="x"))

    assert client.get(url).status_code == 404
