import math

from django.db import models
from django.utils import timezone

from assure.lib.geo import KM_PER_DEGREE, haversine_km

from . import hours as opening


class PlaceQuerySet(models.QuerySet):
    def active(self):
        return self.filter(active=True)

    def near(self, latitude, longitude, radius_km):
        """The places within ``radius_km`` of a point, nearest first, as a list.

        The database keeps the places of a latitude/longitude box around the
        point (indexed); the great-circle distance is then computed in Python
        and set on each place as ``distance_km``.
        """
        d_latitude = radius_km / KM_PER_DEGREE
        box = self.filter(latitude__gte=latitude - d_latitude, latitude__lte=latitude + d_latitude)
        widest = math.cos(math.radians(min(89.9, abs(latitude) + d_latitude)))
        d_longitude = radius_km / (KM_PER_DEGREE * widest)
        if d_longitude < 180 and -180 <= longitude - d_longitude and longitude + d_longitude <= 180:
            box = box.filter(
                longitude__gte=longitude - d_longitude, longitude__lte=longitude + d_longitude
            )
        places = []
        for place in box:
            place.distance_km = haversine_km(latitude, longitude, place.latitude, place.longitude)
            if place.distance_km <= radius_km:
                places.append(place)
        places.sort(key=lambda place: (place.distance_km, place.name, place.pk))
        return places


class Place(models.Model):
    """One of the fund's reception points or self-service kiosks (``assure import_places``)."""

    ACCUEIL = "accueil"
    BORNE = "borne"
    KINDS = [(ACCUEIL, "Point d'accueil"), (BORNE, "Borne libre-service")]

    key = models.CharField("identifiant", max_length=40, unique=True)
    name = models.CharField("nom", max_length=150)
    kind = models.CharField("type", max_length=10, choices=KINDS)
    address = models.TextField("adresse")
    postcode = models.CharField("code postal", max_length=5)
    city = models.CharField("commune", max_length=100)
    latitude = models.FloatField()
    longitude = models.FloatField()
    phone = models.CharField("téléphone", max_length=20, blank=True)
    services = models.JSONField("services", default=list, blank=True)
    hours = models.JSONField("horaires", default=dict, blank=True)
    notes = models.CharField("remarques", max_length=500, blank=True)
    active = models.BooleanField("en service", default=True)

    objects = PlaceQuerySet.as_manager()

    # What an import sets (``key`` identifies the place).
    UPDATABLE = (
        "name", "kind", "address", "postcode", "city", "latitude", "longitude",
        "phone", "services", "notes", "hours", "active",
    )  # fmt: skip

    class Meta:
        verbose_name = "point d'accueil ou borne"
        verbose_name_plural = "points d'accueil et bornes"
        ordering = ["name", "pk"]
        indexes = [models.Index(fields=["latitude", "longitude"], name="place_position")]

    def __str__(self):
        return self.name

    def hours_on(self, day):
        """The [start, end] intervals (``"HH:MM"``) of the weekday of ``day``; [] closed."""
        return [tuple(interval) for interval in self.hours.get(opening.WEEKDAYS[day.weekday()], [])]

    def is_open_at(self, moment):
        """Whether the place is open at an aware datetime (read in local time)."""
        local = timezone.localtime(moment)
        now = local.hour * 60 + local.minute
        return any(
            opening.minutes(start) <= now < opening.minutes(end)
            for start, end in self.hours_on(local.date())
        )

    def today_text(self, now=None):
        """ "Ouvert aujourd'hui de 8 h 30 à 12 h et de 13 h 30 à 16 h 30", "Fermé aujourd'hui"
        or "Ouvert 24 h sur 24" (the day of ``now``, local time)."""
        intervals = self.hours_on(timezone.localdate(now))
        if not intervals:
            return "Fermé aujourd'hui"
        if intervals == [("00:00", "24:00")]:
            return "Ouvert 24 h sur 24"
        return f"Ouvert aujourd'hui {opening.french_intervals(intervals)}"

    def open_now_text(self, now=None):
        """ "Ouvert maintenant, jusqu'à 12 h", "Fermé maintenant, ouvre à 13 h 30",
        "Fermé maintenant, ouvre lundi à 8 h 30"… at ``now`` (aware; default: now)."""
        return opening.open_now_text(self.hours, timezone.localtime(now))
