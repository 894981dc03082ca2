"""Payment lines' dates, beneficiaries' names and pagination of « Mes paiements »,
for its templates (Django's and Jinja2's, see portal/jinja.py) and the PDF statement.
Amounts and months are written by assure.lib.french."""

from django import template
from django.http import QueryDict

from assure.lib.french import french_date

register = template.Library()


@register.filter
def care_dates(line):
    """A payment line's date: "27 février 2026" for one act, "du 1er février 2026
    au 28 février 2026" for a period (daily allowances, pensions)."""
    if line.end_date and line.end_date != line.care_date:
        return f"du {french_date(line.care_date)} au {french_date(line.end_date)}"
    return french_date(line.care_date)


def page_numbers(current, last):
    """The page numbers a GOV.UK pagination shows: the first, the last, the
    current one and its neighbours; None where pages are left out (…)."""
    shown = sorted(n for n in {1, current - 1, current, current + 1, last} if 1 <= n <= last)
    numbers, previous = [], 0
    for number in shown:
        if number - previous == 2:
            numbers.append(number - 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


def pagination(page, path, query):
    """The links of the GOV.UK pagination of a Django `Page` (payments/_pagination.jinja):
    `pages`, each a dict or None for "…", and the previous and next pages' URLs
    ("" when there is none). They are `path` and `query`, the filters (see
    `kept_query`), with the page's number after the first."""

    def url(number):
        if number == 1:
            return f"{path}{query}"
        return f"{path}{query}&page={number}" if query else f"{path}?page={number}"

    return {
        "pages": [
            None
            if number is None
            else {"number": number, "url": url(number), "current": number == page.number}
            for number in page_numbers(page.number, page.paginator.num_pages)
        ],
        "previous_url": url(page.number - 1) if page.has_previous() else "",
        "next_url": url(page.number + 1) if page.has_next() else "",
    }


def kept_query(query, drop=()):
    """ "?nature=care&page=2": `query` (a QueryDict) without its empty values
    nor the keys in `drop`; "" when nothing is left."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        if key not in drop:
            kept.setlist(key, [value for value in values if value])
    encoded = kept.urlencode()
    return f"?{encoded}" if encoded else ""


@register.filter
def person(payment, member):
    """{{ payment|person:member }} → "Alice (vous-même)" or "Lucas Martin"."""
    return payment.beneficiary_name(member)
