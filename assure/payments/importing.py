"""Importing the fund's payment feed (`assure import_payments`).

One CSV file, described in docs/formats.md: UTF-8 (with or without BOM),
comma-separated, a header row naming the columns in any order, **one row per
payment line**. The rows of one payment follow each other and repeat the
payment's columns (reference, member, beneficiary, date, nature); the line
columns say what was paid for (dates, act, professional, amounts).

The import is an upsert by reference: a new reference creates the payment and
its lines; a known one is left alone when its payment fields and lines are the
same, and otherwise updated with its lines replaced; importing the same file
twice changes nothing. A payment is imported whole or not at all: one bad
line rejects the whole payment, and the report names every bad line with its
reason.

The file is read as a stream. Consecutive rows with the same reference make
a payment; complete payments are gathered into batches of about
``BATCH_SIZE`` lines (a payment is never split between two batches), and
each batch is written with a handful of queries in one transaction
(writing.py, through assure/lib/bulk.py). The references already met are
kept in a temporary table (``SeenKeys``), not in memory: a reference that
comes back later in the file, away from its first rows, is rejected as a
duplicate, and an import of any size runs in constant memory.
"""

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import lru_cache

from django.db import transaction

from assure.lib.bulk import (
    select_in,
    write_or_one_by_one,
)
from assure.lib.importing import (
    CSVImport,
    ImportReport,
    InvalidLine,
    Rejection,
    clean_date,
    clean_nir,
    clean_optional_date,
    clean_optional_rank,
    numbered_rows,
)
from assure.lib.nir import format_nir
from assure.members.models import Beneficiary, Member

from .models import Payment, PaymentLine
from .writing import (
    LINE_FIELDS,
    PAYMENT_FIELDS,
    create_payments,
    stored_date,
    stored_decimal,
    stored_lines,
    update_payments,
)

PAYMENT_COLUMNS = ("reference", "member_nir", "beneficiary_rank", "paid_on", "nature")
# The columns of a line: the fields of a PaymentLine but its position.
LINE_COLUMNS = LINE_FIELDS[1:]
COLUMNS = PAYMENT_COLUMNS + LINE_COLUMNS
REIMBURSED, FLAT_FEE, FRANCHISE = (LINE_FIELDS.index(name) for name in LINE_COLUMNS[-3:])
NATURES = {
    "soins": Payment.CARE,
    "ij": Payment.DAILY_ALLOWANCE,
    "invalidite": Payment.INVALIDITY,
    "invalidité": Payment.INVALIDITY,
    "rente": Payment.ANNUITY,
    "autre": Payment.OTHER,
}
# The word a file uses for each nature (the demo and the bench write files).
NATURE_WORDS = {
    Payment.CARE: "soins",
    Payment.DAILY_ALLOWANCE: "ij",
    Payment.INVALIDITY: "invalidite",
    Payment.ANNUITY: "rente",
    Payment.OTHER: "autre",
}
# Lines in a batch: about 3,300 payments, a few MB. Measured against batches
# of 1,000 lines: 10 % faster on SQLite, 15 % on PostgreSQL (fewer statements
# and commits).
BATCH_SIZE = 5000
MAX_LINES = 999  # lines in one payment
REFERENCE = re.compile(r"[A-Za-z0-9-]+")
REFERENCE_LENGTH = Payment._meta.get_field("reference").max_length
TEXT_LENGTH = PaymentLine._meta.get_field("act").max_length
AMOUNT = re.compile(r"(\d+)(?:[.,](\d{1,2}))?")
# DecimalField(max_digits=10, decimal_places=2) for amounts, 8 for deductions.
MAX_AMOUNT = Decimal("99999999.99")
MAX_DEDUCTION = Decimal("999999.99")
RATE = re.compile(r"\d{1,3}")
ZERO = Decimal("0.00")
DUPLICATE = (
    "reference: paiement déjà présent ligne {line} du fichier ; les lignes d'un paiement "
    "doivent se suivre (seules les premières sont prises en compte)."
)
# The cleaners are pure functions of the text: a cache spares the work for the
# values that come back on every other line (dates, amounts, acts, NIRs). A
# small cache: memory stays flat, and what recurs (dates of the last months,
# usual tariffs and acts) fits.
cached = lru_cache(maxsize=2048)


def _clean_reference(value):
    if not value:
        raise InvalidLine("obligatoire.")
    if len(value) > REFERENCE_LENGTH:
        raise InvalidLine(f"{REFERENCE_LENGTH} caractères au plus ({len(value)} ici).")
    if not REFERENCE.fullmatch(value):
        raise InvalidLine(f"référence non valide {value!r} (lettres, chiffres et tirets).")
    return value


@cached
def _clean_nature(value):
    try:
        return NATURES[value.lower()]
    except KeyError:
        raise InvalidLine(
            f"nature non valide {value!r} (soins, ij, invalidite, rente ou autre)."
        ) from None


@cached
def _clean_act(value):
    if not value:
        raise InvalidLine("obligatoire.")
    return _clean_professional(value)


@cached
def _clean_professional(value):
    text = " ".join(value.split())
    if len(text) > TEXT_LENGTH:
        raise InvalidLine(f"{TEXT_LENGTH} caractères au plus ({len(text)} ici).")
    return text


def _amount(value, limit):
    if not value:
        raise InvalidLine("obligatoire.")
    match = AMOUNT.fullmatch(value)
    if not match:
        if value.startswith("-"):
            raise InvalidLine(f"montant négatif {value!r} (un montant est positif ou nul).")
        raise InvalidLine(
            f"montant non valide {value!r} (en euros, 2 décimales au plus, par exemple 12.50)."
        )
    amount = Decimal(f"{match[1]}.{match[2] or '0'}")
    if amount > limit:
        raise InvalidLine(f"montant trop élevé {value!r} ({limit} au plus).")
    return amount


@cached
def _clean_amount(value):
    return _amount(value, MAX_AMOUNT)


@cached
def _clean_deduction(value):
    return _amount(value, MAX_DEDUCTION) if value else ZERO


@cached
def _clean_rate(value):
    if not value:
        raise InvalidLine("obligatoire.")
    if not RATE.fullmatch(value) or int(value) > 100:
        raise InvalidLine(f"taux non valide {value!r} (un nombre entier de 0 à 100).")
    return int(value)


CLEANERS = {
    "reference": _clean_reference,
    "member_nir": cached(clean_nir),
    "beneficiary_rank": cached(clean_optional_rank),
    "paid_on": cached(clean_date),
    "nature": _clean_nature,
    "care_date": cached(clean_date),
    "end_date": cached(clean_optional_date),
    "act": _clean_act,
    "professional": _clean_professional,
    "charged": _clean_amount,
    "base": _clean_amount,
    "rate": _clean_rate,
    "reimbursed": _clean_amount,
    "flat_fee": _clean_deduction,
    "franchise": _clean_deduction,
}


@dataclass
class PaymentsReport(ImportReport):
    """Lines read, and what became of the payments they make up.

    ``rejected`` lists the reasons, by line; ``lines_rejected`` counts every
    line not imported (the good lines of a rejected payment included).
    """

    payments: int = 0
    payments_rejected: int = 0
    lines_rejected: int = 0

    def summary(self):
        return (
            f"{self.read} lines read, making {self.payments} payments: "
            f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged, "
            f"{self.payments_rejected} rejected ({self.lines_rejected} lines not imported)."
        )


class PaymentRows:
    """The consecutive rows of one payment, as read, then as cleaned.

    ``rows`` holds (line number, raw row) until the payment is complete;
    cleaning fills ``fields`` (nir, rank, paid_on, nature), ``amount`` and
    ``lines`` (tuples in the order of LINE_FIELDS), or marks it rejected.
    """

    __slots__ = (
        "reference", "first", "last", "count", "rows", "fields", "amount", "lines", "reasons"
    )  # fmt: skip

    def __init__(self, reference, line):
        self.reference = reference
        self.first = self.last = line
        self.count = 0
        self.rows = []
        self.fields = self.amount = self.lines = None
        self.reasons = []  # Rejection of each bad line: the payment is rejected

    @property
    def rejected(self):
        return bool(self.reasons)

    def add(self, line, row):
        self.last = line
        self.count += 1
        if self.count <= MAX_LINES:  # beyond, the payment is rejected: no need to keep them
            self.rows.append((line, row))


class Batch(list):
    """Complete payments read in a row, with the count of lines read for them
    and the rows that belong to no payment (unreadable before the first one)."""

    def __init__(self):
        super().__init__()
        self.read = 0
        self.unreadable = []


class Unreadable(tuple):
    """A row the CSV reader could not read (no columns), with the reason."""

    def __new__(cls, reason):
        row = super().__new__(cls)
        row.reason = reason
        return row


class PaymentsImport(CSVImport):
    """The payment feed: payments grouped from consecutive rows, upserted by reference.

    ``run()`` reads the rows, groups them into payments, and writes them in
    batches of about ``batch_size`` lines; see the module's docstring.
    """

    model = Payment
    columns = COLUMNS
    cleaners = CLEANERS
    duplicate = DUPLICATE

    def __init__(self, lines, batch_size=BATCH_SIZE, today=None):
        super().__init__(lines, batch_size)
        self.report = PaymentsReport()
        self.today = today or date.today()
        positions = self.positions
        self.reference_index = positions["reference"]
        self.payment_cleaners = [
            (name, positions[name], CLEANERS[name]) for name in PAYMENT_COLUMNS[1:]
        ]
        self.line_cleaners = [(name, positions[name], CLEANERS[name]) for name in LINE_COLUMNS]

    def batches(self):
        """Lists of complete payments (PaymentRows) of about batch_size lines in all.

        A payment is complete when a row of another reference, or the end of
        the file, is met. The last list may be short or empty.
        """
        index = self.reference_index
        batch, lines_in_batch, current = Batch(), 0, None
        for line, row, error in numbered_rows(self.reader):
            batch.read += 1
            if row is None:  # unreadable: no reference to go by
                if current is None:
                    batch.unreadable.append(Rejection(line, f"CSV: {error}."))
                else:  # taken as part of the payment under way, which is refused
                    current.add(line, Unreadable(f"CSV: {error}."))
                continue
            reference = row[index].strip() if len(row) > index else ""
            if current is None or reference != current.reference:
                if current is not None:
                    batch.append(current)
                    lines_in_batch += current.count
                    if lines_in_batch >= self.batch_size:
                        yield batch
                        batch, lines_in_batch = Batch(), 0
                current = PaymentRows(reference, line)
            current.add(line, Unreadable(f"CSV: {error}.") if error else row)
        if current is not None:
            batch.append(current)
        yield batch

    def key(self, payment):
        return payment.reference

    def write_batch(self, batch, seen):
        """Check for duplicates, write the valid payments of a batch, then report."""
        for payment in batch:
            self.clean_payment(payment)
        report = self.report
        report.read += batch.read
        report.payments += len(batch)
        report.rejected += batch.unreadable
        report.lines_rejected += len(batch.unreadable)
        valid = [payment for payment in batch if not payment.rejected]
        # Every well-formed reference is remembered, even that of a rejected
        # payment: its later rows must not be imported as if they were all.
        keyed = [(p.first, p) for p in batch if _is_reference(p.reference)]
        duplicates = ImportReport()
        # One transaction for the batch: the keys seen and the payments
        # (save() writes them in a savepoint of its own).
        with transaction.atomic():
            kept = seen.first_occurrences(keyed, self.key, self.duplicate, duplicates)
            by_first_line = dict(keyed)
            for rejection in duplicates.rejected:
                self.reject(by_first_line[rejection.line], rejection.line, rejection.reason)
            kept = {id(payment) for _, payment in kept}
            self.write([p for p in valid if id(p) in kept])
        for payment in batch:
            if payment.reasons:
                report.rejected += payment.reasons
                report.payments_rejected += 1
                report.lines_rejected += payment.count

    def clean_payment(self, payment):
        """Fill the cleaned fields and lines of a payment; False (reasons noted) if it is bad."""
        rows, payment.rows = payment.rows, None  # the raw rows are not needed any more
        if payment.count > MAX_LINES:
            reason = f"reference: {payment.count} lignes pour un paiement ({MAX_LINES} au plus)."
            self.reject(payment, payment.first, reason)
            return False
        width = len(self.positions)
        first_line, first_row = rows[0]
        fields = None
        if len(first_row) == width:
            fields, first_errors = self.clean_payment_columns(first_row)
        lines, amount, line_cleaners = [], ZERO, self.line_cleaners
        payment_indexes = [index for _, index, _ in self.payment_cleaners]
        first_cells = [first_row[i] for i in payment_indexes] if fields else None
        for position, (line, row) in enumerate(rows, 1):
            if len(row) != width:
                self.reject(payment, line, _width_reason(row, width))
                continue
            if line == first_line:
                errors = first_errors
            elif fields is None:  # the first row is unreadable: no comparison
                errors = self.clean_payment_columns(row)[1]
            elif [row[i] for i in payment_indexes] == first_cells:
                errors = []
            else:
                errors = self.compare_payment_columns(row, first_row, first_line, fields)
            try:  # the common case first: every value is good
                values = (position, *[clean(row[i].strip()) for _, i, clean in line_cleaners])
            except InvalidLine:
                values = None
                for name, index, clean in line_cleaners:
                    try:
                        clean(row[index].strip())
                    except InvalidLine as error:
                        errors.append(f"{name}: {str(error).rstrip('.')}")
            if not errors:
                errors = _line_problems(values, fields)
            if errors:
                self.reject(payment, line, "; ".join(errors) + ".")
                continue
            lines.append(values)
            amount += values[REIMBURSED] - values[FLAT_FEE] - values[FRANCHISE]
        if payment.rejected:
            return False
        if amount > MAX_AMOUNT:
            reason = (
                f"reimbursed: montant du paiement trop élevé ({amount} €, {MAX_AMOUNT} au plus)."
            )
            self.reject(payment, payment.first, reason)
            return False
        if amount < 0:
            reason = (
                f"flat_fee, franchise: le montant du paiement serait négatif ({amount} €) : "
                "les déductions dépassent les remboursements."
            )
            self.reject(payment, payment.first, reason)
            return False
        payment.fields, payment.amount, payment.lines = fields, amount, lines
        return True

    def clean_payment_columns(self, row):
        """(nir, rank, paid_on, nature) of a payment's first row, and the list of errors.

        The values are None when a column is bad.
        """
        errors = []
        try:
            _clean_reference(row[self.reference_index].strip())
        except InvalidLine as error:
            errors.append(f"reference: {str(error).rstrip('.')}")
        values = []
        for name, index, clean in self.payment_cleaners:
            try:
                values.append(clean(row[index].strip()))
            except InvalidLine as error:
                errors.append(f"{name}: {str(error).rstrip('.')}")
                values.append(None)
        paid_on = values[2]
        if paid_on is not None and paid_on > self.today:
            errors.append(f"paid_on: date de paiement dans le futur ({paid_on})")
        return tuple(values), errors

    def compare_payment_columns(self, row, first_row, first_line, fields):
        """The errors of a payment's later row: its own bad values, and values
        that differ from those of the first row."""
        errors = []
        for position, (name, index, clean) in enumerate(self.payment_cleaners):
            text = row[index].strip()
            first_text = first_row[index].strip()
            if text == first_text:
                continue
            try:
                value = clean(text)
            except InvalidLine as error:
                errors.append(f"{name}: {str(error).rstrip('.')}")
                continue
            if fields is not None and fields[position] is not None and value != fields[position]:
                errors.append(
                    f"{name}: {text!r} alors que la ligne {first_line} du même paiement "
                    f"indique {first_text!r} (les colonnes du paiement sont les mêmes sur "
                    "toutes ses lignes)"
                )
        return errors

    def reject(self, payment, line, reason):
        """Note a reason on a line: the whole payment is rejected (reported by write_batch)."""
        if payment.count > 1:
            # A reference that is not one (NUL, a page of text…) is not repeated.
            name = (
                f"paiement {payment.reference}" if _is_reference(payment.reference) else "paiement"
            )
            reason = (
                f"{reason.rstrip('.')} — {name} non importé "
                f"(lignes {payment.first} à {payment.last})."
            )
        payment.reasons.append(Rejection(line, reason))

    def write(self, payments):
        """Create, update or leave alone the valid payments of one batch."""
        payments = self.resolve(payments)
        if not payments:
            return
        existing = {
            reference: (
                pk,
                member,
                beneficiary,
                stored_date(paid_on),
                nature,
                stored_decimal(amount),
            )
            for reference, pk, member, beneficiary, paid_on, nature, amount in select_in(
                Payment,
                ("reference", "pk", *PAYMENT_FIELDS),
                "reference",
                [p.reference for p in payments],
            )
        }
        same_fields = {
            existing[p.reference][0]
            for p in payments
            if p.reference in existing and existing[p.reference][1:] == p.fields
        }
        existing_lines = stored_lines(same_fields) if same_fields else {}
        to_create, to_update = [], []
        for payment in payments:
            row = existing.get(payment.reference)
            if row is None:
                to_create.append(payment)
            elif row[0] in same_fields and existing_lines.get(row[0], []) == payment.lines:
                self.report.unchanged += 1
            else:
                to_update.append((row[0], payment))
        self.save(to_create, to_update)

    def resolve(self, payments):
        """Replace the NIR and rank of each payment by the member's and beneficiary's
        keys, in two queries; payments of unknown ones are rejected and left out."""
        members = dict(select_in(Member, ("nir", "pk"), "nir", {p.fields[0] for p in payments}))
        with_rank = {
            members[p.fields[0]] for p in payments if p.fields[1] and p.fields[0] in members
        }
        beneficiaries = {}
        if with_rank:
            beneficiaries = {
                (member, rank): pk
                for member, rank, pk in Beneficiary.objects.filter(member__in=with_rank)
                .order_by()
                .values_list("member", "rank", "pk")
            }
        resolved = []
        for payment in payments:
            nir, rank, paid_on, nature = payment.fields
            member = members.get(nir)
            if member is None:
                reason = f"member_nir: assuré inconnu : {format_nir(nir)} (absent du registre)."
                self.reject(payment, payment.first, reason)
                continue
            beneficiary = None
            if rank is not None:
                beneficiary = beneficiaries.get((member, rank))
                if beneficiary is None:
                    reason = (
                        f"beneficiary_rank: ayant droit inconnu : pas de rang {rank} "
                        f"pour l'assuré {format_nir(nir)}."
                    )
                    self.reject(payment, payment.first, reason)
                    continue
            payment.fields = (member, beneficiary, paid_on, nature, payment.amount)
            resolved.append(payment)
        return resolved

    def save(self, to_create, to_update):
        """Write a batch in one transaction; if that fails (another writer got in
        between, say the same reference inserted meanwhile), one payment at a
        time, so that only the failing ones are lost."""

        def reject(item, error):
            payment = item[1] if isinstance(item, tuple) else item
            self.reject(payment, payment.first, f"database: {error}")

        created, updated = write_or_one_by_one(
            [(create_payments, to_create), (update_payments, to_update)], reject
        )
        self.report.created += len(created)
        self.report.updated += len(updated)


def _is_reference(value):
    try:
        _clean_reference(value)
    except InvalidLine:
        return False
    return True


def _width_reason(row, width):
    if isinstance(row, Unreadable):
        return row.reason
    return f"{width} colonnes attendues, {len(row)} trouvées."


def _line_problems(values, fields):
    """Problems between the columns of a line (in the order of LINE_FIELDS)."""
    _, care_date, end_date = values[:3]
    problems = []
    paid_on = fields[2] if fields else None
    if paid_on is not None and care_date > paid_on:
        problems.append(f"care_date: les soins ({care_date}) sont après le paiement ({paid_on})")
    if end_date is not None and end_date < care_date:
        problems.append(f"end_date: la fin ({end_date}) précède le début ({care_date})")
    return problems


def import_payments(lines, batch_size=BATCH_SIZE, on_batch=None, today=None):
    """Upsert the payments of a CSV stream; returns a PaymentsReport.

    ``lines`` is any iterable of text lines: a file opened with
    ``encoding="utf-8-sig", newline=""``, or a generator. It is consumed
    lazily; ``on_batch(report)`` is called after each batch is written.
    Raises HeaderError, before writing anything, when the header is wrong.
    """
    return PaymentsImport(lines, batch_size, today).run(on_batch)
