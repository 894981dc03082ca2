"""Health professionals and where they practise, from the RPPS open-data file.

One ``PracticePlace`` per professional (RPPS number) and practice place: a
doctor working in two surgeries appears twice. A place is located at its
commune's centre (no geocoding service is called), so ``latitude`` and
``longitude`` are those of ``assure.geography.Commune``, or None when the
commune is unknown.

Finding "the 20 nearest of kind X within R km" (``PracticePlace.objects.near``)
uses a grid: ``cell`` numbers the square of ``CELL_DEGREES`` (0.1°, about
11 km north-south) holding the place, and the index (kind, cell, latitude,
longitude, id) holds the places of one kind square by square, with their
position and id: the search reads the index alone.
See ``PracticePlaceQuerySet.near``.
"""

import heapq
import math
from functools import lru_cache

from django.db import connections, models
from django.db.models import Count, F

from assure.lib.french import euros
from assure.lib.geo import EARTH_RADIUS_KM, KM_PER_DEGREE, haversine_km
from assure.lib.names import normalize_name

CELL_DEGREES = 0.1
# Cell number = row * CELL_COLUMNS + column, rows counted from the South Pole,
# columns from the antimeridian.
CELL_COLUMNS = round(360 / CELL_DEGREES)
CELL_ROWS = round(180 / CELL_DEGREES)
# Candidates read back from the database per place wanted (see ``near``).
CANDIDATES_PER_RESULT = 2
EXTRA_CANDIDATES = 20
# ``near`` looks within this fraction of the radius first (see there).
FIRST_STEP = 0.25


def cell_of(latitude, longitude):
    """The grid cell of a point (None when it is not located)."""
    if latitude is None or longitude is None:
        return None
    row = min(CELL_ROWS - 1, math.floor((latitude + 90) / CELL_DEGREES))
    column = math.floor((longitude + 180) / CELL_DEGREES) % CELL_COLUMNS
    return row * CELL_COLUMNS + column


def cells_around(latitude, longitude, d_latitude, d_longitude):
    """The cells covering the box latitude ± d_latitude, longitude ± d_longitude."""
    low = max(0, math.floor((latitude - d_latitude + 90) / CELL_DEGREES))
    high = min(CELL_ROWS - 1, math.floor((latitude + d_latitude + 90) / CELL_DEGREES))
    if d_longitude >= 180:
        columns = range(CELL_COLUMNS)
    else:
        west = math.floor((longitude - d_longitude + 180) / CELL_DEGREES)
        east = math.floor((longitude + d_longitude + 180) / CELL_DEGREES)
        columns = sorted({column % CELL_COLUMNS for column in range(west, east + 1)})
    return [row * CELL_COLUMNS + column for row in range(low, high + 1) for column in columns]


class PracticePlaceQuerySet(models.QuerySet):
    def located(self):
        return self.filter(cell__isnull=False)

    def kinds(self):
        """The kinds of professional present ("Chirurgien-dentiste", "Médecin généraliste"…),
        each once, in alphabetical order (accents and case ignored).

        Asked on every search page, so it must not read the table: a recursive
        query hops from one kind to the next in the index (kind, cell,
        latitude, longitude, id), one index descent per kind ("loose index scan"),
        whatever the number of places. A filtered queryset (``.filter(…)``)
        falls back to an ordinary DISTINCT over its rows.
        """
        if self.query.where:
            found = self.order_by().values_list("kind", flat=True).distinct()
        else:
            table = connections[self.db].ops.quote_name(self.model._meta.db_table)
            # Only the model's quoted table name is formatted in.
            sql = f"""
                WITH RECURSIVE kinds(kind) AS (
                    SELECT (SELECT kind FROM {table} ORDER BY kind LIMIT 1)
                    UNION ALL
                    SELECT (SELECT kind FROM {table} WHERE kind > kinds.kind
                            ORDER BY kind LIMIT 1)
                    FROM kinds WHERE kinds.kind IS NOT NULL
                )
                SELECT kind FROM kinds WHERE kind IS NOT NULL
            """  # noqa: S608
            with connections[self.db].cursor() as cursor:
                cursor.execute(sql)
                found = [kind for (kind,) in cursor.fetchall()]
        return list(in_french_order(tuple(found)))

    def near(self, kind, latitude, longitude, radius_km, limit=20):
        """The ``limit`` places of ``kind`` nearest to a point within ``radius_km``, as a list,
        nearest first (then by id), each with ``distance_km`` (great-circle distance) set.

        Where places are many (a city), the nearest are found close by: one
        query reads the candidates within ``radius_km * FIRST_STEP`` and,
        only when fewer than ``limit`` of them are surely that close (a
        condition the database tests once, before reading anything more),
        those within the whole radius. A place outside the close box is
        farther than its radius, so ``limit`` places found within it are the
        nearest. The work follows the places of that kind near the point,
        never the size of the table.

        Query plan, for each radius: the index (kind, cell, latitude,
        longitude, id) is read for the few cells covering the box around the
        point (about 30 for 20 km in metropolitan France: ``kind = %s AND
        cell IN (…) AND latitude BETWEEN``, one index range a cell). The
        entries found are filtered by the box's longitudes and sorted by a
        flat approximation of the distance (degrees of longitude shortened by
        the cosine of the point's latitude) from the index alone; only the
        first ``limit * CANDIDATES_PER_RESULT + EXTRA_CANDIDATES`` positions
        are read back, then the ``limit`` chosen rows by primary key.

        Python computes the great-circle distances. The flat one may be off by
        a known fraction (``_flat_error``); when a place left out of the
        candidates could still be nearer than those kept (many places share a
        commune's centre), the positions within that margin are read grouped,
        with their number of places (``_at_nearest_positions``), so the answer
        is always exact and the work still bounded by the number of positions.
        """
        cap = limit * CANDIDATES_PER_RESULT + EXTRA_CANDIDATES
        close_km = radius_km * FIRST_STEP
        close, whole = (self._box(kind, latitude, longitude, km) for km in (close_km, radius_km))
        # The whole box is read only when fewer than ``limit`` of the close box's
        # candidates are surely within close_km (the flat distance may understate):
        # else its LIMIT is 0, which SQLite and PostgreSQL test before reading.
        surely = (close_km * (1 - self._flat_error(latitude, close_km)) / KM_PER_DEGREE) ** 2
        columns = ("pk", "latitude", "longitude", "flat")
        close_sql, close_params = close.values_list(*columns)[:cap].query.sql_with_params()
        whole_sql, whole_params = whole.values_list(*columns).query.sql_with_params()
        # Only SQL the ORM wrote for these querysets is formatted in; values are parameters.
        sql = (
            f"WITH near_places AS ({close_sql}) "  # noqa: S608
            "SELECT 0, * FROM near_places UNION ALL "
            f"SELECT 1, * FROM ({whole_sql} LIMIT CASE WHEN "
            "(SELECT COUNT(*) FROM near_places WHERE flat <= %s) < %s THEN %s ELSE 0 END"
            ") whole_box"
        )
        whole_params = (*whole_params, surely, limit, cap)
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, (*close_params, *whole_params))
            rows = cursor.fetchall()
        nearest = self._nearest_in(
            close, [row[1:] for row in rows if row[0] == 0], latitude, longitude, close_km, limit
        )
        if len(nearest) < limit:
            nearest = self._nearest_in(
                whole, [row[1:] for row in rows if row[0] == 1], latitude, longitude, radius_km,
                limit,
            )  # fmt: skip
        rows = self.model.objects.in_bulk([pk for _, pk in nearest])
        found = []
        for distance, pk in nearest:
            place = rows[pk]
            place.distance_km = distance
            found.append(place)
        return found

    def _box(self, kind, latitude, longitude, radius_km):
        """The places of ``kind`` in the box around the point holding the circle of
        ``radius_km``, with their flat distance ``flat`` (squared degrees), nearest first."""
        d_latitude = radius_km / KM_PER_DEGREE
        widest = math.cos(math.radians(min(89.9, abs(latitude) + d_latitude)))
        d_longitude = radius_km / (KM_PER_DEGREE * widest)
        places = self.filter(
            kind=kind,
            cell__in=cells_around(latitude, longitude, d_latitude, d_longitude),
            latitude__gte=latitude - d_latitude,
            latitude__lte=latitude + d_latitude,
        )
        if d_longitude < 180 and -180 <= longitude - d_longitude and longitude + d_longitude <= 180:
            places = places.filter(
                longitude__gte=longitude - d_longitude, longitude__lte=longitude + d_longitude
            )
        shrink = math.cos(math.radians(latitude))
        flat = (F("latitude") - latitude) * (F("latitude") - latitude) + (
            (F("longitude") - longitude) * shrink
        ) * ((F("longitude") - longitude) * shrink)
        return places.annotate(flat=flat).order_by("flat", "pk")

    def _nearest_in(self, places, candidates, latitude, longitude, radius_km, limit):
        """[(distance_km, pk)] of the ``limit`` places nearest to the point within
        ``radius_km``, nearest first (then by id), from the first ``candidates`` of
        ``places`` (a ``_box``) by flat distance."""
        nearest = self._nearest(candidates, latitude, longitude, radius_km, limit)
        if len(candidates) == limit * CANDIDATES_PER_RESULT + EXTRA_CANDIDATES:
            # A place not read has a flat distance at least the last one's.
            error = self._flat_error(latitude, radius_km)
            bound = nearest[-1][0] if len(nearest) == limit else radius_km
            last_km = math.sqrt(candidates[-1][3]) * KM_PER_DEGREE
            if last_km * (1 - error) <= bound:
                within = (bound / (1 - error) / KM_PER_DEGREE) ** 2
                candidates = self._at_nearest_positions(
                    places.filter(flat__lte=within), latitude, longitude, radius_km, limit
                )
                nearest = self._nearest(candidates, latitude, longitude, radius_km, limit)
        return nearest

    @staticmethod
    def _at_nearest_positions(places, latitude, longitude, radius_km, limit):
        """Candidates among ``places`` when many share a position (a commune's centre).

        The positions are read with their number of places (one row each,
        whatever that number), the nearest kept until they hold ``limit``
        places (and those as near as the last one), then the first ``limit``
        places of each by id: one query per position kept.
        """
        positions = sorted(
            (haversine_km(latitude, longitude, place_latitude, place_longitude), count, position)
            for *position, count in places.order_by()
            .values_list("latitude", "longitude")
            .annotate(count=Count("pk"))
            for place_latitude, place_longitude in [position]
        )
        kept, total = [], 0
        for distance, count, position in positions:
            if distance > radius_km or (total >= limit and distance > kept[-1][0]):
                break
            kept.append((distance, position))
            total += count
        candidates = []
        for _, (place_latitude, place_longitude) in kept:
            candidates += (
                places.filter(latitude=place_latitude, longitude=place_longitude)
                .order_by("pk")
                .values_list("pk", "latitude", "longitude", "flat")[:limit]
            )
        return candidates

    @staticmethod
    def _nearest(candidates, latitude, longitude, radius_km, limit):
        """[(distance_km, pk)] of the ``limit`` nearest candidates within the radius."""
        distances = []
        for pk, place_latitude, place_longitude, _ in candidates:
            distance = haversine_km(latitude, longitude, place_latitude, place_longitude)
            if distance <= radius_km:
                distances.append((distance, pk))
        return heapq.nsmallest(limit, distances)

    @staticmethod
    def _flat_error(latitude, radius_km):
        """How far below the great-circle distance the flat one may be, as a fraction:
        the cosine of the latitude changes across the box, and the Earth is round."""
        d_latitude = radius_km / KM_PER_DEGREE
        here = math.cos(math.radians(latitude))
        extreme = math.cos(math.radians(min(89.9, abs(latitude) + d_latitude)))
        return min(0.5, (1 - extreme / here) + (radius_km / EARTH_RADIUS_KM) ** 2 + 0.01)


class PracticePlace(models.Model):
    """One health professional at one practice place (``assure import_directory``)."""

    rpps = models.CharField("numéro RPPS", max_length=11)
    place_key = models.CharField(
        "identifiant du lieu",
        max_length=40,
        help_text="L'identifiant technique de la structure, sinon « SIRET: » ou « FINESS: » "
        "suivi du numéro, sinon « ADR: » suivi d'une empreinte de l'adresse.",
    )
    title = models.CharField("titre", max_length=10, blank=True)
    last_name = models.CharField("nom", max_length=100)
    first_name = models.CharField("prénom", max_length=100, blank=True)
    search_name = models.CharField(
        "nom et prénom pour la recherche",
        max_length=201,
        blank=True,
        help_text="En minuscules sans accents (geography.models.search_key).",
    )
    profession = models.CharField("profession", max_length=100)
    specialty = models.CharField("savoir-faire", max_length=150, blank=True)
    kind = models.CharField(
        "type de professionnel", max_length=100, help_text="Ce que les assurés recherchent."
    )
    structure = models.CharField("structure", max_length=200, blank=True)
    address = models.TextField("adresse", blank=True)
    postcode = models.CharField("code postal", max_length=5)
    insee = models.CharField("code commune", max_length=5)
    city = models.CharField("commune", max_length=100)
    phone = models.CharField("téléphone", max_length=30, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    cell = models.IntegerField("case de la grille", null=True, blank=True)

    objects = PracticePlaceQuerySet.as_manager()

    # What an import sets (``rpps`` and ``place_key`` identify the row).
    UPDATABLE = (
        "title", "last_name", "first_name", "search_name", "profession", "specialty", "kind",
        "structure", "address", "postcode", "insee", "city", "phone", "latitude", "longitude",
        "cell",
    )  # fmt: skip

    class Meta:
        verbose_name = "lieu d'exercice d'un professionnel de santé"
        verbose_name_plural = "lieux d'exercice des professionnels de santé"
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["rpps", "place_key"], name="practice_place_unique")
        ]
        indexes = [
            # With the id, ``near`` reads the index alone (an index-only scan on
            # PostgreSQL; SQLite's indexes hold the rowid, the id, anyway).
            models.Index(
                fields=["kind", "cell", "latitude", "longitude", "id"],
                name="practice_place_kind_cell",
            )
        ]

    def __str__(self):
        return self.full_name

    @property
    def full_name(self):
        """ "Dr Marie Martin"."""
        return " ".join(part for part in (self.title, self.first_name, self.last_name) if part)

    @property
    def distance_text(self):
        """ "à 2,4 km", or "dans la commune recherchée" at its centre (set by ``near``)."""
        if self.distance_km < 0.1:
            return "dans la commune recherchée"
        return f"à {self.distance_km:.1f} km".replace(".", ",")

    @property
    def is_located(self):
        return self.latitude is not None and self.longitude is not None


class ConventionQuerySet(models.QuerySet):
    def attach_to(self, places):
        """Sets ``convention`` (a ``Convention`` or None) on each of ``places``,
        in one query; returns ``places``."""
        conventions = {c.rpps: c for c in self.filter(rpps__in={place.rpps for place in places})}
        for place in places:
            place.convention = conventions.get(place.rpps)
        return places


class Convention(models.Model):
    """A professional's convention sector and usual fees, from the fund's optional
    file keyed by RPPS number (``assure import_fees``, format in docs/formats.md).
    It applies at each of the professional's practice places."""

    SECTOR_1 = "1"
    SECTOR_2 = "2"
    NOT_CONTRACTED = "non-conventionne"
    SECTORS = [
        (SECTOR_1, "Conventionné secteur 1"),
        (SECTOR_2, "Conventionné secteur 2 (honoraires libres)"),
        (NOT_CONTRACTED, "Non conventionné"),
    ]

    rpps = models.CharField("numéro RPPS", max_length=11, unique=True)
    sector = models.CharField("secteur de convention", max_length=20, choices=SECTORS)
    optam = models.BooleanField(
        "adhérent à l'OPTAM",
        default=False,
        help_text="Option de pratique tarifaire maîtrisée : des dépassements d'honoraires "
        "limités et mieux remboursés.",
    )
    fee_min = models.DecimalField(
        "tarif habituel d'une consultation (à partir de)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )
    fee_max = models.DecimalField(
        "tarif habituel d'une consultation (jusqu'à)",
        max_digits=7,
        decimal_places=2,
        null=True,
        blank=True,
    )

    objects = ConventionQuerySet.as_manager()

    UPDATABLE = ("sector", "optam", "fee_min", "fee_max")

    class Meta:
        verbose_name = "convention et tarifs d'un professionnel"
        verbose_name_plural = "conventions et tarifs des professionnels"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(fee_min__isnull=True)
                | models.Q(fee_max__isnull=True)
                | models.Q(fee_min__lte=F("fee_max")),
                name="convention_fees_in_order",
            )
        ]

    def __str__(self):
        return f"{self.rpps} : {self.get_sector_display()}"

    @property
    def sector_text(self):
        """ "Conventionné secteur 2 (honoraires libres), adhérent à l'OPTAM"."""
        text = self.get_sector_display()
        return f"{text}, adhérent à l'OPTAM" if self.optam else text

    @property
    def fees_text(self):
        """ "30,00 €", "de 50,00 € à 70,00 €", or "" when the file gives no fee."""
        low, high = self.fee_min, self.fee_max
        if low is None and high is None:
            return ""
        if low is None or high is None or low == high:
            return euros(low if high is None else high)
        return f"de {euros(low)} à {euros(high)}"


@lru_cache(maxsize=64)
def in_french_order(kinds):
    """Kinds sorted with accents and case ignored, remembered by the process:
    the same few dozen on every search page (12 normalize_name() were a tenth
    of the blank page of « Trouver un médecin »)."""
    return tuple(sorted(kinds, key=lambda kind: (normalize_name(kind), kind)))
