"""The Jinja2 environment of the templates in assure/payments/jinja2/.

« Mes paiements » renders its content (list, pagination; chart and
statements) with Jinja2 and puts it in the Django layout (payments/page.html):
in Django's template language that content took longer than a whole minimal
member page (bench/member_pages.py). Autoescaping is on, and an undefined
name is an error rather than "".
"""

from jinja2 import Environment, StrictUndefined

from assure.outbox.formats import french_date

from .templatetags.payments import euros, month_name, of_month, short_month_name


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
    return env
