from django import template

from assure.outbox import formats

register = template.Library()


@register.filter
def french_date(value):
    """{{ day|french_date }} → 22 novembre 2026."""
    return formats.french_date(value) if value else ""


@register.filter
def french_datetime(value):
    """{{ moment|french_datetime }} → 23 novembre 2026 à 15 h 30."""
    return formats.french_datetime(value) if value else ""
