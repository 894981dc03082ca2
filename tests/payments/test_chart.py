"""The monthly totals of the last 12 months: an SVG chart and the same figures in a table."""

import datetime
import re
from collections import defaultdict
from decimal import Decimal

import pytest
import time_machine

from assure.lib.french import euros
from assure.payments.chart import BAR_SPACE, MonthlyChart
from assure.payments.models import Payment
from tests.members.factories import MemberFactory
from tests.payments.conftest import main_text, pay, plain

URL = "/mes-paiements/par-mois/"
MONTHS = [
    "avr. 2025",
    "mai 2025",
    "juin 2025",
    "juil. 2025",
    "août 2025",
    "sept. 2025",
    "oct. 2025",
    "nov. 2025",
    "déc. 2025",
    "janv. 2026",
    "févr. 2026",
    "mars 2026",
]


def chart_figures(response):
    """[(label, amount), …] as the SVG writes them."""
    page = response.content.decode()
    svg = page[
        page.index('<svg class="assure-chart"') : page.index("</svg>", page.index("assure-chart"))
    ]
    texts = [plain(t) for t in re.findall(r"<text[^>]*>(.*?)</text>", svg)]
    return list(zip(texts[::2], texts[1::2], strict=True))


def chart_bars(response):
    page = response.content.decode()
    svg = page[page.index('<svg class="assure-chart"') :]
    svg = svg[: svg.index("</svg>")]
    return [float(w) for w in re.findall(r'<rect x="[\d.]+" y="[\d.]+" width="([\d.]+)"', svg)]


def table_figures(response):
    """[(month, amount), …] from the table of the chart, and its total row."""
    page = response.content.decode()
    table = page[page.index("Voir les montants en tableau") :]
    table = table[: table.index("</table>")]
    rows = re.findall(
        r'<th scope="row" class="govuk-table__header">(.*?)</th>\s*<td[^>]*>(.*?)</td>', table
    )
    return [(plain(month), plain(amount)) for month, amount in rows]


def db_sums(member, **filters):
    """What the database holds, summed in Python, per (year, month)."""
    sums = defaultdict(Decimal)
    for payment in Payment.objects.filter(member=member, **filters):
        sums[(payment.paid_on.year, payment.paid_on.month)] += payment.amount
    return sums


@pytest.fixture
def history(alice, lucas):
    """Payments across and around the 12 months, and another member's."""
    pay(alice, datetime.date(2025, 3, 31), amount="500.00")  # 12 months ago: left out
    pay(alice, datetime.date(2025, 4, 1), amount="10.00")
    pay(alice, datetime.date(2025, 4, 30), amount="0.55")
    pay(alice, datetime.date(2025, 9, 15), amount="1234.56", nature=Payment.DAILY_ALLOWANCE)
    pay(alice, datetime.date(2025, 12, 24), amount="42.00", beneficiary=lucas)
    pay(alice, datetime.date(2026, 2, 1), amount="19.00")
    pay(alice, datetime.date(2026, 2, 28), amount="21.50", beneficiary=lucas)
    pay(alice, datetime.date(2026, 3, 15), amount="3.33")
    pay(MemberFactory(), datetime.date(2026, 2, 10), amount="777.77")


def test_the_chart_and_the_table_give_the_database_sums(signed_in, alice, history):
    response = signed_in.get(URL)

    sums = db_sums(alice)
    expected_amounts = []
    for index in range(12):
        year, month = divmod(2025 * 12 + 3 + index, 12)
        expected_amounts.append(
            euros(sums.get((year, month + 1), Decimal("0"))).replace("\xa0", " ")
        )
    chart = chart_figures(response)
    table = table_figures(response)
    assert [label for label, _ in chart] == MONTHS
    assert [amount for _, amount in chart] == expected_amounts
    assert [amount for _, amount in table[:12]] == expected_amounts
    assert [month for month, _ in table][:3] == ["Avril 2025", "Mai 2025", "Juin 2025"]
    assert expected_amounts[0] == "10,55 €"
    assert expected_amounts[5] == "1 234,56 €"
    assert expected_amounts[10] == "40,50 €"  # another member's 777,77 € left out
    assert table[12] == ("Total sur 12 mois", "1 330,94 €")


def test_the_bars_are_proportional_to_the_totals(signed_in, history):
    bars = chart_bars(signed_in.get(URL))

    # One bar per month with payments; the largest takes the whole space.
    assert len(bars) == 5
    assert max(bars) == BAR_SPACE
    assert bars[0] == pytest.approx(BAR_SPACE * 10.55 / 1234.56, abs=0.1)


def test_the_chart_is_an_accessible_image(signed_in, history):
    page = signed_in.get(URL).content.decode()

    svg = page[page.index('<svg class="assure-chart"') :]
    assert 'role="img"' in svg[:300] and 'aria-labelledby="chart-title"' in svg[:300]
    assert 'viewBox="0 0 300 ' in svg[:300] and 'width="100%"' in svg[:300]
    assert (
        '<title id="chart-title">Graphique en barres des montants versés par mois, '
        "d&#x27;avril 2025 à mars 2026." in svg
    )
    assert '<caption class="govuk-table__caption govuk-table__caption--s">' in page
    assert "Montants versés par mois, d'avril 2025 à mars 2026" in main_text(signed_in.get(URL))


def test_the_page_says_what_the_chart_counts(signed_in, history):
    text = main_text(signed_in.get(URL))

    assert (
        "Sur les 12 derniers mois, d'avril 2025 à mars 2026, pour vous et pour vos ayants droit. "
        "Graphique en barres"
    ) in text


def test_it_is_reached_from_the_list(signed_in, history):
    page = signed_in.get("/mes-paiements/").content.decode()

    assert f'<a class="govuk-link" href="{URL}">Voir les montants versés chaque mois' in page


def test_no_payment_in_12_months(signed_in, alice):
    pay(alice, datetime.date(2024, 1, 5))

    response = signed_in.get(URL)

    assert "Aucun paiement sur ces 12 mois." in main_text(response)
    assert "assure-chart" not in response.content.decode()


def test_the_totals_by_month_take_one_query(alice, history, django_assert_num_queries):
    with django_assert_num_queries(1):
        months = Payment.objects.monthly_totals(alice, datetime.date(2025, 3, 1), 13)

    assert [month for month, _, _ in months] == [
        datetime.date(2025 + (2 + n) // 12, (2 + n) % 12 + 1, 1) for n in range(13)
    ]
    assert months[0] == (datetime.date(2025, 3, 1), Decimal("500.00"), 1)
    assert months[1] == (datetime.date(2025, 4, 1), Decimal("10.55"), 2)
    assert months[2] == (datetime.date(2025, 5, 1), Decimal("0.00"), 0)


def test_the_chart_sums_its_months(alice, history):
    totals = [
        (month, total)
        for month, total, _ in Payment.objects.monthly_totals(alice, datetime.date(2025, 4, 1), 12)
    ]

    chart = MonthlyChart(totals)

    assert chart.total == Decimal("1330.94")
    assert chart.period == "d'avril 2025 à mars 2026"
    assert [bar.name for bar in chart.bars][::11] == ["Avril 2025", "Mars 2026"]


@pytest.mark.parametrize(
    ("day", "period"),
    [
        (datetime.date(2026, 1, 31), "de février 2025 à janvier 2026"),
        (datetime.date(2026, 12, 1), "de janvier 2026 à décembre 2026"),
        (datetime.date(2026, 7, 4), "d'août 2025 à juillet 2026"),
    ],
)
def test_the_12_months_end_with_the_current_one(client, alice_account, day, period):
    pay(alice_account.member, datetime.date(2026, 1, 15))
    moment = datetime.datetime.combine(day, datetime.time(10), tzinfo=datetime.UTC)
    with time_machine.travel(moment, tick=False):
        client.force_login(alice_account)
        response = client.get(URL)

    assert f"Sur les 12 derniers mois, {period}, pour vous" in main_text(response)
    assert len(chart_figures(response)) == 12
