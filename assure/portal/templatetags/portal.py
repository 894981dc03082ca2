from django import template
from django.urls import reverse

from ..colours import fund_colours
from ..pages import kept_query
from ..pages import pagination as pagination_links
from ..pages import remembered_url as remembered

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


@register.simple_tag(name="remembered_url")
def remembered_url(viewname, *args):
    """{% remembered_url "payments:filters" %}: a {% url %} kept by the process
    (portal.pages.remembered_url), for the links of the pages measured by
    bench/member_pages.py: three {% url %} were 0.06 ms of « Mes paiements »."""
    return remembered(viewname, *args)
