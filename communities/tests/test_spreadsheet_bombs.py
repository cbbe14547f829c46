"""Spreadsheet bombs: a small .xlsx whose members unpack to far more than it weighs is
refused before any workbook is parsed (on every page that takes a spreadsheet:
tests/test_spreadsheet_bombs.py)."""

import io
import zipfile

import openpyxl
import pytest
from django.test import override_settings

from communities import uploads


def workbook(header: list[str], filler: int = 0) -> bytes:
    """A real workbook of one sheet; with `filler`, the sheet's XML is padded with that many
    spaces after its root element (valid XML that deflates about a thousandfold)."""
    book = openpyxl.Workbook()
    book.active.append(header)
    buffer = io.BytesIO()
    book.save(buffer)
    if not filler:
        return buffer.getvalue()
    source = zipfile.ZipFile(io.BytesIO(buffer.getvalue()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as bomb:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename == "xl/worksheets/sheet1.xml":
                data += b" " * filler
            bomb.writestr(member.filename, data)
    return out.getvalue()


@override_settings(XLSX_MAX_UNPACKED_BYTES=1024**3)
def test_a_member_packed_beyond_the_ratio_is_refused(world):
    data = workbook(["id_number"], filler=5 * 1024 * 1024)
    with pytest.raises(uploads.forms.ValidationError) as refused:
        uploads.check_unpacked_size(data)
    assert refused.value.code == "unpacks_too_large"


@override_settings(XLSX_MAX_MEMBERS=5)
def test_a_workbook_of_too_many_members_is_refused(world):
    with pytest.raises(uploads.forms.ValidationError):
        uploads.check_unpacked_size(workbook(["id_number"]))


def test_an_ordinary_workbook_of_five_thousand_rows_passes():
    book = openpyxl.Workbook()
    book.active.append(["id_number", "result", "sampled_at"])
    for _ in range(5000):
        book.active.append(["110101199001011234", "negative", "2026-11-28 09:00"])
    buffer = io.BytesIO()
    book.save(buffer)
    uploads.check_unpacked_size(buffer.getvalue())  # no error


def test_a_damaged_archive_is_not_a_workbook():
    with pytest.raises(uploads.forms.ValidationError) as refused:
        uploads.check_unpacked_size(uploads.XLSX_MAGIC + b"\0" * 100)
    assert refused.value.messages == ["该文件不是 Excel .xlsx 工作簿。"]
