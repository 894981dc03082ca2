from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "assure.accounts"
    verbose_name = "Comptes"
