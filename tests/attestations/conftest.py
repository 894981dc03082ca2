import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from pypdf import PdfReader

from assure.members.models import Beneficiary, RightsPeriod
from assure.payments.models import Payment
from tests.payments.factories import PaymentFactory, PaymentLineFactory

TODAY = datetime.date(2026, 3, 15)
NOW = datetime.datetime(2026, 3, 15, 10, tzinfo=datetime.UTC)
FUND = "Caisse de démonstration de Rouen"


@pytest.fixture(autouse=True)
def today(request):
    """Today is 15 March 2026, except in browser tests (the live server's
    thread would not see a frozen clock consistently with the browser)."""
    if request.node.get_closest_marker("browser"):
        yield None
        return
    with time_machine.travel(NOW, tick=False):
        yield TODAY


def add_rights(member, start, end=None, beneficiary=None, regime="Régime général", fund=FUND):
    return RightsPeriod.objects.create(
        member=member, beneficiary=beneficiary, start=start, end=end, regime=regime, fund=fund
    )


def add_child(member, rank, first_names, born, rights=True):
    child = Beneficiary.objects.create(
        member=member,
        rank=rank,
        relationship=Beneficiary.CHILD,
        last_name=member.last_name,
        first_names=first_names,
        birth_date=born,
    )
    if rights:
        add_rights(member, born, datetime.date(born.year + 20, born.month, 1), beneficiary=child)
    return child


@pytest.fixture
def family(alice):
    """Alice (NIR 2 84 12 75 …), current rights, CSS, GP; Lucas (child) with
    rights; Paul (spouse) whose rights ended; and past rights of her own."""
    alice.gp_name = "Dr Jeanne Roux"
    alice.css_start = datetime.date(2026, 1, 1)
    alice.css_end = datetime.date(2026, 12, 31)
    alice.save()
    add_rights(alice, datetime.date(2015, 9, 1), datetime.date(2019, 12, 31), regime="Étudiant")
    add_rights(alice, datetime.date(2020, 1, 1))
    add_child(alice, 1, "Lucas", datetime.date(2012, 4, 1))
    paul = Beneficiary.objects.create(
        member=alice,
        rank=2,
        relationship=Beneficiary.SPOUSE,
        last_name="Martin",
        first_names="Paul",
        birth_date=datetime.date(1982, 7, 20),
    )
    add_rights(alice, datetime.date(2010, 1, 1), datetime.date(2020, 6, 30), beneficiary=paul)
    return alice


def daily_allowance(member, start, end, amount, paid_on, position=1, payment=None):
    """One daily-allowance payment (or one more line of `payment`) for [start, end]."""
    if payment is None:
        payment = PaymentFactory(
            member=member, nature=Payment.DAILY_ALLOWANCE, paid_on=paid_on, amount=Decimal(0)
        )
    PaymentLineFactory(
        payment=payment,
        position=position,
        care_date=start,
        end_date=end,
        act="Indemnités journalières maladie",
        professional="",
        charged=Decimal(amount),
        base=Decimal(amount),
        rate=50,
        reimbursed=Decimal(amount),
        flat_fee=Decimal(0),
    )
    payment.amount += Decimal(amount)
    payment.save(update_fields=["amount"])
    return payment


@pytest.fixture
def allowances(alice):
    """Sick leave from 5 January to 28 February 2026, paid in two parts, plus
    a care payment (not a daily allowance) in the same weeks."""
    january = daily_allowance(
        alice,
        datetime.date(2026, 1, 5),
        datetime.date(2026, 1, 31),
        "1138.59",
        datetime.date(2026, 2, 3),
    )
    february = daily_allowance(
        alice,
        datetime.date(2026, 2, 1),
        datetime.date(2026, 2, 28),
        "1180.76",
        datetime.date(2026, 3, 3),
    )
    PaymentFactory(member=alice, paid_on=datetime.date(2026, 1, 20), with_line=True)
    return january, february


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader
