"""The monthly totals of « Mes paiements » as a horizontal bar chart drawn in SVG.

Horizontal bars keep the month names and the amounts written in full and
readable on a 320 px wide phone: one row per month, the month on the left, the
bar in the middle, the amount on the right. The SVG has a viewBox and no fixed
size, so it scales to the width of its column. It is written here in Python
(a few dozen elements, faster than a template loop); the page puts the same
figures in a table beside it (`payments/_chart.html`).
"""

from decimal import Decimal

from django.utils.html import format_html, format_html_join

from .templatetags.payments import euros, month_name, of_month, short_month_name

MONTHS = 12
WIDTH = 300  # viewBox units; the text is 14 units high
LABEL_WIDTH = 80  # "sept. 2025"
AMOUNT_WIDTH = 88  # "12 345,67 €"
BAR_X = LABEL_WIDTH + 4
BAR_SPACE = WIDTH - BAR_X - AMOUNT_WIDTH - 4
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP = 4
TEXT = "#0b0c0c"
BAR = "#1d70b8"


class Bar:
    """One month: its names, its total and the geometry of its row."""

    def __init__(self, month, total, index, largest):
        self.month = month
        self.total = total
        self.label = short_month_name(month)  # "sept. 2025", in the chart
        self.name = month_name(month).capitalize()  # "Septembre 2025", in the table
        self.amount = euros(total)
        self.y = TOP + index * ROW_HEIGHT
        self.text_y = self.y + BAR_HEIGHT / 2 + 5  # the baseline, centred on the bar
        self.width = round(float(total / largest) * BAR_SPACE, 1) if total > 0 else 0


class MonthlyChart:
    """The chart of `totals`: [(first day of the month, total), …], 12 months,
    oldest first (see `PaymentQuerySet.monthly_totals`)."""

    def __init__(self, totals):
        largest = max((total for _, total in totals), default=0)
        self.bars = [
            Bar(month, total, index, largest) for index, (month, total) in enumerate(totals)
        ]
        self.first_month, self.last_month = totals[0][0], totals[-1][0]
        self.height = TOP * 2 + len(self.bars) * ROW_HEIGHT - (ROW_HEIGHT - BAR_HEIGHT)
        self.total = sum((bar.total for bar in self.bars), Decimal("0.00"))

    @property
    def is_empty(self):
        return all(bar.total == 0 for bar in self.bars)

    @property
    def period(self):
        """ "d'avril 2025 à mars 2026"."""
        return f"{of_month(self.first_month)} à {month_name(self.last_month)}"

    def svg(self):
        """The chart as an inline SVG image, named by its <title>."""
        rows = format_html_join(
            "\n",
            '<text x="0" y="{}" font-size="14" fill="{}">{}</text>{}'
            '<text x="{}" y="{}" font-size="14" fill="{}" text-anchor="end">{}</text>',
            (
                (
                    f"{bar.text_y:g}",
                    TEXT,
                    bar.label,
                    format_html(
                        '<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                        BAR_X,
                        bar.y,
                        f"{bar.width:g}",
                        BAR_HEIGHT,
                        BAR,
                    )
                    if bar.width
                    else "",
                    WIDTH,
                    f"{bar.text_y:g}",
                    TEXT,
                    bar.amount,
                )
                for bar in self.bars
            ),
        )
        return format_html(
            '<svg class="assure-chart" viewBox="0 0 {} {}" width="100%" role="img" '
            'aria-labelledby="chart-title" focusable="false" xmlns="http://www.w3.org/2000/svg">\n'
            '<title id="chart-title">Graphique en barres des montants versés par mois, {}. '
            "Les mêmes montants sont dans le tableau qui suit.</title>\n"
            '<line x1="{}" y1="0" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>\n{}\n</svg>',
            WIDTH,
            self.height,
            self.period,
            BAR_X,
            BAR_X,
            self.height - TOP + 2,
            TEXT,
            rows,
        )
