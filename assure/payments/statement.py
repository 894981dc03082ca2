"""The monthly statement (« relevé mensuel ») of a member's payments, as an A4 PDF.

One or more pages: the fund's identity, the member's name and social security
number, then each payment of the month (oldest first) with its lines, and the
month's total. Every page carries "page n sur N" at the bottom (the pages are
ended when the document is saved, once N is known). The fonts are the embedded
DejaVu of `assure.lib.pdf`. Only the payments given are printed: the view reads
them from `member.payments`.
"""

import io
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Frame,
    KeepTogether,
    NextPageTemplate,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from assure.lib.french import euros, french_date, month_name, of_month
from assure.lib.pdf import (
    FONT,
    FONT_BOLD,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    draw_fund_header,
    mm,
    register_fonts,
    styles,
)

from .models import Payment
from .templatetags.payments import care_dates

HEADER_HEIGHT = 62 * mm  # first page: the fund, the member, the title
FOOTER_HEIGHT = 16 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
FIRST_BODY_HEIGHT = PAGE_HEIGHT - HEADER_HEIGHT - FOOTER_HEIGHT
NEXT_BODY_HEIGHT = PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT
GREY = colors.HexColor("#505a5f")
LIGHT = colors.HexColor("#f3f2f1")
# Date, act and professional, charged, base, rate, reimbursed, flat fee, franchise.
COLUMNS = [21 * mm, 33 * mm, 19 * mm, 26 * mm, 11 * mm, 20 * mm, 21 * mm, 19 * mm]
HEADINGS = [
    "Date des soins",
    "Acte et professionnel",
    "Montant payé",
    "Base de remboursement",
    "Taux",
    "Montant remboursé",
    "Participation forfaitaire",
    "Franchise",
]


def cell_styles():
    text = ParagraphStyle("cell", parent=styles()["small"], fontSize=8, leading=10)
    heading = ParagraphStyle("cell-heading", parent=text, fontName=FONT_BOLD, fontSize=7.5)
    return {
        "text": text,
        "heading": heading,
        "heading-number": ParagraphStyle("cell-heading-number", parent=heading, alignment=TA_RIGHT),
    }


def lines_table(payment, lines):
    """The payment's lines: a header row (repeated if the table goes on to the
    next page), one row per line, a total row when there are several lines.
    Amounts are plain strings: they never wrap."""
    st = cell_styles()
    rows = [
        [
            Paragraph(escape(title), st["heading" if n < 2 else "heading-number"])
            for n, title in enumerate(HEADINGS)
        ]
    ]
    for line in lines:
        act = escape(line.act)
        if line.professional:
            act += f"<br/>{escape(line.professional)}"
        rows.append(
            [
                Paragraph(escape(care_dates(line)), st["text"]),
                Paragraph(act, st["text"]),
                euros(line.charged),
                euros(line.base),
                f"{line.rate}\u00a0%",
                euros(line.reimbursed),
                euros(line.flat_fee),
                euros(line.franchise),
            ]
        )
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("FONT", (0, 0), (-1, -1), FONT, 8),
        ("ALIGN", (2, 1), (-1, -1), "RIGHT"),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 2),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
        ("LINEBELOW", (0, 1), (-1, -1), 0.3, GREY),
    ]
    if len(lines) > 1:
        totals = Payment.totals(lines)
        rows.append(
            [
                Paragraph("Total", st["heading"]),
                "",
                euros(totals["charged"]),
                "",
                "",
                euros(totals["reimbursed"]),
                euros(totals["flat_fee"]),
                euros(totals["franchise"]),
            ]
        )
        style += [
            ("FONT", (2, -1), (-1, -1), FONT_BOLD, 8),
            ("LINEABOVE", (0, -1), (-1, -1), 0.6, colors.black),
            ("SPAN", (0, -1), (1, -1)),
        ]
    return Table(rows, colWidths=COLUMNS, repeatRows=1, style=TableStyle(style))


def payment_block(payment, member):
    """A payment: its title, reference and person, its lines. Kept on one page
    when it fits; a payment longer than a page flows on to the next."""
    st = styles()
    title = Paragraph(
        f"Paiement du {escape(french_date(payment.paid_on))} · "
        f"{escape(payment.get_nature_display())}",
        st["heading"],
    )
    facts = Paragraph(
        f"Référence : {escape(payment.reference)} · Pour : "
        f"{escape(payment.beneficiary_name(member))} · Montant versé sur votre compte : "
        f"<b>{escape(euros(payment.amount))}</b>",
        st["small"],
    )
    lines = list(payment.lines.all())
    return [
        KeepTogether([title, facts, Spacer(0, 2 * mm), lines_table(payment, lines)]),
        Spacer(0, 5 * mm),
    ]


def story(member, month, payments):
    st = styles()
    total = sum((payment.amount for payment in payments), start=0)
    count = len(payments)
    flowables = [NextPageTemplate("next")]
    for payment in payments:
        flowables += payment_block(payment, member)
    flowables += [
        KeepTogether(
            [
                Paragraph(
                    f"Total versé en {escape(month_name(month))} : {escape(euros(total))}",
                    st["heading"],
                ),
                Paragraph(
                    f"{count} paiement{'s' if count > 1 else ''} ce mois-ci. "
                    "Les montants remboursés sont versés après déduction des participations "
                    "forfaitaires et des franchises.",
                    st["body"],
                ),
                Paragraph(
                    "Une question sur ce relevé ? Appelez votre caisse au "
                    f"{escape(settings.ASSURE_FUND_PHONE)}.",
                    st["body"],
                ),
            ]
        )
    ]
    return flowables


def draw_header(canvas, member, month, today):
    """First page: the fund (left), the member (right), the title."""
    draw_fund_header(canvas)
    right = PAGE_WIDTH - MARGIN
    canvas.setFont(FONT_BOLD, 10.5)
    canvas.drawRightString(right, PAGE_HEIGHT - 18 * mm, f"{member.first_names} {member.last_name}")
    canvas.setFont(FONT, 9.5)
    canvas.drawRightString(
        right, PAGE_HEIGHT - 23 * mm, f"N° de sécurité sociale : {member.formatted_nir}"
    )
    canvas.drawRightString(right, PAGE_HEIGHT - 28 * mm, f"Édité le {french_date(today)}")
    canvas.setFont(FONT_BOLD, 15)
    canvas.drawString(MARGIN, PAGE_HEIGHT - 48 * mm, "Relevé mensuel de vos paiements")
    canvas.setFont(FONT, 12)
    canvas.drawString(MARGIN, PAGE_HEIGHT - 55 * mm, month_name(month).capitalize())


def draw_footer(canvas, member, month):
    canvas.setFont(FONT, 8)
    canvas.setFillColor(GREY)
    canvas.drawString(
        MARGIN,
        10 * mm,
        f"{settings.ASSURE_FUND_NAME} · Relevé {of_month(month)} · "
        f"{member.first_names} {member.last_name}",
    )
    canvas.setFillColor(colors.black)


class NumberedCanvas(Canvas):
    """A canvas that ends its pages only when the document is saved, so that
    each page can say "page n sur N" (reportlab's usual recipe): laid out once."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.ended_pages = []

    def showPage(self):
        self.ended_pages.append(dict(self.__dict__))
        self._startPage()

    def save(self):
        count = len(self.ended_pages)
        for state in self.ended_pages:
            self.__dict__.update(state)
            self.setFont(FONT, 8)
            self.setFillColor(GREY)
            self.drawRightString(
                PAGE_WIDTH - MARGIN, 10 * mm, f"page {self.getPageNumber()} sur {count}"
            )
            super().showPage()
        super().save()


def statement_pdf(member, month, payments):
    """The statement of `month` (its first day) listing `payments` (the member's
    payments of that month, lines prefetched), as PDF bytes."""
    register_fonts()
    today = timezone.localdate()
    buffer = io.BytesIO()
    doc = BaseDocTemplate(
        buffer,
        pagesize=(PAGE_WIDTH, PAGE_HEIGHT),
        title=f"Relevé de vos paiements — {month_name(month)}",
        author=settings.ASSURE_FUND_NAME,
        creator="Assure",
        lang="fr-FR",
        pageCompression=1,
        initialFontName=FONT,
        initialFontSize=10,
    )

    def first_page(canvas, doc):
        draw_header(canvas, member, month, today)
        draw_footer(canvas, member, month)

    def next_page(canvas, doc):
        draw_footer(canvas, member, month)

    doc.addPageTemplates(
        [
            PageTemplate(
                "first",
                [Frame(MARGIN, FOOTER_HEIGHT, BODY_WIDTH, FIRST_BODY_HEIGHT, 0, 0, 0, 0)],
                onPage=first_page,
            ),
            PageTemplate(
                "next",
                [Frame(MARGIN, FOOTER_HEIGHT, BODY_WIDTH, NEXT_BODY_HEIGHT, 0, 0, 0, 0)],
                onPage=next_page,
            ),
        ]
    )
    doc.build(story(member, month, payments), canvasmaker=NumberedCanvas)
    return buffer.getvalue()
