from django.core.management.base import BaseCommand
from django.db import transaction

from assure.members.demo import demo_identities, fictitious_members
from assure.members.models import Member


class Command(BaseCommand):
    help = (
        "Load fictitious members for the demo, if there are no members yet, "
        "and print three identities to try."
    )

    def handle(self, **options):
        with transaction.atomic():
            if Member.objects.exists():
                self.stdout.write("Members already present: no demo member loaded.")
            else:
                created = Member.objects.bulk_create(fictitious_members())
                self.stdout.write(self.style.SUCCESS(f"{len(created)} fictitious members loaded."))
        identities = [
            identity
            for identity in demo_identities()
            if Member.objects.filter(nir=identity.nir).exists()
        ]
        if identities:
            self.stdout.write("Identités fictives pour essayer « Je demande un code » :")
            for identity in identities:
                self.stdout.write(f"  - {identity}")
