from django.apps import AppConfig


class AttestationsConfig(AppConfig):
    name = "assure.attestations"
    verbose_name = "Mes attestations"
