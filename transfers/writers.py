"""Rows to files: CSV in UTF-8 with a byte-order mark (Excel opens it in Chinese only with
one) and Excel .xlsx in openpyxl's write-only mode (rows go to a temporary file as they
come: the memory stays flat whatever the size). Both put a ' before a cell that a
spreadsheet would run as a formula (CSV injection); the imports take it off again."""

import csv
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from typing import IO

import openpyxl
from django.utils import timezone
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
FORMATS = ("xlsx", "csv")


def cell(value):
    """One value as a sheet holds it: text, a number, or a date written out."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, int | float):
        return value
    value = str(value)
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def xlsx_cell(value):
    """`cell`, and without the control characters a workbook cannot hold."""
    value = cell(value)
    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value


def unescaped(value):
    """What `cell` wrote, read back: the ' before a formula's first character taken off."""
    if isinstance(value, str) and value.startswith("'") and value[1:2] in FORMULA_STARTS:
        return value[1:]
    return value


class _Echo:
    """A file-like object for csv.writer that hands each line back instead of storing it."""

    def write(self, value):
        return value


def csv_lines(rows: Iterable[list]) -> Iterator[str]:
    """The CSV's text line by line, the byte-order mark first."""
    writer = csv.writer(_Echo())
    yield BOM
    for row in rows:
        yield writer.writerow([cell(value) for value in row])


def xlsx_write(rows: Iterable[list], target: str | IO[bytes], *, title: str) -> None:
    """Write the rows to one sheet of a new workbook at `target` (a path or a file)."""
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet(title=str(title)[:31])
    for row in rows:
        sheet.append([xlsx_cell(value) for value in row])
    book.save(target)
