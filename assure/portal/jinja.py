"""The Jinja2 environment of the templates in <app>/jinja2/.

The busiest pages' content is rendered with Jinja2 and put in the Django
layout (`member_page`): the member's home and « Mes paiements », and the
results of « Trouver un médecin ». In Django's template language their content
took longer than a whole minimal member page (bench/member_pages.py,
bench/directory_search.py). Autoescaping is on, and an undefined name is an
error rather than "".
"""

from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.safestring import mark_safe
from jinja2 import Environment, StrictUndefined

from assure.lib.french import euros, french_date, month_name, of_month, short_month_name


def environment(**options):
    for name in ("autoescape", "undefined"):
        options.pop(name, None)  # Django's backend's, set below
    env = Environment(
        autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, **options
    )
    env.globals["url"] = reverse
    env.filters |= {
        "euros": euros,
        "french_date": french_date,
        "month_name": month_name,
        "of_month": of_month,
        "short_month_name": short_month_name,
    }
    return env


def member_page(request, template, context, title):
    """The page whose content is the Jinja2 `template`, in the member layout
    (portal/member_page.html). The content has `csrf_input` for its forms."""
    # Jinja2 escapes every value it writes (autoescape), so its HTML is safe.
    content = mark_safe(render_to_string(template, context, request, using="jinja2"))  # noqa: S308
    return render(request, "portal/member_page.html", {"title": title, "content": content})
