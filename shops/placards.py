"""The printed placard (红绿牌) of the street sweep: its wording, the QR code of the shop's
public status page, and the A4 PDF. The HTML page and the PDF are built from one context,
so that both say the same thing.

The placard's wording is the official text of the 扫街行动 (the seed: "该经营户落实疫情防控
措施到位，绿牌表扬" / "该经营户不落实疫情防控措施，红牌警告，立即关停"); it stays Chinese
whatever the reader's language, since it is posted on a shop window in Taiyuan."""

import io
import re
from datetime import date

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from reportlab.graphics import renderPDF, renderSVG
from reportlab.graphics.barcode.qr import QrCodeWidget
from reportlab.graphics.shapes import Drawing
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas

from . import rules
from .models import Inspection, Shop

# The official wording, per placard colour.
WORDING = {
    rules.Placard.GREEN: {
        "label": "绿牌",
        "verdict": "表扬",
        "message": "该经营户落实疫情防控措施到位",
    },
    rules.Placard.RED: {
        "label": "红牌",
        "verdict": "警告",
        "message": "该经营户不落实疫情防控措施，立即关停",
    },
}
CAPTION = "扫码查看本店防疫状态"
# One colour per placard, for the PDF and the HTML page's CSS (its --c).
COLOURS = {rules.Placard.GREEN: "#128a3e", rules.Placard.RED: "#c8161d"}

QR_LEVEL = "M"  # survives some dirt and glare on a shop window
QR_BORDER = 4  # the quiet zone in modules, as the QR standard asks
FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without a font file
# The A4 sheet, in points; the HTML page's CSS uses the same sizes in mm and pt.
PAGE_W, PAGE_H = A4
MARGIN = 18 * mm
FRAME = 5 * mm  # the coloured border that tells green from red across the street
HEADER_H = 92 * mm
QR_SIDE = 52 * mm


def _font() -> str:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    return FONT


def status_url(shop: Shop, request=None) -> str:
    """The absolute address of the shop's public status page, which the QR code encodes:
    under settings.PUBLIC_BASE_URL when it is set (the address the public reaches, which
    a request behind a proxy may not show), otherwise the request's own host."""
    path = reverse("shop-status:status", kwargs={"public_id": shop.public_id})
    base = getattr(settings, "PUBLIC_BASE_URL", "")
    if base:
        return base.rstrip("/") + path
    if request is None:
        raise ValueError("Without PUBLIC_BASE_URL, a request is needed for the host.")
    return request.build_absolute_uri(path)


def closure_days(shop: Shop, inspected_on: date | None) -> int:
    """The days of closure a red placard announces: from the inspection that posted it to
    the re-inspection day, or the setting when either day is missing."""
    if inspected_on and shop.reinspection_due and shop.reinspection_due > inspected_on:
        return (shop.reinspection_due - inspected_on).days
    return settings.SHOP_CLOSURE_DAYS


def placard_context(shop: Shop, inspection: Inspection | None, *, request=None) -> dict:
    """What the placard of `shop` says: its current placard (green or red, not none), with
    `inspection` the one that posted it (the shop's latest; None when the placard was set
    by hand). The same dict draws the HTML page and the PDF."""
    placard = rules.Placard(shop.placard)
    if placard not in WORDING:
        raise ValueError(f"Shop {shop.pk} has no placard to print.")
    inspected_on = timezone.localdate(inspection.inspected_at) if inspection else None
    closure = ""
    if placard == rules.Placard.RED:
        closure = f"停业整改{closure_days(shop, inspected_on)}天"
        if shop.reinspection_due:
            closure += f"，复查日期：{shop.reinspection_due.isoformat()}"
    return {
        "shop": shop,
        "name_size": name_size(shop.name),
        "colour": placard.value,
        "colour_hex": COLOURS[placard],
        **WORDING[placard],
        "closure": closure,
        "name": shop.name,
        "address": shop.address,
        "street": shop.street.name,
        "group": f"第{inspection.group.number}联合小组" if inspection else "",
        "inspected_on": inspected_on,
        "url": status_url(shop, request),
        "caption": CAPTION,
    }


NAME_SIZES = (34, 30, 26)  # points: a long name shrinks to stay on one line, then wraps


def name_size(name: str) -> int:
    """The font size of the shop's name on the placard (in the PDF and the HTML page)."""
    _font()
    for size in NAME_SIZES:
        if pdfmetrics.stringWidth(name, FONT, size) <= PAGE_W - 2 * MARGIN:
            return size
    return NAME_SIZES[0]


def qr_drawing(url: str, module: float = 4) -> Drawing:
    """A QR code of `url` whose side is a whole number of `module`s (quiet zone included),
    so that no module falls between two pixels; its widget is `drawing.contents[0]`."""
    widget = QrCodeWidget(url, barLevel=QR_LEVEL, barBorder=QR_BORDER)
    widget.qr.make()
    side = (widget.qr.getModuleCount() + 2 * QR_BORDER) * module
    widget.barWidth = widget.barHeight = side
    drawing = Drawing(side, side)
    drawing.add(widget)
    return drawing


def qr_svg(url: str, label: str = CAPTION) -> str:
    """The QR code of `url` as an inline <svg> element that scales to its box (the
    placard's CSS sizes it)."""
    drawing = qr_drawing(url)
    svg = renderSVG.drawToString(
        drawing,
        svgAttrs={
            "width": "100%",
            "height": "100%",
            "role": "img",
            "shape-rendering": "crispEdges",
        },
    )
    svg = svg[svg.index("<svg") :]  # drop the XML declaration and doctype: it goes inline
    svg = svg.replace("<title>...</title>", f"<title>{escape(label)}</title>", 1)
    return svg.replace("<desc>...</desc>", "", 1)


# --- The PDF --------------------------------------------------------------------------------

NO_LINE_START = set("，。、；：！？）》」』”’")


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Lines of `text` no wider than `width`: Chinese has no spaces, so it breaks after a
    comma when a clause fits, otherwise between any two characters."""
    clauses = [c for c in re.split(r"(?<=[，、；。])", text) if c]
    lines, line = [], ""
    for clause in clauses:
        if pdfmetrics.stringWidth(line + clause, font, size) <= width:
            line += clause
            continue
        if line:
            lines.append(line)
            line = ""
        for char in clause:
            if line and pdfmetrics.stringWidth(line + char, font, size) > width:
                # No line starts with closing punctuation: its character goes down too.
                carry = line[-1] if char in NO_LINE_START and len(line) > 1 else ""
                lines.append(line[: len(line) - len(carry)])
                line = carry
            line += char
    if line:
        lines.append(line)
    return lines


def _text(pdf, line: str, x: float, y: float, size: float, *, bold=False, gap: float = 0):
    """One line from (x, y) in the current colours. STSong-Light has no bold face: `bold`
    also strokes the glyphs' outlines (text render mode 2) with the current line width."""
    text = pdf.beginText(x, y)
    text.setFont(FONT, size)
    text.setCharSpace(gap)
    text.setTextRenderMode(2 if bold else 0)
    text.textOut(line)
    pdf.saveState()  # the text state (spacing, render mode) would outlive the text object
    pdf.drawText(text)
    pdf.restoreState()


def _width(line: str, size: float, gap: float = 0) -> float:
    return pdfmetrics.stringWidth(line, FONT, size) + gap * (len(line) - 1)


def _centred(pdf, text: str, size: float, top: float, leading: float, *, bold=False) -> float:
    """`text` wrapped to the page's inner width and centred, the first baseline `size`
    below `top`; returns the y just under the last line."""
    y = top - size
    for line in wrap(text, FONT, size, PAGE_W - 2 * MARGIN):
        _text(pdf, line, (PAGE_W - _width(line, size)) / 2, y, size, bold=bold)
        y -= leading
    return y + leading - size * 0.35


def placard_pdf(context: dict) -> bytes:
    """The placard of `context` (from placard_context) on one A4 page, laid out as the HTML
    page: a coloured frame and header, the message, the shop, the QR code with its caption,
    and who posted the placard and when."""
    _font()
    colour = colors.HexColor(context["colour_hex"])
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4)
    pdf.setTitle(f"{context['label']}{context['verdict']} {context['name']}")
    pdf.setCreator("grid-portal")

    pdf.setFillColor(colour)
    pdf.setStrokeColor(colour)
    pdf.setLineWidth(FRAME)
    pdf.rect(FRAME / 2, FRAME / 2, PAGE_W - FRAME, PAGE_H - FRAME, stroke=1, fill=0)
    pdf.rect(0, PAGE_H - HEADER_H, PAGE_W, HEADER_H, stroke=0, fill=1)

    pdf.setFillColor(colors.white)
    pdf.setStrokeColor(colors.white)
    for line, size, y, gap, stroke in (
        (context["label"], 40, PAGE_H - 14 * mm - 40, 12, 1.2),
        (context["verdict"], 150, PAGE_H - HEADER_H + 16 * mm, 40, 3),
    ):
        pdf.setLineWidth(stroke)
        _text(pdf, line, (PAGE_W - _width(line, size, gap)) / 2, y, size, bold=True, gap=gap)

    pdf.setFillColor(colour)
    pdf.setStrokeColor(colour)
    pdf.setLineWidth(0.6)
    y = _centred(pdf, context["message"], 28, PAGE_H - HEADER_H - 12 * mm, 40, bold=True)
    if context["closure"]:
        pdf.setLineWidth(0.4)
        y = _centred(pdf, context["closure"], 20, y - 4 * mm, 28, bold=True)

    pdf.setFillColor(colors.black)
    pdf.setStrokeColor(colors.black)
    pdf.setLineWidth(0.7)
    size = context["name_size"]
    y = _centred(pdf, context["name"], size, y - 12 * mm, size * 1.3, bold=True)
    pdf.setFillColor(colors.HexColor("#333333"))
    _centred(pdf, context["address"], 18, y - 4 * mm, 24)

    bottom = MARGIN + 6 * mm
    qr = qr_drawing(context["url"])
    qr.scale(QR_SIDE / qr.width, QR_SIDE / qr.height)
    qr.width = qr.height = QR_SIDE
    renderPDF.draw(qr, pdf, MARGIN, bottom + 8 * mm)
    pdf.setFillColor(colors.black)
    caption = context["caption"]
    _text(pdf, caption, MARGIN + (QR_SIDE - _width(caption, 12)) / 2, bottom, 12)

    sign_off = [context["street"], context["group"]]
    if context["inspected_on"]:
        sign_off.append(context["inspected_on"].isoformat())
    y = bottom + 8 * mm + QR_SIDE - 18
    for line in filter(None, sign_off):
        _text(pdf, line, PAGE_W - MARGIN - _width(line, 18), y, 18)
        y -= 29

    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
