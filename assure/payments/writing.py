"""How the payments import stores payments and their lines: plain values through assure.lib.bulk.

The import (importing.py) reads, groups and cleans the rows; here a payment
is a ``PaymentRows`` whose ``fields`` are the member's and beneficiary's keys,
the date, the nature and the amount (in the order of PAYMENT_FIELDS) and
whose ``lines`` are tuples in the order of LINE_FIELDS.
"""

from datetime import date
from decimal import Decimal
from functools import lru_cache

from assure.lib.bulk import insert, insert_returning_ids, select_in, update_all

from .models import Payment, PaymentLine

# The payment's fields compared on a re-import, and the lines', in the order of the tuples kept
# (the lines' but their position are the file's columns).
PAYMENT_FIELDS = ("member_id", "beneficiary_id", "paid_on", "nature", "amount")
LINE_FIELDS = (
    "position",
    "care_date",
    "end_date",
    "act",
    "professional",
    "charged",
    "base",
    "rate",
    "reimbursed",
    "flat_fee",
    "franchise",
)
DECIMAL_INDEXES = tuple(
    LINE_FIELDS.index(name) for name in ("charged", "base", "reimbursed", "flat_fee", "franchise")
)
DATE_INDEXES = (LINE_FIELDS.index("care_date"), LINE_FIELDS.index("end_date"))


def stored_lines(payment_ids):
    """{payment id: [line tuples in the order of LINE_FIELDS]} of these payments.

    Amounts are made Decimal through their shortest text (SQLite gives
    floats), so that they compare equal to those read from the file.
    """
    lines = {}
    for payment, *values in select_in(
        PaymentLine, ("payment", *LINE_FIELDS), "payment", payment_ids, order=True
    ):
        for index in DECIMAL_INDEXES:
            values[index] = stored_decimal(values[index])
        for index in DATE_INDEXES:
            values[index] = stored_date(values[index])
        lines.setdefault(payment, []).append(tuple(values))
    return lines


@lru_cache(maxsize=2048)  # the values recur, like those of the file
def stored_decimal(value):
    return value if isinstance(value, Decimal) else Decimal(str(value))


@lru_cache(maxsize=2048)  # the values recur, like those of the file
def stored_date(value):
    return date.fromisoformat(value) if isinstance(value, str) else value


def create_payments(payments):
    """Insert new payments, then their lines."""
    if not payments:
        return
    ids = _insert_payments(payments)
    _insert_lines([(ids[p.reference], *line) for p in payments for line in p.lines])


def _insert_payments(payments):
    """Insert payments (``insert_returning_ids``: COPY on PostgreSQL); returns {reference: id}.

    Plain values rather than bulk_create: building a model instance and
    preparing its values cost more than the insert itself.
    """
    return insert_returning_ids(
        Payment, ("reference", *PAYMENT_FIELDS), [(p.reference, *p.fields) for p in payments]
    )


def update_payments(pairs):
    """Update known payments (pk, payment) and replace their lines."""
    if not pairs:
        return
    update_all(
        Payment,
        PAYMENT_FIELDS,
        [
            Payment(
                pk=pk,
                member_id=p.fields[0],
                beneficiary_id=p.fields[1],
                paid_on=p.fields[2],
                nature=p.fields[3],
                amount=p.amount,
            )
            for pk, p in pairs
        ],
    )
    PaymentLine.objects.filter(payment__in=[pk for pk, _ in pairs]).delete()
    _insert_lines([(pk, *line) for pk, p in pairs for line in p.lines])


def _insert_lines(rows):
    """Insert (payment id, *LINE_FIELDS) rows: COPY on PostgreSQL, executemany elsewhere.

    Both skip the ORM's work per object, most of the cost of a line.
    """
    insert(PaymentLine, ("payment", *LINE_FIELDS), rows)
