import datetime
from decimal import Decimal
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db import connections, models

from assure.members.models import Beneficiary, Member

# The value of the beneficiary filter for payments about the member themself.
SELF = "self"
CENTS = Decimal("0.01")


def month_start(day):
    """The first day of `day`'s month."""
    return day.replace(day=1)


def add_months(month, count):
    """The first day of the month `count` months after `month`'s (before, if negative)."""
    index = month.year * 12 + month.month - 1 + count
    return datetime.date(index // 12, index % 12 + 1, 1)


def money(value):
    """An amount as the database gives it (a Decimal; an int or a float from
    SQLite, which has no decimal type) as a Decimal of cents."""
    return Decimal(str(value)).quantize(CENTS)


# « Mes paiements » reads its rows with hand-written SQL: built with the ORM,
# each of its queries cost 0.3-0.5 ms on the benchmark machine against
# 0.03-0.06 ms for the SQL itself, and the page must cost little more than a
# minimal member page (bench/member_pages.py). Each query names the member, so
# that it reads only that member's rows, through the (member, -paid_on, -id)
# index; values always go in parameters.


def sql_filters(*, beneficiary=None, nature="", start=None, end=None):
    """The filters of « Mes paiements » as SQL on the payment table: (conditions
    joined by AND, their parameters); "1 = 1" without filters.

    `beneficiary`: None for everyone, `SELF` for the member themself, or a
    `Beneficiary`; `nature`: "" for every nature; `start`, `end`: dates of
    payment, both included, or None.
    """
    conditions, params = [], []
    if beneficiary == SELF:
        conditions.append("beneficiary_id IS NULL")
    elif beneficiary is not None:
        conditions.append("beneficiary_id = %s")
        params.append(beneficiary.pk)
    if nature:
        conditions.append("nature = %s")
        params.append(nature)
    if start is not None:
        conditions.append("paid_on >= %s")
        params.append(start)
    if end is not None:
        conditions.append("paid_on <= %s")
        params.append(end)
    return " AND ".join(conditions) or "1 = 1", params


def select(db, sql, params):
    """The rows of a hand-written query on the database `db`."""
    with connections[db].cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.fetchall()


class Person(NamedTuple):
    """A beneficiary's names, as a list of payments shows them."""

    first_names: str
    last_name: str


class ListedPayment(NamedTuple):
    """A payment as « Mes paiements » lists it: what it shows of it. Lighter
    than a `Payment`, built from the row's values; `beneficiary` is a
    `Person`, or None for the member themself."""

    pk: int
    paid_on: datetime.date
    nature: str
    amount: Decimal
    beneficiary: Person | None

    @property
    def nature_label(self):
        return Payment.NATURE_LABELS.get(self.nature, self.nature)

    def beneficiary_name(self, member):
        return Payment.beneficiary_name(self, member)


class LatestPayment(NamedTuple):
    """A payment as the member's home lists it: date, nature and amount."""

    pk: int
    paid_on: datetime.date
    nature: str
    amount: Decimal

    @property
    def nature_label(self):
        return Payment.NATURE_LABELS.get(self.nature, self.nature)


class PaymentListing:
    """A member's payments matching the filters of « Mes paiements », newest
    first (latest recorded first on the same day), read a page at a time.

    One query reads the page with the number of matching payments and the
    beneficiaries' names: on PostgreSQL each query costs a round trip to the
    server, about as much as the SQL itself (bench/member_pages.py). The count
    is a scalar subquery, read once through the index: a window COUNT took
    twice as long, the database then reading every matching row.
    """

    def __init__(self, db, member, filters):
        conditions, params = sql_filters(**filters)
        self.db = db
        self.where = f"member_id = %s AND {conditions}"
        self.params = [member.pk, *params]

    def page(self, number, per_page):
        """Django's `Page` `number` (a string from the URL), as
        `Paginator.get_page` chooses it: the first page when it is not a
        number, the last when it is beyond (then one more query)."""
        try:
            number = int(number)
        except (TypeError, ValueError):
            number = 1
        # Out of range, the window is empty; kept within what the database takes.
        count, payments = self.read(per_page, min(max(0, number - 1), 10**9) * per_page)
        paginator = Paginator([], per_page)
        paginator.count = count  # a cached_property: Django asks nothing more
        if not 1 <= number <= paginator.num_pages:
            number = paginator.num_pages
            count, payments = self.read(per_page, (number - 1) * per_page)
        return Page(payments, number, paginator)

    def read(self, limit, offset):
        """(number of matching payments, [ListedPayment] of the window)."""
        table = Payment._meta.db_table
        rows = select(
            self.db,
            # At least one row, with the count, even when the window is empty.
            "SELECT c.n, p.id, p.paid_on, p.nature, p.amount, b.first_names, b.last_name "  # noqa: S608
            f"FROM (SELECT COUNT(*) AS n FROM {table} WHERE {self.where}) c "
            "LEFT JOIN (SELECT id, paid_on, nature, amount, beneficiary_id "
            f"FROM {table} WHERE {self.where} "
            "ORDER BY paid_on DESC, id DESC LIMIT %s OFFSET %s) p ON 1 = 1 "
            f"LEFT JOIN {Beneficiary._meta.db_table} b ON b.id = p.beneficiary_id "
            "ORDER BY p.paid_on DESC, p.id DESC",
            [*self.params, *self.params, limit, offset],
        )
        return rows[0][0], [
            ListedPayment(
                pk, paid_on, nature, money(amount), None if last is None else Person(first, last)
            )
            for _, pk, paid_on, nature, amount, first, last in rows
            if pk is not None
        ]


class PaymentQuerySet(models.QuerySet):
    """Queries on payments; used through the member (`member.payments.in_month(…)`),
    so that they read one member's rows through the (member, -paid_on, -id) index."""

    def in_month(self, month):
        """Payments made in `month`'s month."""
        first = month_start(month)
        return self.filter(paid_on__gte=first, paid_on__lt=add_months(first, 1))


class PaymentManager(models.Manager.from_queryset(PaymentQuerySet)):
    """`monthly_totals`, `listing` and `newest` take the member: they are
    hand-written SQL (see above), on the manager so that no QuerySet is built."""

    def monthly_totals(self, member, first_month, months):
        """[(first day of the month, total, payments), …] for `months` months
        from `first_month`, oldest first: the total amount of the member's
        payments and their number. Months without payments are at zero. One query."""
        first = month_start(first_month)
        starts = [add_months(first, n) for n in range(months + 1)]
        # Each payment's month as its index (0 for the first month), from the
        # months' first days: SQLite and PostgreSQL truncate dates differently.
        index = " ".join(f"WHEN paid_on < %s THEN {n}" for n in range(months - 1))
        rows = select(
            self.db,
            f"SELECT CASE {index} ELSE {months - 1} END, SUM(amount), COUNT(*) "  # noqa: S608
            f"FROM {self.model._meta.db_table} "
            "WHERE member_id = %s AND paid_on >= %s AND paid_on < %s GROUP BY 1",
            [*starts[1:-1], member.pk, starts[0], starts[-1]],
        )
        found = {index: (money(total), count) for index, total, count in rows}
        zero = (Decimal("0.00"), 0)
        return [(start, *found.get(n, zero)) for n, start in enumerate(starts[:-1])]

    def listing(self, member, **filters):
        """The member's payments matching `filters` (see `sql_filters`), newest
        first, read a page at a time (see `PaymentListing`)."""
        return PaymentListing(self.db, member, filters)

    def newest(self, member, count):
        """The member's `count` latest payments, newest first, as the home page
        lists them (`LatestPayment`).

        Hand-written SQL, measured for issue 11 (bench/member_pages.py's data,
        in process, min of repeated calls): through the ORM
        (`self.filter(member=member)[:count]`) it took 0.30 ms against 0.02 ms,
        more than the home's whole template beyond the member layout (0.23 ms),
        which must stay under about 40 % of the floor page for the 0.7 target
        of bench/member_pages.py. See docs/benchmarks.md, "One template engine"."""
        rows = select(
            self.db,
            "SELECT id, paid_on, nature, amount "  # noqa: S608
            f"FROM {self.model._meta.db_table} WHERE member_id = %s "
            "ORDER BY paid_on DESC, id DESC LIMIT %s",
            [member.pk, count],
        )
        return [
            LatestPayment(pk, paid_on, nature, money(amount))
            for pk, paid_on, nature, amount in rows
        ]


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

    objects = PaymentManager()

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
