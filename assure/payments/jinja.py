"""The Jinja2 environment of the templates in assure/payments/jinja2/.

« Mes paiements » renders its content (filters, list, pagination, chart,
statements) with Jinja2 and puts it in the Django layout (payments/index.html):
in Django's template language that content took longer than a whole minimal
member page (bench/member_pages.py). Autoescaping is on, and an undefined
name is an error rather than "".
"""

from jinja2 import Environment, StrictUndefined

from assure.outbox.formats import french_date
from assure.portal.forms import DateField, DateInput3

from .templatetags.payments import euros, month_name, of_month, short_month_name


def date_inputs(field):
    """[(label, attributes), …]: the day, month and year inputs of a bound
    `DateField`, as the project's date widget writes them (for the
    `date_field` macro of payments/_fields.jinja)."""
    widget = field.field.widget
    values = field.value()
    if not isinstance(values, (list, tuple)):
        values = widget.decompress(values)
    wrong = field.date_error_parts() if field.errors else ()
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
        inputs.append((label, attrs))
    return inputs


def environment(**options):
    for name in ("autoescape", "undefined"):
        options.pop(name, None)  # Django's backend's, set below
    env = Environment(
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, **options
    )
    env.filters |= {
        "euros": euros,
        "french_date": french_date,
        "month_name": month_name,
        "of_month": of_month,
        "short_month_name": short_month_name,
    }
    env.globals["date_inputs"] = date_inputs
    return env
