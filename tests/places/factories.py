import factory

from assure.places.models import Place

OFFICE_HOURS = {
    "monday": [["08:30", "12:00"], ["13:30", "16:30"]],
    "tuesday": [["08:30", "12:00"], ["13:30", "16:30"]],
    "wednesday": [["08:30", "12:00"], ["13:30", "16:30"]],
    "thursday": [["08:30", "12:00"], ["13:30", "16:30"]],
    "friday": [["08:30", "12:00"]],
    "saturday": [],
    "sunday": [],
}


class PlaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Place

    key = factory.Sequence(lambda n: f"PLACE-{n}")
    name = factory.Sequence(lambda n: f"Accueil {n}")
    kind = Place.ACCUEIL
    address = "12 rue de l'Exemple"
    postcode = "76000"
    city = "Rouen"
    latitude = 49.4431
    longitude = 1.0993
    hours = factory.LazyFunction(lambda: dict(OFFICE_HOURS))
