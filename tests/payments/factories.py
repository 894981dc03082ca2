import datetime
from decimal import Decimal

import factory

from assure.payments.models import Payment, PaymentLine
from tests.members.factories import MemberFactory


class PaymentFactory(factory.django.DjangoModelFactory):
    """A payment of care with no lines; use ``PaymentLineFactory`` or ``with_line``.

    ``with_line=True`` adds one consultation line and sets the amount from it.
    """

    class Meta:
        model = Payment
        skip_postgeneration_save = True

    member = factory.SubFactory(MemberFactory)
    beneficiary = None
    reference = factory.Sequence(lambda n: f"PAI{n:09d}")
    paid_on = datetime.date(2026, 3, 2)
    nature = Payment.CARE
    amount = Decimal("0.00")

    @factory.post_generation
    def with_line(payment, create, extracted, **kwargs):
        if extracted:
            line = PaymentLineFactory(payment=payment, care_date=payment.paid_on, **kwargs)
            payment.amount = line.net
            payment.save(update_fields=["amount"])


class PaymentLineFactory(factory.django.DjangoModelFactory):
    """A general practitioner's consultation: 30 € charged, 70 %, 2 € flat fee."""

    class Meta:
        model = PaymentLine

    payment = factory.SubFactory(PaymentFactory)
    position = factory.Sequence(lambda n: n + 1)
    care_date = datetime.date(2026, 2, 27)
    end_date = None
    act = "Consultation médecin généraliste"
    professional = "Dr Jeanne Roux"
    charged = Decimal("30.00")
    base = Decimal("30.00")
    rate = 70
    reimbursed = Decimal("21.00")
    flat_fee = Decimal("2.00")
    franchise = Decimal("0.00")
