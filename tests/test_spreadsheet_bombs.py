"""Spreadsheet bombs on every page that takes a spreadsheet, the core's and the apps':
refused before any workbook is parsed, nothing stored."""

from unittest import mock

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities import uploads
from communities.models import GridTask, NucleicAcidTest
from communities.tests.test_spreadsheet_bombs import workbook
from shops.models import Shop
from transfers.models import Import

UPLOADS = [
    # (role, the import path's kind of file, the file's columns)
    ("grid_worker", "test-results", ["id_number", "sampled_at", "result"]),
    ("grid_worker", "residents", ["name", "id_number", "phone", "community", "grid"]),
    ("city_office", "pushes", ["name", "id_number", "phone", "reason"]),
    ("street_supervisor", "shops", ["name", "address", "community", "grid"]),
]


@pytest.mark.parametrize(("role", "kind", "header"), UPLOADS)
def test_a_workbook_that_unpacks_beyond_the_limit_is_refused_unread(
    client, world, role, kind, header
):
    data = workbook(header, filler=60 * 1024 * 1024)  # 60 MB of XML in about 60 KB
    assert len(data) < 200 * 1024
    client.force_login(world["users"][role])
    before = (GridTask.objects.count(), NucleicAcidTest.objects.count(), Shop.objects.count())
    with mock.patch.object(uploads.openpyxl, "load_workbook") as load:
        url = reverse("imports:start", args=[kind])
        response = client.post(url, {"file": SimpleUploadedFile("a.xlsx", data)})
    assert response.status_code == 200
    load.assert_not_called()
    assert "50 MB" in response.content.decode()
    after = (GridTask.objects.count(), NucleicAcidTest.objects.count(), Shop.objects.count())
    assert after == before and not Import.objects.exists()
