"""Page helpers that know no app: who may see a member page, which layout a
public page extends, the query strings and GOV.UK pagination of a list, and
the HTML a process renders once. Domain apps import them from here."""

import html
from functools import lru_cache, wraps

from django.dispatch import receiver
from django.http import Http404, QueryDict
from django.test.signals import setting_changed
from django.urls import get_script_prefix, reverse
from django.utils.safestring import mark_safe


def member_required(view):
    """Member pages: the signed-in user must be a member (agents get a 404).
    The member was read with the user (accounts.backends.MemberBackend) and
    is given to the view after the request."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        member = request.user.member
        if member is None:
            raise Http404
        return view(request, member, *args, **kwargs)

    return wrapper


def signed_in_member(request):
    """The member signed in, or None (nobody, or an agent): the search pages are public."""
    if getattr(request.user, "member_id", None) is None:
        return None
    return request.user.member


def layout(request):
    """The member layout when a member is signed in, else the public one."""
    if getattr(request.user, "member_id", None) is None:
        return "portal/base.html"
    return "portal/member_base.html"


def remembered_url(viewname, *args):
    """`reverse(viewname, args=args)`, remembered by the process: for links a
    page repeats with the same few arguments (the months of the statements).
    A {% url %} or a reverse() costs 0.02-0.03 ms; the 12 statements of « par
    mois » took 0.26 ms with one each (bench/member_pages.py's data, in
    process). The URL configuration does not change while the portal runs;
    the script prefix (the portal under a path) is part of the key."""
    return _reverse(viewname, args, get_script_prefix())


@lru_cache(maxsize=4096)
def _reverse(viewname, args, script_prefix):
    return reverse(viewname, args=args)


RENDERED = {}
RENDERED_MAX = 1000  # keys are few (layouts, blank forms): a bound, not a cache policy


def rendered_once(key, render):
    """`render()`, called once by the process for `key`: for HTML that depends
    only on the code and the settings (the layout's header and footer, a blank
    sign-in form), on the pages every visitor opens first. HTML with links
    puts the script prefix in its key; a test that changes a setting starts
    afresh. With the forms written in Python, the sign-in page went from 0.29
    to 0.73 of a bare Django page (bench/public_pages.py, docs/benchmarks.md)."""
    rendered = RENDERED.get(key)
    if rendered is None:
        if len(RENDERED) >= RENDERED_MAX:
            RENDERED.clear()
        rendered = RENDERED[key] = render()
    return rendered


@receiver(setting_changed)
def _forget_renderings(**kwargs):
    RENDERED.clear()


def url_of_each(viewname):
    """A function giving `reverse(viewname, args=[pk])` for any integer `pk`,
    from one remembered reverse(): for the link on each row of a long list. A
    template's {% url %} costs 0.02-0.03 ms; the 20 rows of « Mes paiements »
    took 0.5 ms with one each, half of what the page renders beyond the member
    layout, and the page then fell below 0.7 of the floor
    (bench/member_pages.py). Use {% url %} everywhere else."""
    marker = 9876543210
    before, after = remembered_url(viewname, marker).split(str(marker))
    return lambda pk: f"{before}{int(pk)}{after}"


def html_rows(row, values):
    """The rows of a long list as HTML: `row` (a str.format template) filled
    with each tuple of `values`, every value escaped, one row per line.

    `format_html_join("\\n", row, values)` with the standard library's escape
    (the same five characters as Django's): Django's escape, through
    conditional_escape and keep_lazy, took 0.25 ms for the 20 rows of « Mes
    paiements » against 0.10 ms here. The values are text, never already safe
    HTML (that would be escaped twice)."""
    escape = html.escape
    return mark_safe(  # noqa: S308 (every value escaped)
        "\n".join(row.format(*[escape(str(value)) for value in each]) for each in values)
    )


def kept_query(query, drop=()):
    """ "?nature=care&page=2": `query` (a QueryDict) without its empty values
    nor the keys in `drop`; "" when nothing is left."""
    kept = QueryDict(mutable=True)
    for key, values in query.lists():
        if key not in drop:
            kept.setlist(key, [value for value in values if value])
    encoded = kept.urlencode()
    return f"?{encoded}" if encoded else ""


def page_numbers(current, last):
    """The page numbers a GOV.UK pagination shows: the first, the last, the
    current one and its neighbours; None where pages are left out (…)."""
    shown = sorted(n for n in {1, current - 1, current, current + 1, last} if 1 <= n <= last)
    numbers, previous = [], 0
    for number in shown:
        if number - previous == 2:
            numbers.append(number - 1)
        elif number - previous > 2:
            numbers.append(None)
        numbers.append(number)
        previous = number
    return numbers


# The numbered items of the pagination, written by `pagination` (each value
# escaped): in pagination.html, their loop took as long as the rest of the
# filtered « Mes paiements » beyond its form (bench/member_pages.py).
PAGE_ITEM = (
    '<li class="govuk-pagination__item"><a class="govuk-link govuk-pagination__link" '
    'href="{}" aria-label="Page {}">{}</a></li>'
)
CURRENT_PAGE_ITEM = (
    '<li class="govuk-pagination__item govuk-pagination__item--current">'
    '<a class="govuk-link govuk-pagination__link" href="{}" aria-label="Page {}" '
    'aria-current="page">{}</a></li>'
)
LEFT_OUT_ITEM = '<li class="govuk-pagination__item govuk-pagination__item--ellipses">&ctdot;</li>'


def pagination(page, path, query=""):
    """The links of the GOV.UK pagination of a Django `Page`
    (portal/includes/pagination.html, through `{% pagination %}`): `items`, the
    numbered pages as the list's HTML items ("…" where pages are left out, see
    `page_numbers`), and the previous and next pages' URLs ("" when there is
    none). They are `path` and `query`, the list's filters (see `kept_query`),
    with the page's number after the first."""

    def url(number):
        if number == 1:
            return f"{path}{query}"
        return f"{path}{query}&page={number}" if query else f"{path}?page={number}"

    def item(number):
        if number is None:
            return LEFT_OUT_ITEM
        row = CURRENT_PAGE_ITEM if number == page.number else PAGE_ITEM
        return row.format(html.escape(url(number)), number, number)

    numbers = page_numbers(page.number, page.paginator.num_pages)
    return {
        # The URLs escaped, the numbers integers.
        "items": mark_safe("\n".join(item(number) for number in numbers)),  # noqa: S308
        "previous_url": url(page.number - 1) if page.has_previous() else "",
        "next_url": url(page.number + 1) if page.has_next() else "",
    }
