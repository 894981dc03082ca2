"""Forms render as GOV.UK form groups: labels, hints and errors linked to the inputs."""

import re

import pytest
from django import forms
from django.forms.renderers import DjangoTemplates
from django.template.loader import render_to_string

from assure.accounts.forms import SignInForm
from assure.portal.forms import DateField, FormRenderer, Radios, Select


class ContactForm(forms.Form):
    postcode = forms.CharField(
        label="Code postal",
        help_text="Celui de votre adresse",
        widget=forms.TextInput(
            attrs={"class": "govuk-input--width-5", "autocomplete": "postal-code"}
        ),
    )
    password = forms.CharField(
        label="Mot de passe", widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )
    channel = forms.ChoiceField(
        label="Je reçois mon code par",
        choices=[("email", "Email (réception immédiate)"), ("post", "Courrier postal")],
        widget=Radios(hints={"post": "Sous un délai de 8 jours"}),
    )
    subject = forms.ChoiceField(label="Sujet", choices=[("a", "Carte Vitale"), ("b", "Maternité")])
    message = forms.CharField(label="Votre message", widget=forms.Textarea)
    consent = forms.BooleanField(label="J'accepte", help_text="Vous pouvez changer d'avis")
    natures = forms.MultipleChoiceField(
        label="Nature",
        choices=[("care", "Soins"), ("daily", "Indemnités journalières")],
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    birth_date = DateField(label="Date de naissance", birth=True)
    token = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean(self):
        raise forms.ValidationError("Les informations ne correspondent pas.")


def tag(html, element_id):
    """The opening tag of the element with this id."""
    return re.search(rf'<[a-z]+[^>]*\bid="{element_id}"[^>]*>', html)[0]


def blank_form():
    return ContactForm()


def invalid_form():
    form = ContactForm(
        {"postcode": "", "password": "", "birth_date_0": "3", "birth_date_2": "1984"}
    )
    form.is_valid()
    return form


def test_a_text_field_is_a_form_group_with_label_hint_and_input():
    html = blank_form()["postcode"].as_field_group()

    assert html.lstrip().startswith('<div class="govuk-form-group">')
    assert '<label class="govuk-label govuk-label--s" for="id_postcode">Code postal</label>' in html
    assert '<div class="govuk-hint" id="id_postcode_helptext">Celui de votre adresse</div>' in html
    input_tag = tag(html, "id_postcode")
    assert 'class="govuk-input govuk-input--width-5"' in input_tag
    assert 'autocomplete="postal-code"' in input_tag
    assert 'aria-describedby="id_postcode_helptext"' in input_tag


def test_a_field_in_error_says_so_in_french_and_links_the_message():
    html = invalid_form()["postcode"].as_field_group()

    assert '<div class="govuk-form-group govuk-form-group--error">' in html
    assert (
        '<p class="govuk-error-message" id="id_postcode_error">'
        '<span class="govuk-visually-hidden">Erreur :</span> Ce champ est obligatoire.</p>'
    ) in html
    input_tag = tag(html, "id_postcode")
    assert "govuk-input--error" in input_tag
    assert 'aria-describedby="id_postcode_helptext id_postcode_error"' in input_tag
    assert 'aria-invalid="true"' in input_tag


def test_a_password_keeps_its_autocomplete():
    input_tag = tag(str(blank_form()["password"]), "id_password")

    assert 'type="password"' in input_tag
    assert 'class="govuk-input"' in input_tag
    assert 'autocomplete="new-password"' in input_tag


def test_radios_are_a_fieldset_with_a_legend_and_hints_per_choice():
    html = blank_form()["channel"].as_field_group()

    assert '<fieldset class="govuk-fieldset">' in html
    assert (
        '<legend class="govuk-fieldset__legend govuk-fieldset__legend--s">'
        "Je reçois mon code par</legend>"
    ) in html
    assert '<div class="govuk-radios" id="id_channel">' in html
    assert html.count('<div class="govuk-radios__item">') == 2
    email = tag(html, "id_channel_0")
    assert 'type="radio"' in email and 'class="govuk-radios__input"' in email
    assert 'value="email"' in email and "aria-describedby" not in email
    assert (
        '<label class="govuk-label govuk-radios__label" for="id_channel_0">'
        "Email (réception immédiate)</label>"
    ) in html
    post = tag(html, "id_channel_1")
    assert 'aria-describedby="id_channel_1_hint"' in post
    assert (
        '<div class="govuk-hint govuk-radios__hint" id="id_channel_1_hint">'
        "Sous un délai de 8 jours</div>"
    ) in html


def test_radios_in_error_describe_the_fieldset():
    html = invalid_form()["channel"].as_field_group()

    assert '<fieldset class="govuk-fieldset" aria-describedby="id_channel_error">' in html
    assert 'id="id_channel_error"' in html


def test_a_larger_legend_can_be_asked_for():
    form = ContactForm()
    form.fields["channel"].legend_size = "m"

    assert "govuk-fieldset__legend--m" in form["channel"].as_field_group()


def test_a_select_and_a_textarea_get_their_classes():
    form = invalid_form()

    assert 'class="govuk-select govuk-select--error"' in tag(str(form["subject"]), "id_subject")
    assert 'class="govuk-textarea govuk-textarea--error"' in tag(str(form["message"]), "id_message")


def test_a_single_checkbox_has_its_label_after_the_box():
    html = invalid_form()["consent"].as_field_group()

    box = tag(html, "id_consent")
    assert 'type="checkbox"' in box and 'class="govuk-checkboxes__input"' in box
    assert 'aria-describedby="id_consent_helptext id_consent_error"' in box
    assert html.index('id="id_consent_error"') < html.index('id="id_consent"')
    assert html.index('id="id_consent"') < html.index(
        '<label class="govuk-label govuk-checkboxes__label" for="id_consent">J&#x27;accepte</label>'
    )
    assert '<div class="govuk-hint govuk-checkboxes__hint" id="id_consent_helptext">' in html


def test_several_checkboxes_are_a_fieldset():
    html = blank_form()["natures"].as_field_group()

    assert '<fieldset class="govuk-fieldset">' in html
    assert '<div class="govuk-checkboxes" id="id_natures">' in html
    assert 'class="govuk-checkboxes__input"' in tag(html, "id_natures_1")
    assert 'for="id_natures_1">Indemnités journalières</label>' in html


def test_a_date_is_a_group_fieldset_with_its_hint_and_error():
    html = invalid_form()["birth_date"].as_field_group()

    assert (
        '<fieldset class="govuk-fieldset" role="group" '
        'aria-describedby="id_birth_date_helptext id_birth_date_error">'
    ) in html
    assert (
        '<div class="govuk-hint" id="id_birth_date_helptext">Par exemple, 27 3 1985</div>' in html
    )
    assert "La date de naissance doit comporter un mois." in html
    assert '<div class="govuk-date-input" id="id_birth_date">' in html


def test_the_whole_form_renders_every_field_and_the_hidden_ones():
    html = str(blank_form())

    assert html.count('<div class="govuk-form-group">') == 8 + 3  # + the date's three boxes
    assert '<input type="hidden" name="token" id="id_token">' in html


def test_the_error_summary_links_each_error_to_its_first_input():
    form = invalid_form()
    html = render_to_string("portal/includes/error_summary.html", {"form": form})

    assert '<div class="govuk-error-summary" tabindex="-1">' in html
    assert '<div role="alert">' in html
    assert '<h2 class="govuk-error-summary__title">Il y a un problème</h2>' in html
    assert "<li>Les informations ne correspondent pas.</li>" in html
    assert '<li><a href="#id_postcode">Ce champ est obligatoire.</a></li>' in html
    assert '<a href="#id_channel_0">' in html
    assert '<a href="#id_birth_date_0">La date de naissance doit comporter un mois.</a>' in html


def test_there_is_no_error_summary_without_errors():
    assert (
        render_to_string("portal/includes/error_summary.html", {"form": blank_form()}).strip() == ""
    )


@pytest.mark.parametrize("value", ["b", "", None, "<x>", 2])
def test_the_python_select_writes_what_djangos_templates_write(value):
    choices = [
        ("", "Choisissez"),
        ("a", "Médecin généraliste"),
        ("b", "Pédiatre & co"),
        ("Autres", [(2, "Deux"), ("<x>", "<Étrange>")]),
    ]
    attrs = {"id": "id_kind", "class": "govuk-select govuk-select--error", "required": True}
    attrs |= {"aria-describedby": "id_kind_error", "disabled": False}

    def html(widget):
        widget.choices = choices
        written = widget.render("kind", value, attrs=attrs)
        return re.sub(r">\s+<", "><", str(written)).strip()

    assert html(Select()) == html(forms.Select())
    assert html(Select()).count(" selected") == 1  # None chooses the empty choice


@pytest.mark.parametrize(
    "widget",
    [
        forms.TextInput(attrs={"class": "govuk-input", "maxlength": 30, "spellcheck": "false"}),
        forms.PasswordInput(render_value=True, attrs={"autocomplete": "current-password"}),
        forms.EmailInput(attrs={"required": True, "disabled": False}),
        forms.NumberInput(attrs={"min": 0, "aria-describedby": 'x" onclick="y'}),
        forms.HiddenInput(),
    ],
    ids=lambda widget: type(widget).__name__,
)
@pytest.mark.parametrize("value", [None, "", "Dupont", "<script>\"&'", 2, 0])
def test_the_python_inputs_write_what_djangos_template_writes(widget, value):
    attrs = {"id": "id_field", "aria-invalid": "true"}
    written = widget.render("field", value, attrs=attrs, renderer=FormRenderer())
    by_template = widget.render("field", value, attrs=attrs, renderer=DjangoTemplates())

    assert str(written) == str(by_template).strip()


def test_a_blank_form_the_same_for_everyone_is_rendered_once_then_errors_show():
    blank = SignInForm()["nir"].as_field_group()
    again = SignInForm()["nir"].as_field_group()
    in_error = SignInForm({"nir": "", "secret": ""})
    in_error.is_valid()

    assert again is blank  # the process's rendering
    assert "govuk-error-message" not in blank
    assert "Saisissez votre numéro de sécurité sociale." in in_error["nir"].as_field_group()
    assert SignInForm(initial={"nir": "1 85"})["nir"].as_field_group() is not blank


def test_a_setting_changed_renders_the_blank_forms_afresh(settings):
    before = SignInForm()["nir"].as_field_group()
    settings.ASSURE_FUND_NAME = "Caisse de l'Exemple"

    assert SignInForm()["nir"].as_field_group() is not before
