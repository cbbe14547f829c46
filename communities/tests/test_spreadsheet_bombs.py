"""Spreadsheet bombs: a small .xlsx whose members unpack to far more than it weighs is
refused before any workbook is parsed, on every page that takes a spreadsheet."""

import io
import zipfile
from unittest import mock

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from communities import uploads
from communities.models import GridTask, NucleicAcidTest
from shops.models import Shop

UPLOADS = [
    # (role, url name, the file's columns)
    ("grid_worker", "care:test-upload", ["id_number", "sampled_at", "result"]),
    ("city_office", "tasks:push-upload", ["name", "id_number", "phone", "reason"]),
    ("street_supervisor", "shops:shop-import", ["name", "address", "community", "grid"]),
]


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


@pytest.mark.parametrize(("role", "url", "header"), UPLOADS)
def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_unread(
    client, world, role, url, header
):
    data = workbook(header, filler=60 * 1024 * 1024)  # 60 MB of XML in about 60 KB
    assert len(data) < 200 * 1024
    client.force_login(world["users"][role])
    before = (GridTask.objects.count(), NucleicAcidTest.objects.count(), Shop.objects.count())
    with mock.patch.object(uploads.openpyxl, "load_workbook") as load:
        response = client.post(reverse(url), {"file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 200
    load.assert_not_called()
    assert "50 MB" in response.content.decode()
    after = (GridTask.objects.count(), NucleicAcidTest.objects.count(), Shop.objects.count())
    assert after == before


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
