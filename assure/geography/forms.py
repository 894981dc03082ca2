"""The place of a search ("Ville ou code postal"), shared by the search pages.

``LocationForm`` finds the commune a person means by what they typed
(``Commune.objects.locate``). When several communes fit ("Saint-Denis", a
postcode shared by several communes), the form is in error and ``choices``
holds them: the page offers each as a link that searches again with
``location`` set to the commune's label ("Saint-Denis (974)") and ``commune``
to its INSEE code. No JavaScript is needed.
"""

import re

from django import forms

from assure.lib.names import normalize_name

from .models import DEPARTMENT, POSTCODE, Commune

MAX_LENGTH = 100
# Words that are not French postcodes but look like a foreign one: letters and
# digits mixed ("SW1A", "1AA", "H3Z") — except ordinals ("11e", "1er") and
# Corsica's departments ("2A") — or a number of 4 or 6 digits and more
# ("1000 Bruxelles", "100001").
ORDINAL = re.compile(r"\d{1,2}(e|er|eme|ere)")
MIXED = re.compile(r"(?=.*\d)(?=.*[a-z])[a-z\d]+")
OTHER_NUMBER = re.compile(r"\d{4}|\d{6,}")
# French postcodes begin with a department number: 01 to 95, 97 or 98.
FRENCH_POSTCODE = re.compile(r"(0[1-9]|[1-8]\d|9[0-5]|9[78])\d{3}")


class LocationForm(forms.Form):
    """A search around a commune; ``cleaned_data["commune"]`` is a locatable Commune.

    Bound when the page was sent (``location`` in the query): a first visit
    shows the form without error. ``member`` (signed in) gives the initial
    place: their postcode and town.
    """

    location = forms.CharField(
        label="Ville ou code postal",
        help_text="Par exemple, 76000 ou Rouen.",
        max_length=MAX_LENGTH,
        widget=forms.TextInput(attrs={"class": "govuk-!-width-two-thirds"}),
        error_messages={
            "required": "Indiquez une ville ou un code postal.",
            "max_length": (
                f"La ville ou le code postal doit comporter {MAX_LENGTH} caractères au plus "
                "(vous en avez saisi %(show_value)d)."
            ),
        },
    )
    commune = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, query=None, *, member=None):
        super().__init__(query if query is not None and "location" in query else None)
        self.choices = []
        if member is not None and member.postcode:
            self.fields["location"].initial = f"{member.postcode} {member.city}".strip()

    def blank_key(self):
        """Rendered once by the process when blank (portal.forms), unless the
        member's own place is in it."""
        return None if self.fields["location"].initial else ()

    def clean(self):
        data = super().clean()
        typed = data.get("location")
        if typed:
            data["commune"] = self.find_commune(typed, data.get("commune"))
        return data

    def find_commune(self, typed, insee):
        """The commune meant by ``typed`` (and ``insee``, a commune chosen from a list), or
        None with an error on ``location`` (several communes: ``choices`` are set)."""
        if insee:
            chosen = Commune.objects.locatable().by_insee(insee)
            if chosen is not None and str(chosen) == typed:
                return chosen
        message = self.not_french(typed)
        communes = [] if message else Commune.objects.locate(typed)
        if len(communes) == 1:
            return communes[0]
        if communes:
            self.choices = communes
            message = (
                f"Plusieurs communes correspondent à « {typed} » : choisissez la vôtre "
                "dans la liste, ou précisez le code postal."
            )
        self.add_error("location", message or self.unknown(typed))
        return None

    def choice_links(self):
        """[(label, query)] of the communes to choose from: this search again, around
        each commune."""
        links = []
        for commune in self.choices:
            query = self.data.copy()
            query["location"], query["commune"] = str(commune), commune.insee
            links.append((str(commune), f"?{query.urlencode()}"))
        return links

    @staticmethod
    def not_french(typed):
        """The message for what cannot be a French place ("SW1A 1AA", "1000 Bruxelles"), or ""."""
        for word in normalize_name(typed).split():
            foreign = MIXED.fullmatch(word) and not (
                ORDINAL.fullmatch(word) or DEPARTMENT.fullmatch(word)
            )
            if (
                foreign
                or OTHER_NUMBER.fullmatch(word)
                or (POSTCODE.fullmatch(word) and not FRENCH_POSTCODE.fullmatch(word))
            ):
                return (
                    f"« {typed} » n'est pas un code postal français. La recherche couvre la "
                    "France seulement : indiquez une commune française ou son code postal "
                    "à 5 chiffres, par exemple 76000."
                )
        return ""

    @staticmethod
    def unknown(typed):
        postcodes = [word for word in typed.split() if POSTCODE.fullmatch(word)]
        if postcodes:
            return (
                f"Nous ne connaissons pas de commune au code postal {postcodes[0]}. "
                "Vérifiez-le, ou indiquez le nom de la ville."
            )
        return (
            f"Nous ne connaissons pas de commune nommée « {typed} » en France. "
            "Vérifiez l'orthographe, ou indiquez le code postal."
        )
