"""{% load payments %}: payment lines' dates and beneficiaries' names, for the
templates of « Mes paiements » and the PDF statement. Amounts and months are
written by assure.lib.french (`{% load french %}`); the pagination and the
query strings of the list by assure.portal.pages."""

from django import template

from assure.lib.french import french_date

register = template.Library()


@register.filter
def care_dates(line):
    """A payment line's date: "27 février 2026" for one act, "du 1er février 2026
    au 28 février 2026" for a period (daily allowances, pensions)."""
    if line.end_date and line.end_date != line.care_date:
        return f"du {french_date(line.care_date)} au {french_date(line.end_date)}"
    return french_date(line.care_date)


@register.filter
def person(payment, member):
    """{{ payment|person:member }} → "Alice (vous-même)" or "Lucas Martin"."""
    return payment.beneficiary_name(member)
