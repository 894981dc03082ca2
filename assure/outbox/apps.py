from django.apps import AppConfig


class OutboxConfig(AppConfig):
    name = "assure.outbox"
    verbose_name = "Courriers et e-mails"
