"""Shared PDF helpers: embedded fonts, A4 pages, paragraph styles, flowing text,
the fund's letterhead.

Every PDF the portal makes (letters, attestations, statements) embeds the
DejaVu fonts shipped in `assure/lib/fonts/` (free licence, text beside them),
so every French character prints (é è à ç œ « » € ’ …) whatever the machine
has installed. Fonts are registered once per process.
"""

import functools
from pathlib import Path

from django.conf import settings
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

__all__ = ["FONT", "FONT_BOLD", "FONT_MONO_BOLD", "MARGIN", "PAGE_HEIGHT", "PAGE_WIDTH", "mm"]

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVuSans"
FONT_BOLD = "DejaVuSans-Bold"
FONT_MONO_BOLD = "DejaVuSansMono-Bold"
PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 20 * mm


@functools.cache
def register_fonts():
    """Register the embedded TTF fonts with reportlab (once per process)."""
    for name in (FONT, FONT_BOLD, FONT_MONO_BOLD):
        pdfmetrics.registerFont(TTFont(name, FONTS_DIR / f"{name}.ttf"))
    # <b> in a Paragraph switches to the bold face; there is no italic face.
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=FONT, boldItalic=FONT_BOLD
    )
    return True


def new_canvas(target, *, title, author=""):
    """An A4 canvas writing to `target` (a path or a binary file object)."""
    register_fonts()
    canvas = Canvas(
        target,
        pagesize=A4,
        pageCompression=1,
        lang="fr-FR",
        initialFontName=FONT,
        initialFontSize=10,
    )
    canvas.setTitle(title)
    canvas.setAuthor(author)
    canvas.setCreator("Assure")
    return canvas


@functools.cache
def styles():
    """Paragraph styles in the embedded font: body, small, heading, strong."""
    register_fonts()
    body = ParagraphStyle(
        "body", fontName=FONT, bulletFontName=FONT, fontSize=10.5, leading=14.5, spaceAfter=6
    )
    return {
        "body": body,
        "small": ParagraphStyle("small", parent=body, fontSize=8.5, leading=11, spaceAfter=0),
        "heading": ParagraphStyle(
            "heading", parent=body, fontName=FONT_BOLD, fontSize=12, leading=16, spaceAfter=8
        ),
        "strong": ParagraphStyle("strong", parent=body, fontName=FONT_BOLD),
        "step": ParagraphStyle("step", parent=body, leftIndent=7 * mm, bulletIndent=0),
    }


def draw_story(canvas, story, first_frame, next_frame, on_new_page=None):
    """Draw flowables into `first_frame`, then into fresh pages as needed.

    `first_frame` and `next_frame` are functions returning a new
    reportlab Frame; `on_new_page(canvas)` draws what continuation pages
    carry (header, reference). The caller ends the last page (showPage).
    """
    story = list(story)
    frame = first_frame()
    frame.addFromList(story, canvas)
    while story:
        canvas.showPage()
        if on_new_page:
            on_new_page(canvas)
        left = len(story)
        next_frame().addFromList(story, canvas)
        if len(story) == left:
            raise ValueError("A block of the document is taller than a page.")


def top(distance):
    """A y coordinate `distance` below the top of the page."""
    return PAGE_HEIGHT - distance


def draw_fund_header(canvas):
    """The fund's letterhead, top left: its name, postal address and phone
    (letters and monthly statements)."""
    lines = settings.ASSURE_FUND_ADDRESS.splitlines()
    text = canvas.beginText(MARGIN, top(18 * mm))
    text.setFont(FONT_BOLD, 12)
    text.textLine(settings.ASSURE_FUND_NAME)
    text.setFont(FONT, 9.5)
    text.setLeading(12)
    for line in lines:
        if line.strip() and line.strip() != settings.ASSURE_FUND_NAME:
            text.textLine(line.strip())
    text.textLine(f"Téléphone : {settings.ASSURE_FUND_PHONE}")
    canvas.drawText(text)
