from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "assure.members"
    verbose_name = "Registre des assurés"
