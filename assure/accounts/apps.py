from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "assure.accounts"
    verbose_name = "Comptes"

    def ready(self):
        from django.contrib.auth.models import update_last_login
        from django.contrib.auth.signals import user_logged_in

        # Sign-ins are SecurityEvent rows (time, address, device); a second
        # copy in User.last_login would be one more write on the hot path.
        user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")

        from . import jobs  # noqa: F401  (registers the worker's job)
