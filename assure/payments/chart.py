"""The monthly totals of « Mes paiements » as a horizontal bar chart drawn in SVG.

Horizontal bars keep the month names and the amounts written in full and
readable on a 320 px wide phone: one row per month, the month on the left, the
bar in the middle, the amount on the right. The SVG has a viewBox and no fixed
size, so it scales to the width of its column. Its geometry is computed here;
its markup is in the template `payments/_chart.html`, which puts the same
figures in a table beside it.
"""

from decimal import Decimal

from django.utils.safestring import mark_safe

from assure.lib.french import euros, month_name, of_month, short_month_name
from assure.portal.pages import html_rows

MONTHS = 12
WIDTH = 300  # viewBox units; the text is 14 units high
LABEL_WIDTH = 80  # "sept. 2025"
AMOUNT_WIDTH = 88  # "12 345,67 €"
BAR_X = LABEL_WIDTH + 4
BAR_SPACE = WIDTH - BAR_X - AMOUNT_WIDTH - 4
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP = 4
# A month of the table beside the chart (html_rows: see payments/views.py's ROW).
TABLE_ROW = (
    '<tr class="govuk-table__row"><th scope="row" class="govuk-table__header">{}</th>'
    '<td class="govuk-table__cell govuk-table__cell--numeric">{}</td></tr>'
)


class Bar:
    """One month: its names, its total and the geometry of its row."""

    def __init__(self, month, total, index, largest):
        self.month = month
        self.total = total
        self.label = short_month_name(month)  # "sept. 2025", in the chart
        self.name = month_name(month).capitalize()  # "Septembre 2025", in the table
        self.amount = euros(total)
        self.y = TOP + index * ROW_HEIGHT
        self.text_y = self.y + BAR_HEIGHT // 2 + 5  # the baseline, centred on the bar
        self.width = round(float(total / largest) * BAR_SPACE, 1) if total > 0 else 0

    def svg(self):
        """The row's SVG: the month, the bar (none at zero), the amount. Only numbers,
        month names and amounts written here: nothing to escape."""
        label = f'<text x="0" y="{self.text_y}" font-size="14" fill="#0b0c0c">{self.label}</text>'
        bar = (
            f'<rect x="{BAR_X}" y="{self.y}" width="{self.width:g}" height="{BAR_HEIGHT}" '
            'fill="#1d70b8"/>'
            if self.width
            else ""
        )
        amount = (
            f'<text x="{WIDTH}" y="{self.text_y}" font-size="14" fill="#0b0c0c" '
            f'text-anchor="end">{self.amount}</text>'
        )
        return mark_safe(label + bar + amount)  # noqa: S308 (numbers, month names, amounts)


class MonthlyChart:
    """The chart of `totals`: [(first day of the month, total), …], 12 months,
    oldest first (see `PaymentQuerySet.monthly_totals`)."""

    width = WIDTH
    bar_x = BAR_X

    def __init__(self, totals):
        largest = max((total for _, total in totals), default=0)
        self.bars = [
            Bar(month, total, index, largest) for index, (month, total) in enumerate(totals)
        ]
        self.first_month, self.last_month = totals[0][0], totals[-1][0]
        self.height = TOP * 2 + len(self.bars) * ROW_HEIGHT - (ROW_HEIGHT - BAR_HEIGHT)
        self.axis_end = self.height - TOP + 2  # the vertical axis, left of the bars
        self.total = sum((bar.total for bar in self.bars), Decimal("0.00"))

    @property
    def bars_svg(self):
        """Every bar's row of SVG, one after the other: written at once, not
        through a loop of the template (12 nodes fewer to render)."""
        return mark_safe("\n".join(bar.svg() for bar in self.bars))  # noqa: S308 (see Bar.svg)

    @property
    def table_rows(self):
        """The same months in the table's rows: "Septembre 2025", "123,45 €"."""
        return html_rows(TABLE_ROW, ((bar.name, bar.amount) for bar in self.bars))

    @property
    def is_empty(self):
        return all(bar.total == 0 for bar in self.bars)

    @property
    def period(self):
        """ "d'avril 2025 à mars 2026"."""
        return f"{of_month(self.first_month)} à {month_name(self.last_month)}"
