"""The filters of « Mes paiements »: a GET form, so that links, bookmarks and
the back button keep them."""

from django import forms
from django.utils import timezone
from django.utils.functional import cached_property

from assure.lib.french import french_date
from assure.portal.forms import DateField

from .models import SELF, Payment


class Shared:
    """A field that every form of its class shares rather than copies.

    A Django form deep-copies each of its fields when it is built, so that a
    form may change them; these fields are never changed. The list reads its
    filters through this form on each view, and copying the dates' fields
    (three parts and three widgets each) took longer than reading the page of
    payments (bench/member_pages.py)."""

    def __deepcopy__(self, memo):
        return self


class SharedDateField(Shared, DateField):
    pass


class SharedChoiceField(Shared, forms.ChoiceField):
    pass


class SharedCharField(Shared, forms.CharField):
    pass


class PaymentFilterForm(forms.Form):
    """Period, person and nature of the payments to list.

    The person is one of the member's own beneficiaries (read only when a
    person is chosen or listed): an id that is not among them, whoever it
    belongs to, is refused with the same message.
    `filters()` gives the keyword arguments of `PaymentQuerySet.listing` (see
    `sql_filters` in models.py).
    """

    start = SharedDateField(
        label="Du",
        subject="la date de début",
        help_text="Par exemple, 1 9 2025. Laissez vide pour ne pas fixer de début.",
        required=False,
    )
    end = SharedDateField(
        label="Au",
        subject="la date de fin",
        help_text="Par exemple, 31 12 2025. Laissez vide pour aller jusqu'à aujourd'hui.",
        required=False,
    )
    # The member's own people: read as text and checked by clean_beneficiary;
    # a list to choose from on the filters page (show_people).
    beneficiary = SharedCharField(label="Personne concernée", required=False)
    nature = SharedChoiceField(
        label="Nature du paiement",
        required=False,
        choices=[("", "Toutes les natures"), *Payment.NATURES],
        error_messages={
            "invalid_choice": "Choisissez une nature de paiement dans la liste.",
        },
    )

    NOT_A_PERSON = "Choisissez une personne dans la liste."

    def __init__(self, data, *, member):
        super().__init__(data)
        self.member = member

    @cached_property
    def beneficiaries(self):
        return {str(b.pk): b for b in self.member.beneficiaries.order_by("rank", "id")}

    def people(self):
        """The choices of the person field: everyone, the member, each beneficiary."""
        return [
            ("", "Toutes les personnes"),
            (SELF, f"{self.member.first_name} (vous-même)"),
            *[(pk, f"{b.first_names} {b.last_name}") for pk, b in self.beneficiaries.items()],
        ]

    def show_people(self):
        """Makes the person field a list to choose from, for the filters page."""
        self.fields["beneficiary"] = forms.ChoiceField(
            label=self.fields["beneficiary"].label,
            required=False,
            choices=self.people(),
            error_messages={"invalid_choice": self.NOT_A_PERSON},
        )
        self._bound_fields_cache.pop("beneficiary", None)  # bound to the text field

    def clean_start(self):
        return self.not_in_future(self.cleaned_data["start"], "La date de début")

    def clean_end(self):
        return self.not_in_future(self.cleaned_data["end"], "La date de fin")

    @staticmethod
    def not_in_future(day, subject):
        if day is not None and day > timezone.localdate():
            raise forms.ValidationError(
                f"{subject} doit être aujourd'hui ou avant : il n'y a pas encore de paiement "
                "dans le futur."
            )
        return day

    def clean_beneficiary(self):
        value = self.cleaned_data["beneficiary"]
        if value in ("", SELF):
            return value or None
        if value not in self.beneficiaries:
            raise forms.ValidationError(self.NOT_A_PERSON)
        return self.beneficiaries[value]

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and end < start:
            self.add_error("end", "La date de fin doit être la même que la date de début ou après.")
        return data

    def filters(self):
        """The filters to apply; to be called once the form is valid."""
        return {
            "start": self.cleaned_data["start"],
            "end": self.cleaned_data["end"],
            "beneficiary": self.cleaned_data["beneficiary"],
            "nature": self.cleaned_data["nature"],
        }

    def description(self):
        """The filters in words, for the list; to be called once the form is valid:
        "du 1er janvier 2026 au 31 mars 2026, pour Lucas Martin, « Remboursement de soins »"."""
        data = self.cleaned_data
        start, end = data["start"], data["end"]
        parts = []
        if start and end:
            parts.append(f"du {french_date(start)} au {french_date(end)}")
        elif start:
            parts.append(f"depuis le {french_date(start)}")
        elif end:
            parts.append(f"jusqu'au {french_date(end)}")
        if data["beneficiary"] is not None:
            person = dict(self.people())[self.data["beneficiary"]]
            parts.append(f"pour {person}")
        if data["nature"]:
            parts.append(f"« {Payment.NATURE_LABELS[data['nature']]} »")
        return ", ".join(parts)
