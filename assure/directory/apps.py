from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "assure.directory"
    verbose_name = "Annuaire des professionnels de santé"
