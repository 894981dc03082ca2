"""Amounts, dates, pagination, list rows and filter fields of « Mes paiements »,
for its templates and the PDF statement."""

from decimal import Decimal

from django import template
from django.forms.utils import flatatt
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from assure.outbox.formats import MONTHS, french_date
from assure.portal.forms import DateField, DateInput3

register = template.Library()

NBSP = "\u00a0"
# Month names short enough for the chart's labels ("sept. 2025").
SHORT_MONTHS = [
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
]


@register.filter
def euros(value):
    """1234.5 → "1 234,50 €", with no-break spaces so the amount never wraps."""
    if value is None or value == "":
        return ""
    value = Decimal(value).quantize(Decimal("0.01"))
    units, cents = f"{abs(value):.2f}".split(".")
    groups = []
    while units:
        groups.insert(0, units[-3:])
        units = units[:-3]
    sign = "-" if value < 0 else ""
    return f"{sign}{NBSP.join(groups)},{cents}{NBSP}€"


@register.filter
def month_name(month):
    """date(2026, 2, 1) → "février 2026"."""
    return f"{MONTHS[month.month - 1]} {month.year}"


@register.filter
def of_month(month):
    """date(2026, 4, 1) → "d'avril 2026"; date(2026, 3, 1) → "de mars 2026"."""
    name = month_name(month)
    return f"d'{name}" if name[0] in "aeiouéèâêôû" else f"de {name}"


@register.filter
def short_month_name(month):
    """date(2025, 9, 1) → "sept. 2025"."""
    return f"{SHORT_MONTHS[month.month - 1]} {month.year}"


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


def page_url(request, number):
    """The current URL on page `number`, keeping the filters (empty ones left out)."""
    query = kept_query(request.GET, drop=("page",))
    if number > 1:
        query = f"{query}&page={number}" if query else f"?page={number}"
    return f"{request.path}{query}"


@register.inclusion_tag("payments/_pagination.html", takes_context=True)
def pagination(context, page):
    """GOV.UK pagination for a Django `Page`, links keeping the query string."""
    request = context["request"]
    paginator = page.paginator
    items = [
        None
        if number is None
        else {
            "number": number,
            "url": page_url(request, number),
            "current": number == page.number,
        }
        for number in page_numbers(page.number, paginator.num_pages)
    ]
    return {
        "page": page,
        "items": items,
        "previous_url": page_url(request, page.number - 1) if page.has_previous() else "",
        "next_url": page_url(request, page.number + 1) if page.has_next() else "",
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


ROW = (
    '<tr class="govuk-table__row">\n'
    '<td class="govuk-table__cell">'
    '<a class="govuk-link govuk-!-font-weight-bold" href="{}">{}'
    '<span class="govuk-visually-hidden"> : détail du paiement</span></a>'
    '<span class="govuk-!-display-block">{}</span>'
    '<span class="govuk-!-display-block">pour {}</span></td>\n'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td>\n'
    "</tr>"
)


@register.simple_tag
def payment_rows(payments, member, query=""):
    """{% payment_rows page member list_query %}: the rows of the list of
    payments, each linking to its detail (`query` keeps the list's filters).
    Written in Python: the rows are most of the page, and this is several
    times faster than a template loop."""
    base = reverse("payments:index")
    return format_html_join(
        "\n",
        ROW,
        (
            (
                f"{base}{payment.pk}/{query}",
                french_date(payment.paid_on),
                payment.nature_label,
                payment.beneficiary_name(member),
                euros(payment.amount),
            )
            for payment in payments
        ),
    )


# The filter form's fields, written as the project's form renderer writes them
# (portal/templates/portal/forms/field.html and the widgets' templates: a test
# checks that both agree), but in Python: through the templates (one per input
# and per option) they took a third of the page's rendering time.


def _hint_and_errors(field):
    hint = (
        format_html(
            '<div class="govuk-hint" id="{}_helptext">{}</div>', field.auto_id, field.help_text
        )
        if field.help_text
        else ""
    )
    if not field.errors:
        return hint
    messages = format_html_join(
        "<br>",
        '<span class="govuk-visually-hidden">Erreur :</span> {}',
        ((error,) for error in field.errors),
    )
    return format_html(
        '{}<p class="govuk-error-message" id="{}_error">{}</p>', hint, field.auto_id, messages
    )


@register.simple_tag
def date_field(field):
    """{% date_field form.start %}: a `DateField`'s GOV.UK form group."""
    widget = field.field.widget
    values = field.value()
    if not isinstance(values, (list, tuple)):
        values = widget.decompress(values)
    wrong = field.date_error_parts() if field.errors else set()
    inputs = []
    for index, (part, label, subwidget) in enumerate(
        zip(DateField.PARTS, DateInput3.labels, widget.widgets, strict=True)
    ):
        attrs = {"type": "text", "name": f"{field.html_name}_{index}"}
        if values[index] not in (None, ""):
            attrs["value"] = str(values[index])
        attrs |= subwidget.attrs
        attrs["id"] = f"{field.auto_id}_{index}"
        if part in wrong:
            attrs["class"] += " govuk-input--error"
            attrs["aria-invalid"] = "true"
        inputs.append((attrs["id"], label, flatatt(attrs)))
    items = format_html_join(
        "",
        '<div class="govuk-date-input__item"><div class="govuk-form-group">'
        '<label class="govuk-label govuk-date-input__label" for="{}">{}</label>'
        "<input{}></div></div>",
        inputs,
    )
    return format_html(
        '<div class="govuk-form-group{}"><fieldset class="govuk-fieldset" role="group"{}>'
        '<legend class="govuk-fieldset__legend {}">{}</legend>{}'
        '<div class="govuk-date-input" id="{}">{}</div></fieldset></div>',
        " govuk-form-group--error" if field.errors else "",
        flatatt({"aria-describedby": field.aria_describedby or None}),
        field.legend_class,
        field.label,
        _hint_and_errors(field),
        field.auto_id,
        items,
    )


@register.simple_tag
def select_field(field):
    """{% select_field form.nature %}: a `ChoiceField`'s GOV.UK form group, as a select."""
    value = field.value()
    chosen = "" if value is None else str(value)
    attrs = {"name": field.html_name}
    if field.errors:
        attrs["aria-invalid"] = "true"
    attrs["aria-describedby"] = field.aria_describedby or None
    attrs["class"] = "govuk-select govuk-select--error" if field.errors else "govuk-select"
    attrs["id"] = field.auto_id
    options = format_html_join(
        "",
        '<option value="{}"{}>{}</option>',
        (
            (choice, " selected" if str(choice) == chosen else "", label)
            for choice, label in field.field.choices
        ),
    )
    return format_html(
        '<div class="govuk-form-group{}"><label class="govuk-label govuk-label--s" for="{}">{}'
        "</label>{}<select{}>{}</select></div>",
        " govuk-form-group--error" if field.errors else "",
        field.auto_id,
        field.label,
        _hint_and_errors(field),
        flatatt(attrs),
        options,
    )
