import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe

from assure.accounts.views import member_required

from .chart import MonthlyChart
from .forms import PaymentFilterForm
from .models import Payment, add_months, beneficiaries_of, month_start
from .statement import statement_pdf
from .templatetags.payments import kept_query, pagination

PER_PAGE = 20


class Links:
    """The links of « Mes paiements » to a payment and to a statement, written
    from one `reverse()`: it costs 0.03 ms, and the page has some 35 links.
    They follow the patterns of urls.py (tests compare them with `reverse()`).
    `query` (the list's filters) is kept on the links to a payment."""

    def __init__(self, query=""):
        self.index = reverse("payments:index")
        self.query = query

    def detail(self, payment):
        return f"{self.index}{payment.pk}/{self.query}"

    def statement(self, month):
        return f"{self.index}releves/{month.year:04d}-{month.month:02d}/"


@member_required
def index(request, member):
    this_month = month_start(timezone.localdate())
    beneficiaries = beneficiaries_of(member)
    form = PaymentFilterForm(request.GET, member=member, beneficiaries=beneficiaries)
    valid = form.is_valid()
    # The 12 months before this one (statements) and this one: totals by month.
    months = Payment.objects.monthly_totals(
        member, add_months(this_month, -12), 13, **(form.chart_filters() if valid else {})
    )
    filters = kept_query(request.GET, drop=("page",))
    context = {
        "member": member,
        "form": form,
        "filtered": bool(filters),
        "links": Links(kept_query(request.GET)),
        "statement_months": [month for month, _, count in reversed(months[:-1]) if count],
        "page": None,
        "chart": None,
    }
    if valid:
        payments = Payment.objects.listing(member, beneficiaries, **form.filters())
        # Not a number: the first page; beyond the last: the last (Django's get_page).
        page = Paginator(payments, PER_PAGE).get_page(request.GET.get("page"))
        context |= {
            "page": page,
            "pagination": pagination(page, request.path, filters),
            "chart": MonthlyChart([(month, total) for month, total, _ in months[1:]]),
            "chart_note": form.chart_note(),
        }
    # Jinja2 escapes every value it writes (autoescape), so its HTML is safe.
    content = render_to_string("payments/index.jinja", context, using="jinja2")
    return render(request, "payments/index.html", {"form": form, "content": mark_safe(content)})  # noqa: S308


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
        "back_url": reverse("payments:index") + kept_query(request.GET),
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
