from django import template
from django.urls import reverse

from ..colours import fund_colours
from ..pages import kept_query, remembered_url
from ..pages import pagination as pagination_links

register = template.Library()


@register.simple_tag
def theme_css_url():
    """/theme.css with a version from the colours, so it can be cached long."""
    primary, secondary = fund_colours()
    return f"{reverse('portal:theme_css')}?v={primary[1:]}{secondary[1:]}"


@register.inclusion_tag("portal/includes/pagination.html", takes_context=True)
def pagination(context, page, label):
    """{% pagination page "Pages de …" %}: the GOV.UK pagination of a Django
    `Page`, nothing when it has one page. Its links keep the list's filters
    (the query string, without its empty values) and change the page number."""
    if not page.has_other_pages():
        return {"links": None}
    request = context["request"]
    query = kept_query(request.GET, drop=("page",))
    return {"label": label, "links": pagination_links(page, request.path, query)}


# {% remembered_url "payments:filters" %}: a {% url %} kept by the process (see
# pages.remembered_url); three {% url %} were 0.06 ms of « Mes paiements ».
register.simple_tag(remembered_url, name="remembered_url")
