"""Uploads of spreadsheets (CSV in UTF-8 or Excel .xlsx): the shape is checked here, the
rows go to a service. Used by test results and big-data pushes."""

import csv
import io
import zipfile
from datetime import date, datetime

import openpyxl
from django import forms
from django.utils.translation import gettext_lazy as _
from openpyxl.utils.exceptions import InvalidFileException

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
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
    if "\0" in text:
        raise forms.ValidationError(_("This is not a CSV text file."))
    return csv.reader(io.StringIO(text, newline=""))


def _xlsx_lines(data: bytes, limit: int) -> list[list]:
    if not data.startswith(XLSX_MAGIC):
        raise forms.ValidationError(_("This is not an Excel .xlsx workbook."))
    try:
        book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            lines = []
            for values in book.worksheets[0].iter_rows(values_only=True):
                lines.append([_cell_text(v) for v in values])
                if len(lines) > limit:
                    break
            return lines
        finally:
            book.close()
    except (zipfile.BadZipFile, InvalidFileException, KeyError, IndexError, ValueError, OSError):
        raise forms.ValidationError(_("This is not an Excel .xlsx workbook.")) from None


class SpreadsheetUploadForm(forms.Form):
    """A CSV (UTF-8, with or without a BOM) or .xlsx file whose first row names
    COLUMNS (any order or case; OPTIONAL_COLUMNS may be there). Checks the file's shape
    only; the rows are `cleaned_data["rows"]`, dicts with the file's row number."""

    COLUMNS: tuple[str, ...] = ()
    OPTIONAL_COLUMNS: tuple[str, ...] = ()

    MAX_BYTES = 2 * 1024 * 1024
    MAX_ROWS = 5000

    file = forms.FileField(
        label=_("File (CSV or Excel .xlsx)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload is None:
            return cleaned
        if upload.size > self.MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        name = upload.name.lower()
        # header, up to MAX_ROWS rows and one more to notice a file that is too long
        limit = self.MAX_ROWS + 1
        if name.endswith(".csv"):
            lines = _csv_lines(upload.read())
        elif name.endswith(".xlsx"):
            lines = _xlsx_lines(upload.read(), limit)
        else:
            raise forms.ValidationError(_("Choose a CSV or an Excel .xlsx file."))
        cleaned["rows"] = self._rows(lines)
        return cleaned

    def _rows(self, lines) -> list[dict]:
        lines = iter(lines)
        try:
            header = [str(h).strip().lower() for h in next(lines, [])]
        except csv.Error:
            raise forms.ValidationError(_("This is not a CSV text file.")) from None
        missing = [c for c in self.COLUMNS if c not in header]
        if missing:
            raise forms.ValidationError(
                _("The first row must name the columns %(columns)s; missing: %(missing)s."),
                params={"columns": ", ".join(self.COLUMNS), "missing": ", ".join(missing)},
            )
        present = [c for c in self.OPTIONAL_COLUMNS if c in header]
        where = {c: header.index(c) for c in (*self.COLUMNS, *present)}
        rows = []
        try:
            for number, line in enumerate(lines, start=2):
                if not any(str(v).strip() for v in line):
                    continue
                if len(rows) == self.MAX_ROWS:
                    raise forms.ValidationError(
                        _("The file has more than %(max)s rows; split it into smaller files."),
                        params={"max": f"{self.MAX_ROWS:,}"},
                    )
                cells = {c: (line[i] if i < len(line) else "") for c, i in where.items()}
                rows.append({"row": number, **{c: str(v).strip() for c, v in cells.items()}})
        except csv.Error:
            raise forms.ValidationError(_("This is not a CSV text file.")) from None
        if not rows:
            raise forms.ValidationError(_("The file has no rows below its header."))
        return rows
