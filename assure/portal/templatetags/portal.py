from django import template
from django.urls import reverse

from ..colours import fund_colours

register = template.Library()


@register.simple_tag
def theme_css_url():
    """/theme.css with a version from the colours, so it can be cached long."""
    primary, secondary = fund_colours()
    return f"{reverse('portal:theme_css')}?v={primary[1:]}{secondary[1:]}"
