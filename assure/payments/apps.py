from django.apps import AppConfig


class PaymentsConfig(AppConfig):
    name = "assure.payments"
    verbose_name = "Mes paiements"
