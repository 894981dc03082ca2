import datetime

from django import forms
from django.utils import timezone

from assure.lib.french import french_date
from assure.portal.forms import DateField

from . import signing
from .models import daily_allowance_details

MAX_YEARS = 3


def years_later(day, years):
    """The same day `years` later (28 February for a 29 February)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class DailyAllowanceForm(forms.Form):
    """The period of an attestation of daily allowances ("Du" … "Au" …).

    When valid, `details` holds the attestation's content: the period must
    have daily allowances paid in it.
    """

    start = DateField(label="Du", subject="la date de début", help_text="Par exemple, 1 1 2025")
    end = DateField(label="Au", subject="la date de fin", help_text="Par exemple, 31 3 2025")

    def __init__(self, *args, member, **kwargs):
        self.member = member
        self.details = None
        super().__init__(*args, **kwargs)

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start > timezone.localdate():
            raise forms.ValidationError(
                "La date de début ne peut pas être dans le futur : indiquez une date passée."
            )
        return start

    def clean_end(self):
        end = self.cleaned_data["end"]
        if end > timezone.localdate():
            raise forms.ValidationError(
                "La date de fin ne peut pas être dans le futur : indiquez au plus tard "
                "la date d'aujourd'hui."
            )
        return end

    def clean(self):
        start, end = self.cleaned_data.get("start"), self.cleaned_data.get("end")
        if start is None or end is None:
            return self.cleaned_data
        if end < start:
            self.add_error(
                "end", "La date de fin doit être le même jour que la date de début, ou après."
            )
            return self.cleaned_data
        latest = years_later(start, MAX_YEARS) - datetime.timedelta(days=1)
        if end > latest:
            self.add_error(
                "end",
                f"La période ne peut pas dépasser {MAX_YEARS} ans : choisissez une date de fin "
                f"au plus tard le {french_date(latest)}, puis demandez une autre attestation "
                "pour la suite.",
            )
            return self.cleaned_data
        self.details = daily_allowance_details(self.member, start, end)
        if self.details is None:
            # About the whole period: shown at its first field, as GOV.UK advises.
            self.add_error(
                "start",
                f"Aucune indemnité journalière n'a été versée entre le {french_date(start)} "
                f"et le {french_date(end)}. Vérifiez les dates de votre arrêt de travail.",
            )
        return self.cleaned_data


class VerifyForm(forms.Form):
    LENGTH = (
        f"Le code de vérification comporte {signing.CODE_LENGTH} caractères, lettres et "
        "chiffres : recopiez-le en entier, tel qu'il est imprimé sous le QR code."
    )

    code = forms.CharField(
        label="Code de vérification",
        help_text=(
            f"Les {signing.CODE_LENGTH} lettres et chiffres imprimés sous le QR code de "
            "l'attestation, par exemple K7MQ3-XRT4P-AWNCG. Les tirets, les espaces et les "
            "minuscules sont acceptés."
        ),
        max_length=60,
        widget=forms.TextInput(
            attrs={
                "class": "govuk-input--width-20",
                "autocomplete": "off",
                "autocapitalize": "characters",
                "spellcheck": "false",
            }
        ),
        error_messages={
            "required": "Saisissez le code de vérification imprimé sur l'attestation.",
            "max_length": LENGTH,
        },
    )

    def clean_code(self):
        code = signing.normalize_code(self.cleaned_data["code"])
        problem = signing.code_problem(code)
        if problem == "length":
            raise forms.ValidationError(self.LENGTH)
        if problem == "characters":
            raise forms.ValidationError(
                "Ce code contient un caractère qui n'existe dans aucun code de vérification "
                "(par exemple O, I, S, B, 0, 1, 2, 5 ou 8) : vérifiez-le sur l'attestation."
            )
        if problem == "check":
            raise forms.ValidationError(
                "Aucune attestation authentique ne porte ce code : un caractère a sans doute "
                "été mal recopié. Vérifiez chaque caractère sur l'attestation."
            )
        return code
