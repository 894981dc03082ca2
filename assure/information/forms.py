"""The member's contact details, edited from « Mes informations ».

Each form is bound to the signed-in member and its `save(request)` writes the
change and its security event in one transaction.
"""

import re
import unicodedata

import phonenumbers
from django import forms
from django.db import transaction

from assure.accounts.models import SecurityEvent
from assure.lib.french import FRENCH_PLAN
from assure.lib.french import phone as phone_as_dialled

# Letters (any alphabet), digits, spaces and the signs of a postal address.
POSTAL_TEXT = re.compile(r"(?:[^\W_]|[ '’\-,./°()&])+")
POSTAL_SIGNS = "' - , . / ° ( ) &"
# La Poste's norm (NF Z10-011): 38 characters per address line.
LINE_LENGTH = 38


def tidy(value):
    """One line of text as typed: composed accents, single spaces."""
    return " ".join(unicodedata.normalize("NFC", value).split())


def postal_text(value, subject):
    value = tidy(value)
    if value and not POSTAL_TEXT.fullmatch(value):
        raise forms.ValidationError(
            f"{subject} ne doit contenir que des lettres, des chiffres, des espaces "
            f"et les signes {POSTAL_SIGNS}"
        )
    return value


class AddressForm(forms.Form):
    street = forms.CharField(
        label="Numéro et rue",
        help_text="Par exemple : 12 rue des Lilas",
        max_length=LINE_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
        error_messages={
            "required": "Saisissez le numéro et la rue.",
            "max_length": (
                f"Le numéro et la rue doivent comporter {LINE_LENGTH} caractères au maximum "
                "(norme de La Poste) : mettez le reste dans le complément d'adresse."
            ),
        },
    )
    complement = forms.CharField(
        label="Complément d'adresse (facultatif)",
        help_text="Appartement, étage, bâtiment, résidence ou lieu-dit",
        max_length=LINE_LENGTH,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "address-line2"}),
        error_messages={
            "max_length": (
                f"Le complément d'adresse doit comporter {LINE_LENGTH} caractères au maximum "
                "(norme de La Poste)."
            ),
        },
    )
    postcode = forms.CharField(
        label="Code postal",
        help_text=(
            "5 chiffres. C'est aussi le code postal à saisir pour demander un code provisoire."
        ),
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "postal-code",
                "inputmode": "numeric",
                "class": "govuk-input--width-5",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "required": "Saisissez le code postal.",
            "max_length": "Saisissez un code postal français à 5 chiffres, par exemple 75011.",
        },
    )
    city = forms.CharField(
        label="Ville",
        max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "address-level2"}),
        error_messages={
            "required": "Saisissez la ville.",
            "max_length": "Le nom de la ville doit comporter 100 caractères au maximum.",
        },
    )

    def __init__(self, *args, member, **kwargs):
        self.member = member
        lines = [line.strip() for line in member.address.splitlines() if line.strip()]
        # French order: the complement (flat, building) comes before the street line.
        initial = {
            "street": lines[-1] if lines else "",
            "complement": ", ".join(lines[:-1]),
            "postcode": member.postcode,
            "city": member.city,
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean_street(self):
        street = postal_text(self.cleaned_data["street"], "Le numéro et la rue")
        if street and not any(ch.isalpha() for ch in street):
            raise forms.ValidationError(
                "Saisissez le numéro et le nom de la rue, par exemple 12 rue des Lilas."
            )
        return street

    def clean_complement(self):
        return postal_text(self.cleaned_data["complement"], "Le complément d'adresse")

    def clean_postcode(self):
        postcode = "".join(self.cleaned_data["postcode"].split())
        if not re.fullmatch(r"\d+", postcode, flags=re.ASCII) or len(postcode) > 5:
            raise forms.ValidationError(
                "Saisissez un code postal français à 5 chiffres, par exemple 75011."
            )
        if len(postcode) < 5:
            raise forms.ValidationError(
                "Le code postal doit comporter 5 chiffres, par exemple 75011."
            )
        return postcode

    def clean_city(self):
        city = postal_text(self.cleaned_data["city"], "Le nom de la ville")
        if city and not any(ch.isalpha() for ch in city):
            raise forms.ValidationError("Saisissez le nom de la ville, par exemple Rouen.")
        return city

    def save(self, request):
        data = self.cleaned_data
        member = self.member
        member.address = "\n".join(line for line in (data["complement"], data["street"]) if line)
        member.postcode, member.city = data["postcode"], data["city"]
        with transaction.atomic():
            member.save(update_fields=["address", "postcode", "city", "updated_at"])
            SecurityEvent.record(
                SecurityEvent.CONTACT_CHANGED, request, member=member, detail="adresse"
            )


class PhoneForm(forms.Form):
    INVALID = (
        "Saisissez un numéro de téléphone valide, par exemple 06 12 34 56 78, "
        "ou +32 2 123 45 67 pour un numéro étranger."
    )

    phone = forms.CharField(
        label="Téléphone",
        help_text=(
            "Un numéro français, par exemple 06 12 34 56 78, ou étranger avec son indicatif, "
            "par exemple +32 2 123 45 67. Laissez vide pour retirer votre numéro."
        ),
        max_length=30,
        required=False,
        widget=forms.TextInput(
            attrs={"type": "tel", "autocomplete": "tel", "class": "govuk-input--width-20"}
        ),
        error_messages={
            "max_length": "Le numéro de téléphone doit comporter 30 caractères au maximum.",
        },
    )

    def __init__(self, *args, member, **kwargs):
        self.member = member
        initial = {"phone": phone_as_dialled(member.phone)}
        super().__init__(*args, initial=initial, **kwargs)

    def clean_phone(self):
        typed = tidy(self.cleaned_data["phone"])
        if not typed:
            return ""
        if not re.fullmatch(r"\+?[\d .()\-]+", typed, flags=re.ASCII):
            raise forms.ValidationError(
                "Le numéro de téléphone ne doit contenir que des chiffres, des espaces "
                "et le signe + devant l'indicatif."
            )
        number = parse_phone(typed)
        if number is None:
            raise forms.ValidationError(self.INVALID)
        return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)

    def save(self, request):
        member = self.member
        member.phone = self.cleaned_data["phone"]
        with transaction.atomic():
            member.save(update_fields=["phone", "updated_at"])
            SecurityEvent.record(
                SecurityEvent.CONTACT_CHANGED, request, member=member, detail="téléphone"
            )


def parse_phone(typed):
    """The valid number typed, or None. A national number ("0262 12 34 56")
    may belong to metropolitan France or to an overseas department sharing
    its numbering plan: the first region where it is valid wins."""
    for region in ["FR", *sorted(FRENCH_PLAN - {"FR"})]:
        try:
            number = phonenumbers.parse(typed, region)
        except phonenumbers.NumberParseException:
            return None
        if phonenumbers.is_valid_number(number):
            return number
    return None


class EmailForm(forms.Form):
    email = forms.EmailField(
        label="Nouvelle adresse e-mail",
        help_text=(
            "Nous y enverrons un lien : votre adresse ne changera qu'une fois ce lien ouvert."
        ),
        max_length=254,
        widget=forms.EmailInput(
            attrs={"autocomplete": "email", "spellcheck": "false", "inputmode": "email"}
        ),
        error_messages={
            "required": "Saisissez votre nouvelle adresse e-mail.",
            "invalid": "Saisissez une adresse e-mail valide, par exemple nom@exemple.fr.",
            "max_length": "L'adresse e-mail doit comporter 254 caractères au maximum.",
        },
    )

    def __init__(self, *args, member, **kwargs):
        self.member = member
        super().__init__(*args, **kwargs)

    def clean_email(self):
        email = self.cleaned_data["email"]
        if email.lower() == self.member.email.lower():
            raise forms.ValidationError(
                "C'est déjà votre adresse e-mail : saisissez la nouvelle adresse."
            )
        return email
