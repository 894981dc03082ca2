from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo and training mode: fictitious data and the commands that load it.

    `assure demo` (what `make demo` runs) migrates, loads the demo through
    `assure load_demo_members`, then runs the portal and the mail worker. The
    data modules (members, payments, communes, places, directory) go through
    each app's real import, so they pass its checks. No production module
    imports this package: it depends on the apps, never the other way round.
    """

    name = "assure.demo"
    verbose_name = "Démonstration"
