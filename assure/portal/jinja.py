"""The Jinja2 environment of the templates in <app>/jinja2/.

Long lists are rendered with Jinja2 and put in the Django layout: the content
of « Mes paiements » (payments/page.html) and the results of « Trouver un
médecin »; in Django's template language they took longer than a whole
minimal member page (bench/member_pages.py, bench/directory_search.py).
Autoescaping is on, and an undefined name is an error rather than "".
"""

from jinja2 import Environment, StrictUndefined

from assure.outbox.formats import french_date
from assure.payments.templatetags.payments import euros, month_name, of_month, short_month_name


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
