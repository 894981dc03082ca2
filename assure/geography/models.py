"""French communes and their postcodes, to place members' searches on a map.

Places (health professionals, the fund's reception points) are located by
their commune's centre: no geocoding service is called. A member types a
postcode, a town's name or both; ``Commune.objects`` finds the communes.
"""

import re

from django.db import models
from django.db.models import Case, IntegerField, Q, Value, When

from assure.lib.names import SEPARATORS, normalize_name

POSTCODE = re.compile(r"\d{5}")
# Department codes a member may add to a name to tell homonyms apart: "Saint-Denis 93".
DEPARTMENT = re.compile(r"\d{2}|2[ab]|9[78]\d")
# Words written in full or abbreviated in commune names: "Saint-Étienne", "St Etienne".
ABBREVIATIONS = {"saint": "st", "sainte": "ste"}
# The shortest beginning of "saint" taken for it while it is being typed ("sain" → "st").
SAINT_PREFIX = 4
SUGGESTIONS = 10


def search_key(text):
    """The form names are compared in: lower-case ASCII words, "saint" as "st".

    "L'Abergement-Clémenciat" → "l abergement clemenciat",
    "Saint-Étienne" → "st etienne", "STE-MARIE" → "ste marie".
    """
    text = str(text)
    # Most names are plain ASCII: lower() then does what normalize_name does, faster.
    words = SEPARATORS.sub(" ", text.lower()) if text.isascii() else normalize_name(text)
    return " ".join(ABBREVIATIONS.get(word, word) for word in words.split())


def _prefixes(text):
    """The beginnings of search_name that match what a member typed.

    The last word may be unfinished: "sain" is also looked for as "st".
    """
    key = search_key(text)
    if not key:
        return []
    prefixes = [key]
    *words, last = key.split()
    if len(last) >= SAINT_PREFIX and "sainte".startswith(last):
        prefixes += [" ".join([*words, "st"]), " ".join([*words, "ste"])]
    return prefixes


class CommuneQuerySet(models.QuerySet):
    def locatable(self):
        """The communes whose centre is known."""
        return self.filter(latitude__isnull=False, longitude__isnull=False)

    def by_insee(self, insee):
        """The commune of an INSEE code ("01001", "2A004"), or None."""
        return self.filter(insee=str(insee).strip().upper()).first()

    def by_postcode(self, postcode):
        """The communes served by a postcode, by name (one postcode may serve several)."""
        return self.filter(postcodes__code=str(postcode).strip()).order_by("search_name", "insee")

    def named(self, text):
        """The communes whose name is what was typed, ignoring case, accents,
        hyphens, apostrophes and "Saint"/"St"."""
        key = search_key(text)
        if not key:
            return self.none()
        return self.filter(search_name=key).order_by("department", "insee")

    def suggest(self, text, limit=SUGGESTIONS):
        """At most ``limit`` communes whose name begins with what was typed, for suggestions.

        "rou" → Rouen, Roubaix…; "st etienne", "saint-étienne" and "Saint Étienne"
        all find Saint-Étienne. The name typed in full comes first, then the
        others by name. Digits look for the beginning of a postcode ("760").
        """
        text = str(text).strip()
        if text.isdigit():
            if len(text) < 2 or len(text) > 5:
                return self.none()
            communes = Postcode.objects.filter(code__startswith=text).values("commune")
            return self.filter(pk__in=communes).order_by("search_name", "insee")[:limit]
        prefixes = _prefixes(text)
        if not prefixes:
            return self.none()
        matches = Q()
        for prefix in prefixes:
            # The range lets SQLite use the index (it cannot for LIKE); the
            # prefix test keeps the answer right under any collation.
            upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
            matches |= Q(search_name__gte=prefix, search_name__lt=upper) & Q(
                search_name__startswith=prefix
            )
        exact = Case(
            When(search_name__in=prefixes, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
        return (
            self.filter(matches)
            .annotate(exact=exact)
            .order_by("exact", "search_name", "department", "insee")[:limit]
        )

    def locate(self, text, limit=SUGGESTIONS):
        """The locatable communes a member means by what they typed, as a list.

        "76000", "Rouen", "rouen 76000", "76100 Rouen", "Saint-Denis 93":
        - a postcode alone: its communes;
        - a postcode and a name: the communes of the postcode whose name
          begins with it; if none, all the communes of the postcode (the
          postcode is trusted over the spelling);
        - a name (with a department code or not): the communes of that name;
          if none, the names beginning with it (at most ``limit``).
        Communes without coordinates are left out: they cannot be placed.
        """
        words = normalize_name(text).split()
        postcodes = [word for word in words if POSTCODE.fullmatch(word)]
        words = [word for word in words if word not in postcodes]
        departments = [word.upper() for word in words if DEPARTMENT.fullmatch(word)]
        if departments and len(departments) < len(words):
            words = [word for word in words if word.upper() not in departments]
        else:
            departments = []
        name = " ".join(words)
        communes = self.locatable()
        if postcodes:
            communes = communes.filter(postcodes__code__in=postcodes).distinct()
            if name:
                named = communes.filter(
                    pk__in=self.model.objects.suggest(name, limit=None).values("pk")
                )
                if named.exists():
                    communes = named
            return list(communes.order_by("search_name", "insee")[:limit])
        if not name:
            return []
        if departments:
            communes = communes.filter(department__in=departments)
        exact = list(communes.named(name)[:limit])
        return exact or list(communes.suggest(name, limit=limit))


class Commune(models.Model):
    """A French commune (or a municipal arrondissement of Paris, Lyon, Marseille)."""

    insee = models.CharField("code INSEE", max_length=5, unique=True)
    name = models.CharField("nom", max_length=100)
    search_name = models.CharField(
        "nom pour la recherche",
        max_length=100,
        db_index=True,
        help_text="Le nom en minuscules, sans accents ni tirets, « saint » écrit « st ».",
    )
    department = models.CharField("département", max_length=3)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = "commune"
        ordering = ["search_name", "insee"]
        constraints = [
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="commune_both_coordinates_or_none",
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.department})"

    def save(self, *args, **kwargs):
        self.search_name = search_key(self.name)
        super().save(*args, **kwargs)

    @property
    def is_locatable(self):
        """Whether the commune's centre is known (else it cannot be placed on a map)."""
        return self.latitude is not None and self.longitude is not None


class Postcode(models.Model):
    """One postcode serving one commune; a commune may have several, and a postcode
    serve several communes."""

    code = models.CharField("code postal", max_length=5, db_index=True)
    # Indexed by the unique constraint, which starts with it.
    commune = models.ForeignKey(
        Commune, on_delete=models.CASCADE, related_name="postcodes", db_index=False
    )

    class Meta:
        verbose_name = "code postal"
        verbose_name_plural = "codes postaux"
        constraints = [
            models.UniqueConstraint(fields=["commune", "code"], name="postcode_unique_per_commune")
        ]

    def __str__(self):
        return f"{self.code} {self.commune.name}"
