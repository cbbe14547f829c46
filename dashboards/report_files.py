"""A daily report as files: Excel (openpyxl: one sheet of figures, the children side by
side for a district or the city, then one sheet per list) and PDF (reportlab, A4, with a
Chinese TrueType font embedded: REPORT_PDF_FONTS names the candidates; without any, the
PDF falls back to reportlab's built-in CID font, which viewers supply themselves)."""

import io
from datetime import datetime
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFError, TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from transfers import writers

from . import registry
from .models import FIGURES, DailyReport
from .reports import LISTS

EVENTS = (
    ("arrivals", gettext_lazy("Arrivals filed that day")),
    ("anomalies_new", gettext_lazy("New anomalies")),
    ("releases", gettext_lazy("Releases")),
    ("appeals_resolved", gettext_lazy("Appeals resolved")),
    ("appeals_hours_mean", gettext_lazy("Mean hours to resolve an appeal")),
    ("appeals_hours_max", gettext_lazy("Longest hours to resolve an appeal")),
    ("inspections", gettext_lazy("Shops inspected")),
    ("placards_green", gettext_lazy("Green placards")),
    ("reminders", gettext_lazy("Rectification reminders")),
    ("placards_red", gettext_lazy("Red placards")),
)
LIST_TITLES = {
    "anomalies": gettext_lazy("New anomalies"),
    "releases": gettext_lazy("Releases"),
    "appeals": gettext_lazy("Appeals resolved"),
    "inspections": gettext_lazy("Inspections"),
}
COLUMN_TITLES = {
    "time": gettext_lazy("Time"),
    "grid": gettext_lazy("Grid"),
    "name": gettext_lazy("Name"),
    "kind": gettext_lazy("Kind"),
    "detail": gettext_lazy("Detail"),
    "rule": gettext_lazy("Rule"),
    "reason": gettext_lazy("Reason"),
    "filed": gettext_lazy("Filed at"),
    "resolved": gettext_lazy("Resolved at (appeal)"),
    "hours": gettext_lazy("Hours"),
    "outcome": gettext_lazy("Outcome"),
    "shop": gettext_lazy("Shop"),
}


def figure_rows(report: DailyReport, others: list[DailyReport]) -> list[list]:
    """[label, the report's value, each other report's value…] for every figure: the
    day's figures, the arrivals by rule, then the events."""
    reports = [report, *others]
    rows = [[_("Figures as of"), *(as_of(r) for r in reports)]]
    for name, label in FIGURES:
        rows.append([str(label), *((r.figures.get("day") or {}).get(name, "") for r in reports)])
    rules = sorted({rule for r in reports for rule in r.figures.get("arrivals_by_rule", {})})
    for rule in rules:
        label = _("Arrivals by %(rule)s") % {"rule": rule}
        rows.append([label, *(r.figures.get("arrivals_by_rule", {}).get(rule, 0) for r in reports)])
    others_figures = [f for r in registry.report_figures() for f in r.figures]
    for name, label in (*EVENTS, *others_figures):
        values = (r.figures.get(name) for r in reports)
        rows.append([str(label), *("" if v is None else v for v in values)])
    return rows


def as_of(report: DailyReport) -> str:
    """When the day's figures were counted (the day's last refresh), local time; "" for a
    report without them."""
    value = report.figures.get("day_as_of")
    if not value:
        return ""
    return timezone.localtime(datetime.fromisoformat(value)).strftime("%Y-%m-%d %H:%M")


def title(report: DailyReport) -> str:
    return _("Daily report of %(node)s, %(day)s") % {
        "node": report.node.name,
        "day": report.day.strftime("%Y-%m-%d"),
    }


def workbook(report: DailyReport, others: list[DailyReport]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = _("Figures")
    bold = Font(bold=True)
    sheet.append([title(report)])
    sheet["A1"].font = bold
    sheet.append([_("Figure"), report.node.name, *(o.node.name for o in others)])
    for cell in sheet[2]:
        cell.font = bold
    for row in figure_rows(report, others):
        sheet.append(row)
    sheet.column_dimensions["A"].width = 36
    for key, columns in LISTS.items() if report.lists else ():
        rows = report.lists.get(key, [])
        part = book.create_sheet(str(LIST_TITLES[key]))
        part.append([str(COLUMN_TITLES[c]) for c in columns])
        for cell in part[1]:
            cell.font = bold
        for row in rows:
            part.append([_cell(row.get(c, "")) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _cell(value):
    """A value as a cell that shows it: text stays text (a name starting with "=" is not
    a formula, transfers.writers), without the control characters a workbook cannot
    hold; numbers and times as they are."""
    return writers.xlsx_cell(value) if isinstance(value, str) else value


def _text(value) -> str:
    """A value as reportlab paragraph text: its markup characters escaped."""
    return escape(str(value))


@cache
def pdf_font() -> tuple[str, bool]:
    """(the font's name, whether it is embedded): the first TrueType font of
    REPORT_PDF_FONTS that reportlab reads, else the built-in CID font."""
    for path in settings.REPORT_PDF_FONTS:
        if not Path(path).is_file():
            continue
        try:
            pdfmetrics.registerFont(TTFont("ReportCJK", path, subfontIndex=0))
        except (TTFError, OSError):
            continue
        return "ReportCJK", True
    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    return "STSong-Light", False


def pdf(report: DailyReport, others: list[DailyReport]) -> bytes:
    font, _embedded = pdf_font()
    heading = ParagraphStyle("heading", fontName=font, fontSize=14, leading=18)
    small = ParagraphStyle("small", fontName=font, fontSize=8, leading=10)
    out = io.BytesIO()
    document = SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=15 * mm,
        rightMargin=15 * mm,
        topMargin=15 * mm,
        bottomMargin=15 * mm,
        title=title(report),
    )
    story = [Paragraph(_text(title(report)), heading), Spacer(1, 4 * mm)]
    header = [_("Figure"), report.node.name, *(o.node.name for o in others)]
    story.append(_table([header, *figure_rows(report, others)], font, document.width))
    for key, columns in LISTS.items() if report.lists else ():
        rows = report.lists.get(key, [])
        story += [
            Spacer(1, 5 * mm),
            Paragraph(_text(f"{LIST_TITLES[key]}（{len(rows)}）"), heading),
        ]
        if rows:
            cells = [[Paragraph(_text(row.get(c, "")), small) for c in columns] for row in rows]
            story.append(
                _table([[str(COLUMN_TITLES[c]) for c in columns], *cells], font, document.width)
            )
    document.build(story)
    return out.getvalue()


def _table(rows: list[list], font: str, width: float) -> Table:
    columns = max(len(row) for row in rows)
    first = min(width * 0.4, width / columns * 2) if columns > 2 else width * 0.6
    rest = (width - first) / max(columns - 1, 1)
    table = Table(rows, colWidths=[first, *[rest] * (columns - 1)], repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("FONT", (0, 0), (-1, -1), font, 8),
                ("GRID", (0, 0), (-1, -1), 0.25, colors.grey),
                ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e9ecef")),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table
