"""The demo payments, loaded by `assure load_demo_members` through the payments import."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from assure.demo.members import demo_identities, fictitious_members
from assure.demo.payments import demo_payments_file, load_demo_payments
from assure.members.models import Beneficiary, Member
from assure.payments.models import Payment, PaymentLine
from tests.members.factories import MemberFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def output():
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    return out.getvalue()


def named(index):
    return Member.objects.get(nir=[m.nir for m in fictitious_members(count=4)][index])


def test_every_demo_member_gets_payments_and_none_is_rejected(output):
    summary = re.search(r"Fictitious payments: (\d+) lines read, making (\d+) payments: .*", output)
    lines, payments = int(summary[1]), int(summary[2])
    assert summary[0].endswith(
        f"{payments} created, 0 updated, 0 unchanged, 0 rejected (0 lines not imported)."
    )
    assert payments > 1000
    assert PaymentLine.objects.count() == lines
    assert Payment.objects.values("member").distinct().count() == Member.objects.count() == 240
    assert {nature for nature, _ in Payment.NATURES} == set(
        Payment.objects.values_list("nature", flat=True).distinct()
    )


def test_loading_again_changes_nothing(output):
    before = list(Payment.objects.order_by("pk").values_list("pk", "reference", "amount"))
    out = io.StringIO()

    call_command("load_demo_members", stdout=out)

    assert f"0 created, 0 updated, {len(before)} unchanged, 0 rejected" in out.getvalue()
    assert list(Payment.objects.order_by("pk").values_list("pk", "reference", "amount")) == before


def test_the_last_fourteen_months_and_nothing_in_the_future(output, today):
    oldest = Payment.objects.order_by("paid_on").first().paid_on
    newest = Payment.objects.order_by("paid_on").last().paid_on
    assert today - datetime.timedelta(days=470) <= oldest <= today - datetime.timedelta(days=390)
    assert today - datetime.timedelta(days=20) <= newest <= today
    assert not PaymentLine.objects.filter(care_date__gt=today).exists()


def test_camille_martin_has_care_for_herself_her_spouse_and_children(output):
    camille = named(0)
    assert demo_identities()[0].nir == camille.nir
    payments = camille.payments.all()
    assert payments.count() >= 20
    whose = {p.beneficiary.first_names if p.beneficiary else None for p in payments}
    assert whose == {None, "Julien", "Léa Rose", "Hugo"}
    # Her own consultations: 30 € at 70 %, less the 2 € participation forfaitaire.
    consultation = PaymentLine.objects.filter(
        payment__member=camille, payment__beneficiary=None, act="Consultation médecin généraliste"
    ).first()
    assert (consultation.charged, consultation.rate, consultation.reimbursed) == (
        Decimal("30.00"),
        70,
        Decimal("21.00"),
    )
    assert (consultation.flat_fee, consultation.net) == (Decimal("2.00"), Decimal("19.00"))
    assert consultation.professional == camille.gp_name
    # Her children pay neither participation forfaitaire nor franchise.
    children = PaymentLine.objects.filter(
        payment__member=camille, payment__beneficiary__relationship=Beneficiary.CHILD
    )
    assert children.filter(act="Consultation pédiatre").exists()
    assert children.aggregate(Sum("flat_fee"), Sum("franchise")) == {
        "flat_fee__sum": Decimal("0"),
        "franchise__sum": Decimal("0"),
    }
    # A payment with several lines: the consultation and the medicines of the same day.
    assert any(payment.lines.count() > 1 for payment in payments)


def test_medicines_cost_a_franchise_of_one_euro_a_box(output):
    camille = named(0)
    for line in PaymentLine.objects.filter(
        payment__member=camille, payment__beneficiary=None, act__startswith="Médicaments"
    ):
        boxes = int(re.search(r"\((\d+) boîte", line.act)[1])
        assert line.franchise == boxes
        assert line.reimbursed == (line.base * line.rate / 100).quantize(Decimal("0.01"))


def test_helene_le_gall_has_daily_allowances_for_periods(output):
    helene = named(2)
    allowances = helene.payments.filter(nature=Payment.DAILY_ALLOWANCE)
    assert allowances.count() >= 2
    for payment in allowances:
        [line] = payment.lines.all()
        days = (line.end_date - line.care_date).days + 1
        assert 1 <= days <= 14
        assert f"{days} jours à 34,80 €" in line.act
        assert payment.amount == Decimal("34.80") * days
        assert payment.paid_on > line.end_date


def test_monthly_invalidity_pensions(output, today):
    antoine = named(3)
    pensions = antoine.payments.filter(nature=Payment.INVALIDITY)
    assert 13 <= pensions.count() <= 14
    for payment in pensions:
        [line] = payment.lines.all()
        assert payment.paid_on.day == 9
        assert line.care_date.day == 1
        assert line.end_date == payment.paid_on.replace(day=1) - datetime.timedelta(days=1)
        assert payment.amount == Decimal("612.30")
    assert (
        Payment.objects.filter(nature=Payment.INVALIDITY).values("member").distinct().count() == 2
    )


def test_no_demo_payments_on_a_registry_that_is_not_the_demo():
    call_command("load_demo_members", stdout=io.StringIO())
    Payment.objects.all().delete()
    MemberFactory()

    assert load_demo_payments() is None
    out = io.StringIO()
    call_command("load_demo_members", stdout=out)
    assert "Fictitious payments" not in out.getvalue()
    assert not Payment.objects.exists()


def test_the_same_members_the_same_day_give_the_same_file(output):
    members = list(Member.objects.order_by("pk").prefetch_related("beneficiaries"))
    first = "".join(demo_payments_file(members))
    assert first == "".join(demo_payments_file(members))
    assert first.count("\n") == PaymentLine.objects.count() + 1
