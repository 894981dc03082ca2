from django.core.management.base import BaseCommand
from django.db import transaction

from assure.demo.communes import load_demo_communes
from assure.demo.directory import load_demo_directory
from assure.demo.members import demo_identities, fictitious_coverage, fictitious_members
from assure.demo.payments import load_demo_payments
from assure.demo.places import load_demo_places
from assure.members.models import Beneficiary, Member, RightsPeriod


class Command(BaseCommand):
    help = (
        "Load fictitious members, with their beneficiaries and rights periods, for the demo, "
        "if there are no members yet, and their payments of the last months (again: "
        "nothing changes, unless the day has), the fund's fictitious reception points and "
        "kiosks, fictitious health professionals with their sectors and fees; print three "
        "identities to try."
    )

    def handle(self, **options):
        with transaction.atomic():
            if Member.objects.exists():
                self.stdout.write("Members already present: no demo member loaded.")
            else:
                members = Member.objects.bulk_create(fictitious_members())
                beneficiaries, periods = fictitious_coverage(members)
                Beneficiary.objects.bulk_create(beneficiaries)
                RightsPeriod.objects.bulk_create(periods)
                self.stdout.write(
                    self.style.SUCCESS(
                        f"{len(members)} fictitious members loaded, with {len(beneficiaries)} "
                        f"beneficiaries and {len(periods)} rights periods."
                    )
                )
        communes = load_demo_communes()
        if communes:
            self.stdout.write(f"{communes} real communes loaded, with their postcodes.")
        payments = load_demo_payments()
        if payments is not None:
            self.stdout.write(f"Fictitious payments: {payments.summary()}")
        places = load_demo_places()
        if places is None:
            self.stdout.write("Places of the fund already present: no demo place loaded.")
        else:
            self.stdout.write(f"Fictitious reception points and kiosks: {places.summary()}")
        directory = load_demo_directory()
        if directory is None:
            self.stdout.write("Health professionals already present: no demo professional loaded.")
        else:
            professionals, fees = directory
            self.stdout.write(f"Fictitious health professionals: {professionals.summary()}")
            self.stdout.write(f"Their fictitious sectors and fees: {fees.summary()}")
        identities = [
            identity
            for identity in demo_identities()
            if Member.objects.filter(nir=identity.nir).exists()
        ]
        if identities:
            self.stdout.write("Identités fictives pour essayer « Je demande un code » :")
            for identity in identities:
                self.stdout.write(f"  - {identity}")
