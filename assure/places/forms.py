"""« Trouver un point d'accueil »: a GET form, so that results can be bookmarked."""

from django import forms

from assure.geography.forms import LocationForm

from .models import Place

RADIUS_KM = 50
LIMIT = 10


class PlaceSearchForm(LocationForm):
    """The fund's reception points and kiosks near a commune: the ``LIMIT``
    nearest within ``RADIUS_KM``, of one kind or both."""

    kind = forms.ChoiceField(
        label="Type de lieu",
        required=False,
        choices=[
            ("", "Points d'accueil et bornes"),
            (Place.ACCUEIL, "Points d'accueil seulement"),
            (Place.BORNE, "Bornes libre-service seulement"),
        ],
        initial="",
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choisissez un type de lieu dans la liste."},
    )

    def results(self):
        """The places found, nearest first, each with ``distance_km``."""
        places = Place.objects.active()
        if self.cleaned_data["kind"]:
            places = places.filter(kind=self.cleaned_data["kind"])
        commune = self.cleaned_data["commune"]
        return places.near(commune.latitude, commune.longitude, RADIUS_KM)[:LIMIT]
