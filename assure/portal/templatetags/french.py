"""{% load french %}: the filters of assure.lib.french for templates; an empty
value (None, "") is written as nothing."""

from django import template

from assure.lib import french

register = template.Library()


def _unless_empty(write):
    def filter_(value):
        return "" if value is None or value == "" else write(value)

    filter_.__doc__ = write.__doc__
    return filter_


for _name in (
    "french_date",
    "french_datetime",
    "month_name",
    "of_month",
    "short_month_name",
    "euros",
    "phone",
):
    register.filter(_name, _unless_empty(getattr(french, _name)))
