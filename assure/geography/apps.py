from django.apps import AppConfig


class GeographyConfig(AppConfig):
    name = "assure.geography"
    verbose_name = "Communes et codes postaux"
