import datetime

from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone

from assure.accounts.views import member_required

from .chart import MonthlyChart
from .forms import PaymentFilterForm
from .models import add_months, month_start
from .statement import statement_pdf
from .templatetags.payments import kept_query

PER_PAGE = 20


@member_required
def index(request, member):
    this_month = month_start(timezone.localdate())
    form = PaymentFilterForm(
        request.GET, member=member, beneficiaries=list(member.beneficiaries.all())
    )
    valid = form.is_valid()
    # The 12 months before this one (statements) and this one: totals by month.
    months = member.payments.monthly_totals(
        add_months(this_month, -12), 13, **(form.chart_filters() if valid else {})
    )
    context = {
        "member": member,
        "form": form,
        "statement_months": [month for month, _, count in reversed(months[:-1]) if count],
        "list_query": kept_query(request.GET),
        "filtered": bool(kept_query(request.GET, drop=("page",))),
    }
    if valid:
        payments = member.payments.filter_for(**form.filters()).select_related("beneficiary")
        # Not a number: the first page; beyond the last: the last (Django's get_page).
        context["page"] = Paginator(payments, PER_PAGE).get_page(request.GET.get("page"))
        context["chart"] = MonthlyChart([(month, total) for month, total, _ in months[1:]])
    return render(request, "payments/index.html", context)


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
