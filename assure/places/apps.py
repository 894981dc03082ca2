from django.apps import AppConfig


class PlacesConfig(AppConfig):
    name = "assure.places"
    verbose_name = "Points d'accueil et bornes"
