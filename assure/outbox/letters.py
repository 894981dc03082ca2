"""Letters as PDF: an A4 page for a French window envelope.

Where the address goes. The usual French window envelope is the DL
(110 × 220 mm) with a 45 × 100 mm window on the right, 20 mm from the right
edge and 15 mm from the bottom: on the envelope the window spans 100–200 mm
from the left and 50–95 mm from the top. An A4 sheet folded in three (panels of
99 mm) puts the top panel against the envelope's top, with a few millimetres
of play. The recipient's block is therefore printed in a frame of 85 × 33 mm
whose top-left corner is 110 mm from the left and 55 mm from the top of the
sheet (the frame French mailing guides give for window envelopes): 10 mm
inside the window on the left, 5 mm below its top, 7 mm above its bottom, so
the address stays visible when the letter slides. At most 6 lines (AFNOR
NF Z 10-011), 10 pt, upper-case name and town as `Member.postal_lines` gives.
Fold marks are printed in the left margin at 99 and 198 mm.

A letter's words are templates beside the e-mails' (outbox/letters/<name>.xml
and <name>.subject.txt, see `letter_story`); `render_letter` draws one letter
on a canvas (one page, more if needed), so the print batch draws every letter
into one PDF.
"""

import io
from xml.etree import ElementTree
from xml.sax.saxutils import escape

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone, translation
from reportlab.lib import colors
from reportlab.platypus import Frame, Paragraph, Spacer, Table, TableStyle

from assure.lib.french import french_date
from assure.lib.pdf import (
    FONT,
    FONT_BOLD,
    FONT_MONO_BOLD,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    draw_fund_header,
    draw_story,
    mm,
    new_canvas,
    styles,
    top,
)

ADDRESS_LEFT = 110 * mm
ADDRESS_TOP = 55 * mm  # from the top of the sheet
ADDRESS_WIDTH = 85 * mm
ADDRESS_HEIGHT = 33 * mm
ADDRESS_SIZE = 10
ADDRESS_LEADING = 4.4 * mm
BODY_TOP = 118 * mm  # first page, from the top of the sheet
FOOTER_HEIGHT = 18 * mm


# The elements of a letter's template (outbox/letters/<name>.xml) and the
# paragraph style each is printed in; <code> and <ol> are drawn apart.
PARAGRAPHS = {"p": "body", "h2": "strong", "closing": "body", "signature": "strong"}


def letter_story(letter):
    """The flowables of a letter's body, from its template.

    The template is a Django template (escaping on) rendered with the letter's
    context, written as a small XML document: <p>, <h2>, <closing> and
    <signature> paragraphs in reportlab's mini-markup (<b>, <strong>), the
    <code> in its box and an <ol> of numbered <li> steps. Sentences that an
    e-mail says too are included from outbox/sentences/, so both keep one
    wording.
    """
    with translation.override("fr"):
        markup = render_to_string(f"outbox/letters/{letter.template}.xml", letter.render_context())
    st = styles()
    story = []
    # The markup is our own template's, every value escaped by Django.
    for element in ElementTree.fromstring(markup):  # noqa: S314
        if element.tag == "code":
            story += [Spacer(0, 2 * mm), code_box(element.text.strip()), Spacer(0, 4 * mm)]
        elif element.tag == "ol":
            story += [
                Paragraph(inner_markup(item), st["step"], bulletText=f"{number}.")
                for number, item in enumerate(element, start=1)
            ]
            story.append(Spacer(0, 2 * mm))
        elif element.tag in PARAGRAPHS:
            if element.tag == "closing":
                story.append(Spacer(0, 4 * mm))
            story.append(Paragraph(inner_markup(element), st[PARAGRAPHS[element.tag]]))
        else:
            raise ValueError(f"Unknown element <{element.tag}> in letter {letter.template!r}.")
    return story


def inner_markup(element):
    """What is inside `element`, as reportlab mini-markup."""
    children = "".join(ElementTree.tostring(child, encoding="unicode") for child in element)
    return escape(element.text or "") + children


def code_box(code):
    """A provisional code, large, in a box."""
    return Table(
        [[code]],
        colWidths=[95 * mm],
        rowHeights=[18 * mm],
        style=TableStyle(
            [
                ("BOX", (0, 0), (-1, -1), 2, colors.black),
                ("FONT", (0, 0), (-1, -1), FONT_MONO_BOLD, 26),
                ("ALIGN", (0, 0), (-1, -1), "CENTER"),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        ),
    )


def fund_city():
    """The town on the last line of the fund's address ("75000 Paris" → "Paris")."""
    lines = settings.ASSURE_FUND_ADDRESS.splitlines()
    postcode, _, city = (lines[-1] if lines else "").strip().partition(" ")
    return city.strip() if postcode.isdigit() else ""


def place_and_date(day):
    city = fund_city()
    return f"{city}, le {french_date(day)}" if city else f"Le {french_date(day)}"


def draw_address(canvas, lines):
    text = canvas.beginText(ADDRESS_LEFT, top(ADDRESS_TOP) - ADDRESS_SIZE)
    text.setFont(FONT, ADDRESS_SIZE)
    text.setLeading(ADDRESS_LEADING)
    for line in lines:
        text.textLine(line)
    canvas.drawText(text)


def draw_fold_marks(canvas):
    canvas.setLineWidth(0.3)
    for distance in (99 * mm, 198 * mm):
        canvas.line(4 * mm, top(distance), 9 * mm, top(distance))


def draw_footer(canvas, letter, page):
    canvas.setFont(FONT, 8)
    canvas.setFillColor(colors.HexColor("#505a5f"))
    canvas.drawString(
        MARGIN, 12 * mm, f"{settings.ASSURE_FUND_NAME} · {settings.ASSURE_PUBLIC_URL}/"
    )
    canvas.drawRightString(PAGE_WIDTH - MARGIN, 12 * mm, f"Courrier n° {letter.pk} · page {page}")
    canvas.setFillColor(colors.black)


def render_letter(letter, canvas):
    """Draw `letter` on `canvas`, ending its last page. Returns its number of pages."""
    subject, story = letter.subject, letter_story(letter)
    draw_fund_header(canvas)
    draw_address(canvas, letter.postal_lines)
    draw_fold_marks(canvas)
    canvas.setFont(FONT, 10)
    canvas.drawString(MARGIN, top(100 * mm), f"Référence : courrier n° {letter.pk}")
    canvas.drawString(
        ADDRESS_LEFT, top(100 * mm), place_and_date(timezone.localtime(letter.created_at))
    )
    canvas.setFont(FONT_BOLD, 11)
    canvas.drawString(MARGIN, top(110 * mm), f"Objet : {subject}")
    draw_footer(canvas, letter, 1)
    pages = [1]
    body_width = PAGE_WIDTH - 2 * MARGIN

    def first_frame():
        height = top(BODY_TOP) - FOOTER_HEIGHT
        return Frame(MARGIN, FOOTER_HEIGHT, body_width, height, 0, 0, 0, 0)

    def next_frame():
        height = PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT
        return Frame(MARGIN, FOOTER_HEIGHT, body_width, height, 0, 0, 0, 0)

    def new_page(canvas):
        pages.append(len(pages) + 1)
        draw_footer(canvas, letter, pages[-1])

    draw_story(canvas, story, first_frame, next_frame, new_page)
    canvas.showPage()
    return len(pages)


def letter_pdf(letter):
    """One letter as PDF bytes."""
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, title=f"Courrier n° {letter.pk}", author=settings.ASSURE_FUND_NAME)
    render_letter(letter, canvas)
    canvas.save()
    return buffer.getvalue()
