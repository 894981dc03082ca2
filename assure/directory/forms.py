"""« Trouver un médecin »: a GET form, so that results can be bookmarked."""

from functools import lru_cache

from django import forms

from assure.geography.forms import LocationForm
from assure.geography.models import search_key
from assure.portal.forms import NormalChoices, Select

from .models import Convention, PracticePlace

RADII = (5, 10, 20, 50)
DEFAULT_RADIUS = 10
LIMIT = 20
NAME_MAX_LENGTH = 100
DEFAULT_KIND = "Médecin généraliste"


class DoctorSearchForm(LocationForm):
    """The ``LIMIT`` professionals of one kind nearest to a commune within a radius,
    optionally by name. ``kinds`` are those of the directory
    (``PracticePlace.objects.kinds()``)."""

    field_order = ["profession", "name", "location", "radius"]

    profession = forms.ChoiceField(
        label="Profession ou spécialité",
        widget=Select,
        error_messages={
            "required": "Choisissez une profession ou une spécialité.",
            "invalid_choice": "Choisissez une profession ou une spécialité dans la liste.",
        },
    )
    name = forms.CharField(
        label="Nom du professionnel (facultatif)",
        help_text="Tout ou partie du nom ou du prénom, par exemple Martin.",
        required=False,
        max_length=NAME_MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
        error_messages={
            "max_length": (
                f"Le nom doit comporter {NAME_MAX_LENGTH} caractères au plus "
                "(vous en avez saisi %(show_value)d)."
            ),
        },
    )
    radius = forms.TypedChoiceField(
        label="Distance maximale",
        choices=NormalChoices((radius, f"{radius} km") for radius in RADII),
        coerce=int,
        required=False,
        empty_value=DEFAULT_RADIUS,
        initial=DEFAULT_RADIUS,
        widget=Select,
        error_messages={
            "invalid_choice": "Choisissez une distance dans la liste : 5, 10, 20 ou 50 km.",
        },
    )

    def __init__(self, query=None, *, kinds, member=None):
        super().__init__(query, member=member)
        self.kinds = tuple(kinds)
        self.fields["profession"].choices = kind_choices(self.kinds)
        if DEFAULT_KIND in kinds:
            self.fields["profession"].initial = DEFAULT_KIND

    def blank_key(self):
        key = super().blank_key()
        return None if key is None else (*key, self.kinds)

    def results(self):
        """The places found, nearest first, each with ``distance_km`` and ``convention``."""
        data = self.cleaned_data
        places = PracticePlace.objects.all()
        for word in search_key(data["name"]).split():
            places = places.filter(search_name__contains=word)
        commune = data["commune"]
        found = places.near(
            data["profession"], commune.latitude, commune.longitude, data["radius"], LIMIT
        )
        return Convention.objects.attach_to(found)


@lru_cache(maxsize=16)
def kind_choices(kinds):
    return NormalChoices((kind, kind) for kind in kinds)
