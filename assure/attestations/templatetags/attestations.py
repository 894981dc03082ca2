from django import template

from assure.attestations.pdf import euros as euros_text

register = template.Library()


@register.filter
def euros(value):
    """{{ amount|euros }} → 1 234,56 € (no-break spaces)."""
    return euros_text(value) if value is not None else ""
