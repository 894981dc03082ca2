from django import template
from django.template.loader import render_to_string
from django.urls import reverse

from ..colours import fund_colours
from ..pages import kept_query, remembered_url, rendered_once
from ..pages import pagination as pagination_links

register = template.Library()


@register.simple_tag
def theme_css_url():
    """/theme.css with a version from the colours, so it can be cached long."""
    primary, secondary = fund_colours()
    return f"{reverse('portal:theme_css')}?v={primary[1:]}{secondary[1:]}"


@register.simple_tag
def error_summary(form):
    """{% error_summary form %}: GOV.UK's error summary of the form, at the top
    of <main> before the <h1>; nothing (and no template) when it has no error."""
    if not form.errors:
        return ""
    return render_to_string("portal/includes/error_summary.html", {"form": form})


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


@register.tag
def constant(parser, token):
    """{% constant %}…{% endconstant %}: rendered once by the process
    (pages.rendered_once), for parts of a layout that show only the settings
    (the fund's name, address, colours) and links: never the request, the
    member or a form inside."""
    nodelist = parser.parse(("endconstant",))
    parser.delete_first_token()
    return ConstantNode(nodelist)


class ConstantNode(template.Node):
    def __init__(self, nodelist):
        self.nodelist = nodelist

    def render(self, context):
        request = context.get("request")
        # The script prefix of the links in it (request.path begins with it).
        prefix = request.path[: len(request.path) - len(request.path_info)] if request else None
        return rendered_once((self, prefix), lambda: self.nodelist.render(context))
