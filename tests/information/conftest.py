import datetime

import pytest

from assure.members.models import Beneficiary, RightsPeriod

TODAY = datetime.date(2026, 3, 15)
IBAN = "FR7630006000011234567890189"


@pytest.fixture
def alice_file(alice):
    """Alice's full file: phone, GP, IBAN, CSS, rights past and present, two children."""
    alice.phone = "+33199001001"
    alice.gp_name = "Dr Jeanne Roux"
    alice.iban = IBAN
    alice.css_start = datetime.date(2026, 1, 1)
    alice.css_end = datetime.date(2026, 12, 31)
    alice.address = "Appartement 4\n12 rue des Lilas"
    alice.save()
    RightsPeriod.objects.create(
        member=alice,
        start=datetime.date(2015, 9, 1),
        end=datetime.date(2019, 12, 31),
        regime="Régime étudiant",
        fund="Caisse de démonstration de Caen",
    )
    RightsPeriod.objects.create(
        member=alice,
        start=datetime.date(2020, 1, 1),
        regime="Régime général",
        fund="Caisse de démonstration de Rouen",
    )
    lucas = Beneficiary.objects.create(
        member=alice,
        rank=1,
        relationship=Beneficiary.CHILD,
        last_name="Martin",
        first_names="Lucas",
        birth_date=datetime.date(2012, 4, 1),
    )
    RightsPeriod.objects.create(
        member=alice,
        beneficiary=lucas,
        start=datetime.date(2012, 4, 1),
        end=datetime.date(2030, 3, 31),
        regime="Régime général",
        fund="Caisse de démonstration de Rouen",
    )
    Beneficiary.objects.create(
        member=alice,
        rank=2,
        relationship=Beneficiary.SPOUSE,
        last_name="Martin",
        first_names="Paul",
        birth_date=datetime.date(1982, 7, 20),
    )
    return alice
