"""Uploads, checked by their content and never by their name:

- spreadsheets (CSV in UTF-8 or GBK, Excel .xlsx, Excel 97-2003 .xls): read into lines and
  rows by their headings here, for the import path (transfers) and the announcement's
  template; a workbook is refused unread when it would unpack too large;
- images (JPEG, PNG): decoded within a pixel limit and stored re-encoded, so that what is
  kept is a picture and nothing else (no trailing payload, no metadata such as GPS);
- PDF documents: read as a PDF, with at least one page.
"""

import csv
import io
import uuid
import warnings
import zipfile
from datetime import date, datetime, time

import openpyxl
import xlrd
from django import forms
from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.exceptions import InvalidFileException
from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import PyPdfError

XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive


def _cell_text(value) -> str:
    """A spreadsheet cell as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.strftime("%Y-%m-%d")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _csv_lines(data: bytes):
    """The CSV's lines, read as UTF-8 (with or without a BOM) or else as GBK: many office
    PCs save "CSV" from Excel in the Windows code page (GB18030 is GBK's superset)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            text = data.decode("gb18030")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is neither UTF-8 nor GBK text.")) from None
    if "\0" in text:
        raise forms.ValidationError(_("This is not a CSV text file."))
    return csv.reader(io.StringIO(text, newline=""))


def check_unpacked_size(data: bytes) -> None:
    """Refuse a zip archive (an .xlsx) that would unpack beyond XLSX_MAX_UNPACKED_BYTES in
    all, or any of whose members unpacks more than XLSX_MAX_RATIO times its packed size:
    a 2 MB workbook can hold gigabytes of shared strings. Read from the archive's
    directory before anything is decompressed; the sizes it states are binding, since
    zipfile stops at a member's stated size and fails its checksum past it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise forms.ValidationError(_("This is not an Excel .xlsx workbook.")) from None
    total = sum(member.file_size for member in members)
    ratio = max((member.file_size / max(member.compress_size, 1) for member in members), default=0)
    if (
        len(members) > settings.XLSX_MAX_MEMBERS
        or total > settings.XLSX_MAX_UNPACKED_BYTES
        or ratio > settings.XLSX_MAX_RATIO
    ):
        raise forms.ValidationError(
            _(
                "This workbook unpacks to more than %(mb)s MB or is packed unusually "
                "tightly; it is not read. Save the sheet again in Excel, or as CSV."
            ),
            params={"mb": f"{settings.XLSX_MAX_UNPACKED_BYTES / 1024 / 1024:g}"},
            code="unpacks_too_large",
        )


def xlsx_sheets(data: bytes, limit: int, *, first_only: bool = False) -> dict[str, list[list]]:
    """The sheets of an .xlsx workbook by name, each its first `limit` + 1 rows of cell
    texts (one more than the limit, to notice a sheet that is too long); the workbook is
    refused before it is read when it would unpack too large (check_unpacked_size)."""
    if not data.startswith(XLSX_MAGIC):
        raise forms.ValidationError(_("This is not an Excel .xlsx workbook."))
    check_unpacked_size(data)
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            sheets = {}
            for sheet in book.worksheets[:1] if first_only else book.worksheets:
                lines = sheets[sheet.title.strip()] = []
                for values in sheet.iter_rows(values_only=True):
                    lines.append([_cell_text(v) for v in values])
                    if len(lines) > limit:
                        break
            return sheets
        finally:
            book.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError, OSError):
        raise forms.ValidationError(_("This is not an Excel .xlsx workbook.")) from None


def _xlsx_lines(data: bytes, limit: int) -> list[list]:
    (lines,) = xlsx_sheets(data, limit, first_only=True).values() or [[]]
    return lines


XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an OLE2 compound file: Excel 97-2003


def _xls_lines(data: bytes, limit: int) -> list[list]:
    """The first sheet of an Excel 97-2003 .xls workbook (xlrd), its first `limit` + 1
    rows of cell texts; dates as dates."""
    if not data.startswith(XLS_MAGIC):
        raise forms.ValidationError(_("This is not an Excel .xls workbook."))
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
        try:
            sheet = book.sheet_by_index(0)
            lines = []
            for index in range(min(sheet.nrows, limit + 1)):
                cells = []
                for cell in sheet.row(index):
                    value = cell.value
                    if cell.ctype == xlrd.XL_CELL_DATE:
                        value = xlrd.xldate.xldate_as_datetime(value, book.datemode)
                        if value.time() == time.min:
                            value = value.date()
                    cells.append(_cell_text(value))
                lines.append(cells)
            return lines
        finally:
            book.release_resources()
    except (xlrd.XLRDError, ValueError, IndexError, KeyError, AssertionError, OSError):
        raise forms.ValidationError(_("This is not an Excel .xls workbook.")) from None


def table_lines(data: bytes, name: str, limit: int):
    """The lines of a spreadsheet by its name's extension: .csv (UTF-8 or GBK), .xlsx, or
    .xls (converted); at most `limit` + 1 of them for a workbook."""
    name = name.lower()
    if name.endswith(".csv"):
        return _csv_lines(data)
    if name.endswith(".xlsx"):
        return _xlsx_lines(data, limit)
    if name.endswith(".xls"):
        return _xls_lines(data, limit)
    raise forms.ValidationError(_("Choose a CSV, an Excel .xlsx or an Excel 97-2003 .xls file."))


def rows_by_heading(
    lines,
    *,
    columns: tuple[str, ...],
    optional: tuple[str, ...] = (),
    headings: dict[str, tuple[str, ...]] | None = None,
    max_rows: int,
) -> list[dict]:
    """The rows below the header as dicts by key, each with its `row` number in the file.
    The header names each of `columns` (and any of `optional`) by its key or one of its
    headings (any order or case); blank lines are skipped; more than `max_rows` rows, a
    missing column or no row at all refuse the whole file."""
    headings = headings or {}

    def shown(key):  # a column as a page names it: its Chinese heading on a Chinese page
        return headings[key][0] if key in headings and in_chinese() else key

    lines = iter(lines)
    try:
        header = [str(h).strip().lower() for h in next(lines, [])]
    except csv.Error:
        raise forms.ValidationError(_("This is not a CSV text file.")) from None
    aliases = {name.lower(): key for key, names in headings.items() for name in names}
    header = [aliases.get(h, h) for h in header]
    missing = [c for c in columns if c not in header]
    if missing:
        raise forms.ValidationError(
            _("The first row must name the columns %(columns)s; missing: %(missing)s."),
            params={
                "columns": ", ".join(map(shown, columns)),
                "missing": ", ".join(map(shown, missing)),
            },
        )
    present = [c for c in optional if c in header]
    where = {c: header.index(c) for c in (*columns, *present)}
    rows = []
    try:
        for number, line in enumerate(lines, start=2):
            if not any(str(v).strip() for v in line):
                continue
            if len(rows) == max_rows:
                raise forms.ValidationError(
                    _("The file has more than %(max)s rows; split it into smaller files."),
                    params={"max": f"{max_rows:,}"},
                )
            cells = {c: (line[i] if i < len(line) else "") for c, i in where.items()}
            rows.append({"row": number, **{c: str(v).strip() for c, v in cells.items()}})
    except csv.Error:
        raise forms.ValidationError(_("This is not a CSV text file.")) from None
    if not rows:
        raise forms.ValidationError(_("The file has no rows below its header."))
    return rows


# Pillow's format name -> the extension the file is stored under
IMAGE_FORMATS = {"JPEG": "jpg", "PNG": "png"}
PDF_MAGIC = b"%PDF-"


def image_reencoded(upload, *, not_image) -> ContentFile:
    """The upload decoded as a JPEG or PNG and encoded again, under a random name with the
    extension of what it is. A file that only starts like an image, a truncated one, or
    one of more than IMAGE_MAX_PIXELS pixels (a 48 KB PNG can declare 20000 x 20000) is
    refused with `not_image` (or the size message) before its pixels are decoded."""
    limit = settings.IMAGE_MAX_PIXELS
    try:
        upload.seek(0)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                kind = image.format
                if kind not in IMAGE_FORMATS:
                    raise forms.ValidationError(not_image, code="not_image")
                width, height = image.size
                if width * height > limit:
                    raise forms.ValidationError(
                        _(
                            "The picture is %(width)s × %(height)s pixels; at most "
                            "%(megapixels)s million pixels are accepted."
                        ),
                        params={
                            "width": width,
                            "height": height,
                            "megapixels": f"{limit / 1_000_000:g}",
                        },
                        code="too_many_pixels",
                    )
                image.load()
                picture = ImageOps.exif_transpose(image)
                out = io.BytesIO()
                if kind == "JPEG":
                    picture.convert("RGB").save(out, "JPEG", quality=85, optimize=True)
                else:
                    picture.save(out, "PNG", optimize=True)
    except forms.ValidationError:
        raise
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        SyntaxError,
        ValueError,
        EOFError,
    ):
        raise forms.ValidationError(not_image, code="not_image") from None
    finally:
        upload.seek(0)
    return ContentFile(out.getvalue(), name=f"{uuid.uuid4().hex}.{IMAGE_FORMATS[kind]}")


def pdf_checked(upload, *, not_pdf) -> ContentFile:
    """The upload if it reads as a PDF of at least one page, under a random name; a file
    that only starts with the PDF marker is refused with `not_pdf`."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    if not data.startswith(PDF_MAGIC):
        raise forms.ValidationError(not_pdf, code="not_pdf")
    try:
        pages = len(PdfReader(io.BytesIO(data), strict=True).pages)
    except (PyPdfError, OSError, ValueError, KeyError, TypeError, AttributeError, RecursionError):
        pages = 0
    if not pages:
        raise forms.ValidationError(not_pdf, code="not_pdf")
    return ContentFile(data, name=f"{uuid.uuid4().hex}.pdf")


def in_chinese() -> bool:
    return (translation.get_language() or "").startswith("zh")
