from django import forms

from assure.portal.forms import NIRField


class NIRForm(forms.Form):
    nir = NIRField(label="Numéro de sécurité sociale")


def test_it_cleans_to_the_13_characters():
    form = NIRForm({"nir": "2 78 07 2a 004 057"})
    assert form.is_valid()
    assert form.cleaned_data["nir"] == "278072A004057"


def test_it_says_what_is_wrong_in_french():
    form = NIRForm({"nir": "1 84 12 76 451 089 47"})
    assert not form.is_valid()
    assert form.errors["nir"] == [
        "La clé (2 derniers chiffres) ne correspond pas au numéro. Vérifiez votre carte Vitale."
    ]


def test_it_is_required():
    form = NIRForm({"nir": "  "})
    assert form.errors["nir"] == ["Saisissez votre numéro de sécurité sociale."]


def test_a_long_input_gets_the_length_message_not_a_generic_one():
    form = NIRForm({"nir": "1" * 40})
    assert form.errors["nir"] == [
        "Le numéro de sécurité sociale doit comporter 13 chiffres, ou 15 avec la clé."
    ]


def test_the_input_suits_a_phone_keyboard_and_corsica():
    html = str(NIRForm()["nir"])
    assert 'inputmode="text"' in html
    assert 'autocomplete="off"' in html
    assert 'spellcheck="false"' in html
    assert 'maxlength="30"' in html
