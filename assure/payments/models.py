import datetime
from decimal import Decimal

from django.db import models
from django.db.models import Count, Q, Sum
from django.db.models.functions import TruncMonth

from assure.members.models import Beneficiary, Member

# The value of the beneficiary filter for payments about the member themself.
SELF = "self"


def month_start(day):
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(month, count):
    """The first day of the month `count` months after `month`'s (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


class PaymentQuerySet(models.QuerySet):
    """Queries on payments; used through the member (`member.payments.filter_for(…)`),
    so that they read one member's rows through the (member, -paid_on, -id) index."""

    @staticmethod
    def matching(*, beneficiary=None, nature="", start=None, end=None):
        """The filters of « Mes paiements » as a Q object.

        `beneficiary`: None for everyone, `SELF` for the member themself, or a
        `Beneficiary`; `nature`: "" for every nature; `start`, `end`: dates of
        payment, both included, or None.
        """
        q = Q()
        if beneficiary == SELF:
            q &= Q(beneficiary=None)
        elif beneficiary is not None:
            q &= Q(beneficiary=beneficiary)
        if nature:
            q &= Q(nature=nature)
        if start is not None:
            q &= Q(paid_on__gte=start)
        if end is not None:
            q &= Q(paid_on__lte=end)
        return q

    def filter_for(self, **filters):
        """Payments matching the filters of « Mes paiements » (see `matching`)."""
        return self.filter(self.matching(**filters))

    def in_month(self, month):
        """Payments made in `month`'s month."""
        first = month_start(month)
        return self.filter(paid_on__gte=first, paid_on__lt=add_months(first, 1))

    def monthly_totals(self, first_month, months, **filters):
        """[(first day of the month, total, payments), …] for `months` months
        from `first_month`, oldest first: the total amount of the payments
        matching `filters` (see `matching`) and the number of payments of any
        kind. Months without payments are at zero. One aggregate query."""
        first = month_start(first_month)
        end = add_months(first, months)
        rows = (
            self.filter(paid_on__gte=first, paid_on__lt=end)
            .annotate(month=TruncMonth("paid_on"))
            .order_by()
            .values("month")
            .annotate(total=Sum("amount", filter=self.matching(**filters)), payments=Count("*"))
            .values_list("month", "total", "payments")
        )
        found = {month: (total, count) for month, total, count in rows}
        zero = Decimal("0.00")
        summary = []
        for n in range(months):
            month = add_months(first, n)
            total, count = found.get(month, (None, 0))
            summary.append((month, zero if total is None else total, count))
        return summary


class Payment(models.Model):
    """A payment the fund made to a member (imported from the fund's payment feed).

    Its amount is what reached the bank account: the sum of its lines'
    reimbursed amounts, less their participations forfaitaires and franchises.
    """

    CARE = "care"
    DAILY_ALLOWANCE = "daily_allowance"
    INVALIDITY = "invalidity"
    ANNUITY = "annuity"
    OTHER = "other"
    NATURES = [
        (CARE, "Remboursement de soins"),
        (DAILY_ALLOWANCE, "Indemnités journalières"),
        (INVALIDITY, "Pension d'invalidité"),
        (ANNUITY, "Rente"),
        (OTHER, "Autre prestation"),
    ]

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="payments")
    # None: the care or benefit concerned the member themself.
    beneficiary = models.ForeignKey(
        Beneficiary, null=True, blank=True, on_delete=models.SET_NULL, related_name="payments"
    )
    # The fund's own reference of the payment: the import key.
    reference = models.CharField("référence", max_length=30, unique=True)
    paid_on = models.DateField("date du paiement")
    nature = models.CharField("nature", max_length=20, choices=NATURES)
    amount = models.DecimalField("montant versé", max_digits=10, decimal_places=2)

    objects = PaymentQuerySet.as_manager()

    # The labels of NATURES by value: faster than get_nature_display() on long lists.
    NATURE_LABELS = dict(NATURES)

    class Meta:
        verbose_name = "paiement"
        ordering = ["-paid_on", "-id"]
        indexes = [
            models.Index(fields=["member", "-paid_on", "-id"], name="payment_member_newest"),
        ]

    def __str__(self):
        return f"{self.get_nature_display()} du {self.paid_on:%d/%m/%Y} ({self.reference})"

    @property
    def nature_label(self):
        return self.NATURE_LABELS.get(self.nature, self.nature)

    def beneficiary_name(self, member):
        """Who the payment is about, as the member reads it: "Alice (vous-même)"
        or "Lucas Martin". `member` is the payment's member (already loaded)."""
        if self.beneficiary is None:
            return f"{member.first_name} (vous-même)"
        return f"{self.beneficiary.first_names} {self.beneficiary.last_name}"

    @staticmethod
    def totals(lines):
        """The sums of `lines` (PaymentLine objects) as a dict: charged,
        reimbursed, flat_fee, franchise and net."""
        fields = ("charged", "reimbursed", "flat_fee", "franchise", "net")
        sums = dict.fromkeys(fields, Decimal("0.00"))
        for line in lines:
            for field in fields:
                sums[field] += getattr(line, field)
        return sums


class PaymentLine(models.Model):
    """One act (or one period of a benefit) in a payment.

    For care: the date of care, the act, the professional, what was charged,
    the reimbursement base (base de remboursement), the rate, what the fund
    reimbursed and what it deducted. For daily allowances and other benefits:
    the period covered (`care_date` to `end_date`), the base and the amount.
    """

    # No index of its own: the unique (payment, position) constraint serves it.
    payment = models.ForeignKey(
        Payment, on_delete=models.CASCADE, related_name="lines", db_index=False
    )
    # The line's order within the payment (1, 2, …).
    position = models.PositiveSmallIntegerField("n°")
    care_date = models.DateField("date des soins")
    # Last day of a period (daily allowances, pensions); None for a single act.
    end_date = models.DateField("jusqu'au", null=True, blank=True)
    act = models.CharField("acte", max_length=150)
    professional = models.CharField("professionnel de santé", max_length=150, blank=True)
    charged = models.DecimalField("montant payé", max_digits=10, decimal_places=2)
    base = models.DecimalField("base de remboursement", max_digits=10, decimal_places=2)
    rate = models.PositiveSmallIntegerField("taux (%)")
    reimbursed = models.DecimalField("montant remboursé", max_digits=10, decimal_places=2)
    flat_fee = models.DecimalField(
        "participation forfaitaire", max_digits=8, decimal_places=2, default=0
    )
    franchise = models.DecimalField("franchise", max_digits=8, decimal_places=2, default=0)

    class Meta:
        verbose_name = "ligne de paiement"
        ordering = ["payment", "position"]
        constraints = [
            models.UniqueConstraint(fields=["payment", "position"], name="payment_line_position"),
            models.CheckConstraint(
                condition=models.Q(end_date=None) | models.Q(end_date__gte=models.F("care_date")),
                name="payment_line_ends_after_start",
            ),
        ]

    def __str__(self):
        return f"{self.act} ({self.care_date:%d/%m/%Y})"

    @property
    def net(self):
        """What this line adds to the payment: reimbursed less deductions."""
        return self.reimbursed - self.flat_fee - self.franchise
