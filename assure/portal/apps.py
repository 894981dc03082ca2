from django.apps import AppConfig


class PortalConfig(AppConfig):
    name = "assure.portal"
    verbose_name = "Portail"

    def ready(self):
        from . import checks  # noqa: F401  (registers the system checks)
