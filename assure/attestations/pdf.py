"""Attestations as PDF: drawn from the record, never stored.

The attestation de droits always fits on one A4 page: its body is shrunk to
fit when a large family would overflow (KeepInFrame). The attestation of
daily allowances flows onto more pages when a long period has many lines;
every page carries the verification code.

Each document carries, top right, a QR code drawn as vector rectangles (one
per run of dark modules) with the verification URL and its signed token,
and, under it, the verification code as real text.
"""

import datetime
import functools
import io
import re
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Frame, KeepInFrame, Paragraph, Spacer, Table, TableStyle

from assure.lib.french import euros, french_date
from assure.lib.nir import format_nir
from assure.lib.pdf import (
    FONT,
    FONT_BOLD,
    MARGIN,
    PAGE_HEIGHT,
    PAGE_WIDTH,
    mm,
    new_canvas,
    styles,
)

from .qr import qr_rows

DARK_RUN = re.compile("1+")
GREY = colors.HexColor("#505a5f")
LIGHT = colors.HexColor("#f3f2f1")
QR_SIZE = 34 * mm
HEADER_HEIGHT = 62 * mm  # from the top of the page to the body of page 1
FOOTER_HEIGHT = 16 * mm
BODY_WIDTH = PAGE_WIDTH - 2 * MARGIN
CELL_SIZE = 9.5
CELL_PADDING = 2 + 4 + 2  # a cell's left and right padding, and a margin


def date_text(value):
    """The French date of an ISO string or a date; "" for None."""
    if not value:
        return ""
    if isinstance(value, str):
        value = datetime.date.fromisoformat(value)
    return french_date(value)


def period_text(start, end):
    if end:
        return f"du {date_text(start)} au {date_text(end)}"
    return f"depuis le {date_text(start)}, sans date de fin"


@functools.cache
def own_styles():
    st = styles()
    return {
        **st,
        "title": ParagraphStyle(
            "title", parent=st["body"], fontName=FONT_BOLD, fontSize=16, leading=20, spaceAfter=4
        ),
        "section": ParagraphStyle(
            "section",
            parent=st["body"],
            fontName=FONT_BOLD,
            fontSize=11.5,
            leading=15,
            spaceBefore=6,
            spaceAfter=4,
        ),
        "cell": ParagraphStyle("cell", parent=st["body"], fontSize=9.5, leading=12, spaceAfter=0),
        "cell_bold": ParagraphStyle(
            "cell_bold",
            parent=st["body"],
            fontName=FONT_BOLD,
            fontSize=9.5,
            leading=12,
            spaceAfter=0,
        ),
        "note": ParagraphStyle("note", parent=st["body"], fontSize=9, leading=12, spaceAfter=4),
    }


TABLE_STYLE = TableStyle(
    [
        ("FONT", (0, 0), (-1, -1), FONT, 9.5),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#b1b4b6")),
        ("TOPPADDING", (0, 0), (-1, -1), 3),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
        ("LEFTPADDING", (0, 0), (-1, -1), 2),
        ("RIGHTPADDING", (0, 0), (-1, -1), 4),
    ]
)
HEADED_TABLE_STYLE = TableStyle(
    [
        *TABLE_STYLE.getCommands(),
        ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
        ("FONT", (0, 0), (-1, 0), FONT_BOLD, 9.5),
    ]
)


def cell(text, bold=False):
    return Paragraph(escape(text), own_styles()["cell_bold" if bold else "cell"])


def fit(text, width, bold=False):
    """Plain text when it fits on one line of the column (cheaper to lay out),
    else a paragraph that wraps."""
    if stringWidth(text, FONT_BOLD if bold else FONT, CELL_SIZE) <= width - CELL_PADDING:
        return text
    return cell(text, bold)


def key_values(rows):
    """A two-column table of labels (bold) and values."""
    widths = [55 * mm, BODY_WIDTH - 55 * mm]
    data = [[fit(key, widths[0], True), fit(value, widths[1])] for key, value in rows if value]
    style = TableStyle([*TABLE_STYLE.getCommands(), ("FONT", (0, 0), (0, -1), FONT_BOLD, 9.5)])
    return Table(data, colWidths=widths, style=style, hAlign="LEFT")


def headed_table(header, rows, widths, right=(), total=False):
    data = [[fit(h, w, True) for h, w in zip(header, widths, strict=True)]] + [
        [
            fit(value, w) if isinstance(value, str) else value
            for value, w in zip(row, widths, strict=True)
        ]
        for row in rows
    ]
    style = TableStyle([*HEADED_TABLE_STYLE.getCommands()])
    for column in right:
        style.add("ALIGN", (column, 0), (column, -1), "RIGHT")
    if total:  # the last row: bold, under a stronger rule
        style.add("FONT", (0, -1), (-1, -1), FONT_BOLD, CELL_SIZE)
        style.add("LINEABOVE", (0, -1), (-1, -1), 1, colors.black)
    return Table(data, colWidths=widths, style=style, hAlign="LEFT", repeatRows=1)


def full_name(person):
    return f"{person['first_names']} {person['last_name']}"


def draw_qr(canvas, text, x, y, size):
    """The QR code of `text`, `size` wide with its quiet zone, bottom-left at (x, y).

    Drawn in module units (one "re" operator per run of dark modules, integer
    coordinates, one fill): a few kilobytes, sharp at any zoom.
    """
    rows = qr_rows(text)
    count = len(rows) + 8  # 4 light modules of quiet zone on each side
    module = size / count
    runs = [
        f"{m.start() + 4} {count - 5 - r} {m.end() - m.start()} 1 re"
        for r, row in enumerate(rows)
        for m in DARK_RUN.finditer(row)
    ]
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.transform(module, 0, 0, module, x, y)
    canvas.addLiteral("\n".join(runs) + "\nf")
    canvas.restoreState()


def top(distance):
    return PAGE_HEIGHT - distance


def draw_header(canvas, attestation, content):
    """Page 1: the fund top left; the QR code and the verification code top right."""
    fund = content["issuer"]
    text = canvas.beginText(MARGIN, top(18 * mm))
    text.setFont(FONT_BOLD, 12)
    text.textLine(fund["name"])
    text.setFont(FONT, 9.5)
    text.setLeading(12)
    for line in fund["address"]:
        text.textLine(line)
    text.textLine(f"Téléphone : {fund['phone']}")
    canvas.drawText(text)

    qr_left = PAGE_WIDTH - MARGIN - QR_SIZE
    qr_bottom = top(10 * mm) - QR_SIZE
    draw_qr(canvas, attestation.verification_url, qr_left, qr_bottom, QR_SIZE)
    centre = qr_left + QR_SIZE / 2
    canvas.setFillColor(colors.black)
    canvas.setFont(FONT, 8)
    canvas.drawCentredString(centre, qr_bottom - 2 * mm, "Code de vérification")
    canvas.setFont(FONT_BOLD, 11)
    canvas.drawCentredString(centre, qr_bottom - 7 * mm, attestation.display_code)


def draw_footer(canvas, attestation, content, page):
    fund = content["issuer"]
    canvas.setFont(FONT, 8)
    canvas.setFillColor(GREY)
    canvas.drawString(MARGIN, 10 * mm, f"{fund['name']} · page {page}")
    canvas.drawRightString(
        PAGE_WIDTH - MARGIN, 10 * mm, f"Code de vérification : {attestation.display_code}"
    )
    canvas.setFillColor(colors.black)


def verification_note(attestation, content):
    url = escape(content["issuer"]["url"])
    return Paragraph(
        "<b>Vérifier cette attestation.</b> Scannez le QR code en haut à droite, ou allez sur "
        f"<b>{url}/verifier-une-attestation/</b> et saisissez le code "
        f"<b>{escape(attestation.display_code)}</b>. La page indique si l'attestation est "
        "authentique et ce qu'elle certifie.",
        own_styles()["note"],
    )


def issued_line(attestation, content):
    day = timezone.localtime(attestation.issued_at).date()
    return Paragraph(
        f"Délivrée le {escape(french_date(day))} par {escape(content['issuer']['name'])}.",
        own_styles()["body"],
    )


def identity_rows(member):
    rows = [("Nom", member["last_name"])]
    if member["birth_name"] and member["birth_name"].lower() != member["last_name"].lower():
        rows.append(("Nom de naissance", member["birth_name"]))
    rows += [
        ("Prénoms", member["first_names"]),
        ("Date de naissance", date_text(member["birth_date"])),
        ("N° de sécurité sociale", format_nir(member["nir"])),
    ]
    return rows


def rights_story(attestation, content):
    st = own_styles()
    member = content["member"]
    story = [
        Paragraph("Attestation de droits à l'assurance maladie", st["title"]),
        issued_line(attestation, content),
        Paragraph("Assuré(e)", st["section"]),
        key_values(
            [
                *identity_rows(member),
                ("Caisse d'affiliation", content["rights"][0]["fund"]),
                ("Médecin traitant", content["gp"] or "Aucun médecin traitant déclaré"),
            ]
        ),
        Paragraph("Droits ouverts de l'assuré(e)", st["section"]),
        headed_table(
            ["Régime", "Caisse", "Période"],
            [
                [p["regime"], p["fund"], period_text(p["start"], p["end"])]
                for p in content["rights"]
            ],
            [45 * mm, 65 * mm, BODY_WIDTH - 110 * mm],
        ),
    ]
    if content["beneficiaries"]:
        story += [
            Paragraph("Ayants droit couverts", st["section"]),
            headed_table(
                ["Nom et prénoms", "Né(e) le", "Lien", "Droits ouverts"],
                [
                    [
                        full_name(b),
                        date_text(b["birth_date"]),
                        b["relationship"],
                        Paragraph(
                            "<br/>".join(
                                escape(
                                    f"{p['regime']}, {p['fund']}, "
                                    f"{period_text(p['start'], p['end'])}"
                                )
                                for p in b["rights"]
                            ),
                            st["cell"],
                        ),
                    ]
                    for b in content["beneficiaries"]
                ],
                [45 * mm, 27 * mm, 20 * mm, BODY_WIDTH - 92 * mm],
            ),
        ]
    if content["css"]:
        css = content["css"]
        story += [
            Paragraph("Complémentaire santé solidaire", st["section"]),
            Paragraph(
                "L'assuré(e) bénéficie de la complémentaire santé solidaire "
                f"{escape(period_text(css['start'], css['end']))}.",
                st["body"],
            ),
        ]
    story += [
        Spacer(0, 3 * mm),
        Paragraph(
            f"{escape(content['issuer']['name'])} atteste que les personnes ci-dessus ont des "
            "droits ouverts à l'assurance maladie aux périodes indiquées. Cette attestation "
            "reflète la situation connue le jour de sa délivrance ; elle ne remplace pas la "
            "carte Vitale.",
            st["body"],
        ),
        verification_note(attestation, content),
    ]
    return story


def daily_allowances_story(attestation, content):
    st = own_styles()
    member = content["member"]
    period = f"du {date_text(content['start'])} au {date_text(content['end'])}"
    return [
        Paragraph("Attestation de paiement des indemnités journalières", st["title"]),
        issued_line(attestation, content),
        Paragraph("Assuré(e)", st["section"]),
        key_values(identity_rows(member)),
        Paragraph(f"Indemnités journalières versées {escape(period)}", st["section"]),
        Paragraph(
            f"{escape(content['issuer']['name'])} atteste avoir versé à "
            f"{escape(full_name(member))} les indemnités journalières suivantes, pour les "
            "périodes d'arrêt qui touchent la période demandée (chaque période est indiquée en "
            "entier, avec le montant versé).",
            st["body"],
        ),
        headed_table(
            ["Période indemnisée", "Jours", "Montant versé", "Payé le"],
            [
                [
                    period_text(line["start"], line["end"]),
                    str(line["days"]),
                    euros(line["amount"]),
                    date_text(line["paid_on"]),
                ]
                for line in content["lines"]
            ]
            + [
                [
                    "Total",
                    str(content["days"]),
                    euros(content["total"]),
                    "",
                ]
            ],
            [84 * mm, 16 * mm, 32 * mm, BODY_WIDTH - 132 * mm],
            right=(1, 2),
            total=True,
        ),
        Spacer(0, 3 * mm),
        Paragraph(
            "Les montants sont ceux versés sur le compte de l'assuré(e), après les éventuelles "
            "retenues.",
            st["note"],
        ),
        verification_note(attestation, content),
    ]


def demo_mark(canvas):
    if settings.ASSURE_DEMO:
        canvas.setFont(FONT_BOLD, 9)
        canvas.setFillColor(colors.HexColor("#d4351c"))
        canvas.drawString(MARGIN, top(8 * mm), "DÉMONSTRATION — DOCUMENT FICTIF, SANS VALEUR")
        canvas.setFillColor(colors.black)


def draw_on_one_page(canvas, story, height):
    """Draw `story` in the body of page 1, shrunk to fit if it is taller.

    Each block is measured once and drawn where it falls (what a Frame does,
    minus a second measurement); only a story too tall for the page goes
    through KeepInFrame, which scales it down.
    """
    heights = [flowable.wrapOn(canvas, BODY_WIDTH, height)[1] for flowable in story]
    spaces = [(f.getSpaceBefore(), f.getSpaceAfter()) for f in story]
    total = sum(heights) + sum(before + after for before, after in spaces[1:]) + spaces[0][1]
    if total > height:
        frame = Frame(MARGIN, FOOTER_HEIGHT, BODY_WIDTH, height, 0, 0, 0, 0)
        frame.addFromList([KeepInFrame(BODY_WIDTH, height, story, mode="shrink")], canvas)
        return
    y = FOOTER_HEIGHT + height
    for index, (flowable, block, (before, after)) in enumerate(
        zip(story, heights, spaces, strict=True)
    ):
        y -= block + (before if index else 0)
        flowable.drawOn(canvas, MARGIN, y)
        y -= after


def flow(canvas, story, first_frame, next_frame, on_new_page):
    """Like assure.lib.pdf.draw_story, but a table taller than the rest of the
    page is split across pages (its header repeated)."""
    story = list(story)
    frame, fresh = first_frame(), True
    while story:
        head = story.pop(0)
        if frame.add(head, canvas):
            fresh = False
            continue
        parts = frame.split(head, canvas)
        if len(parts) > 1 and frame.add(parts[0], canvas):
            story[0:0] = parts[1:]
        elif fresh:
            raise ValueError("A block of the document is taller than a page.")
        else:
            story.insert(0, head)
        canvas.showPage()
        on_new_page(canvas)
        frame, fresh = next_frame(), True


def render(attestation, canvas, content):
    """Draw `attestation` (its `content`) on `canvas`; returns its number of pages."""
    draw_header(canvas, attestation, content)
    demo_mark(canvas)
    draw_footer(canvas, attestation, content, 1)
    first_height = top(HEADER_HEIGHT) - FOOTER_HEIGHT

    def first_frame():
        return Frame(MARGIN, FOOTER_HEIGHT, BODY_WIDTH, first_height, 0, 0, 0, 0)

    if content["kind"] == "droits":
        draw_on_one_page(canvas, rights_story(attestation, content), first_height)
        canvas.showPage()
        return 1

    pages = [1]

    def next_frame():
        height = PAGE_HEIGHT - MARGIN - FOOTER_HEIGHT
        return Frame(MARGIN, FOOTER_HEIGHT, BODY_WIDTH, height, 0, 0, 0, 0)

    def new_page(canvas):
        pages.append(len(pages) + 1)
        demo_mark(canvas)
        canvas.setFont(FONT_BOLD, 9.5)
        canvas.drawString(
            MARGIN,
            top(14 * mm),
            f"{attestation.get_kind_display()} · {full_name(content['member'])} (suite)",
        )
        draw_footer(canvas, attestation, content, pages[-1])

    flow(canvas, daily_allowances_story(attestation, content), first_frame, next_frame, new_page)
    canvas.showPage()
    return len(pages)


def attestation_pdf(attestation):
    buffer = io.BytesIO()
    content = attestation.content
    canvas = new_canvas(
        buffer, title=attestation.get_kind_display(), author=content["issuer"]["name"]
    )
    render(attestation, canvas, content)
    canvas.save()
    return buffer.getvalue()
