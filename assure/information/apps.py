from django.apps import AppConfig


class InformationConfig(AppConfig):
    name = "assure.information"
    verbose_name = "Mes informations"
