import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from assure.lib.french import euros, french_date, of_month
from assure.portal.pages import html_rows, kept_query, member_required, remembered_url, url_of_each

from .chart import MonthlyChart
from .forms import PaymentFilterForm
from .models import Payment, add_months, month_start
from .statement import statement_pdf

PER_PAGE = 20
# A row of the list, written by html_rows (each value escaped): the list's
# costliest part was its 20 rows of five template variables each, 0.25 ms
# against 0.05 ms this way (bench/member_pages.py's data, in process).
ROW = (
    '<tr class="govuk-table__row"><td class="govuk-table__cell">'
    '<a class="govuk-link govuk-!-font-weight-bold" href="{}">{}'
    '<span class="govuk-visually-hidden"> : détail du paiement</span></a>'
    '<span class="govuk-!-display-block">{}</span>'
    '<span class="govuk-!-display-block">pour {}</span></td>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>'
)
STATEMENT = '<li><a class="govuk-link" href="{}">Relevé {} (PDF)</a></li>'


@member_required
def index(request, member):
    filters = kept_query(request.GET, drop=("page",))
    form = None  # no filter chosen: nothing to check
    if filters:
        form = PaymentFilterForm(request.GET, member=member)
        if not form.is_valid():
            return filter_page(request, form)
    payments = Payment.objects.listing(member, **(form.filters() if form else {}))
    page = payments.page(request.GET.get("page"), PER_PAGE)
    query = kept_query(request.GET)
    detail_url = url_of_each("payments:detail")
    context = {
        "form": form,
        "filters": filters,
        "query": query,
        "page": page,
        "rows": html_rows(
            ROW,
            (
                (
                    f"{detail_url(payment.pk)}{query}",
                    french_date(payment.paid_on),
                    payment.nature_label,
                    payment.beneficiary_name(member),
                    euros(payment.amount),
                )
                for payment in page
            ),
        ),
    }
    return render(request, "payments/index.html", context)


@member_required
def filters(request, member):
    form = PaymentFilterForm(request.GET, member=member)
    form.is_valid()  # the filters chosen so far, their errors shown if any
    return filter_page(request, form)


def filter_page(request, form):
    """The filters' form, sent to the list (GET): the page to choose them, and
    the list's answer when they are wrong."""
    # Back to the list as filtered, or, when the filters are wrong, unfiltered.
    query = "" if form.errors else kept_query(request.GET, drop=("page",))
    form.show_people()
    return render(request, "payments/filters.html", {"form": form, "query": query})


@member_required
def months(request, member):
    this_month = month_start(timezone.localdate())
    # The 12 months before this one (statements) and this one: totals by month.
    totals = Payment.objects.monthly_totals(member, add_months(this_month, -12), 13)
    context = {
        "chart": MonthlyChart([(month, total) for month, total, _ in totals[1:]]),
        # The statements' links, newest first, as html_rows (12 {% url %} were
        # a quarter of the page beyond the member layout).
        "statements": html_rows(
            STATEMENT,
            (
                (remembered_url("payments:statement", month.year, month.month), of_month(month))
                for month, _, count in reversed(totals[:-1])
                if count
            ),
        ),
    }
    return render(request, "payments/months.html", context)


@member_required
def detail(request, member, pk):
    payment = get_object_or_404(member.payments.select_related("beneficiary"), pk=pk)
    lines = list(payment.lines.all())
    month = month_start(payment.paid_on)
    context = {
        "member": member,
        "payment": payment,
        "lines": lines,
        "totals": payment.totals(lines),
        "statement_month": month if month < month_start(timezone.localdate()) else None,
        "query": kept_query(request.GET),
    }
    return render(request, "payments/detail.html", context)


@member_required
def statement(request, member, year, month):
    try:
        first = datetime.date(year, month, 1)
    except ValueError:
        raise Http404 from None
    if first >= month_start(timezone.localdate()):
        raise Http404
    payments = list(
        member.payments.in_month(first)
        .select_related("beneficiary")
        .prefetch_related("lines")
        .order_by("paid_on", "id")
    )
    if not payments:
        raise Http404
    response = HttpResponse(statement_pdf(member, first, payments), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="releve-{year}-{month:02d}.pdf"'
    return response
