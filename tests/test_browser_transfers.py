"""Issue 15's exports and imports in the browser: the street supervisor of the demo
filters the resident list to red and exports it to Excel (Chinese headings, masked ID
numbers, only red rows); an export larger than what downloads at once shows its progress
under 我的导出 and lands there; a results file in GBK goes through the import path."""

import io
from datetime import timedelta
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from communities.models import NucleicAcidTest, Resident, User
from transfers import jobs
from transfers.models import Export

from .test_browser_roles import DESK, english_words, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, residents=120, shops=20)


def test_the_street_supervisor_exports_the_red_residents(page, live_server, demo, screenshot_dir):
    folder = screenshot_dir / "exports"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "street")
    page.goto(f"{live_server.url}/residents/?code=red")
    page.wait_for_selector("[data-testid=export-residents]")
    page.screenshot(path=folder / "residents_red.png", full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=export-residents] [data-testid=export-xlsx]")
    book = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][:4] == ("姓名", "身份证号", "社区", "网格")
    street = User.objects.get(username="street").jurisdiction
    red = Resident.objects.filter(code="red", grid__path__startswith=street.path)
    assert len(rows) - 1 == red.count() > 0
    assert all(row[5] == "红码" for row in rows[1:])
    assert all("********" in row[1] for row in rows[1:])
    assert download.value.suggested_filename.endswith(".xlsx")


def test_a_large_export_shows_its_progress_and_lands_under_my_exports(
    page, live_server, demo, screenshot_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    settings.EXPORT_STREAM_ROWS = 10  # the demo's street has more residents than this
    folder = screenshot_dir / "exports"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "street")
    page.goto(f"{live_server.url}/residents/")
    page.click("[data-testid=export-residents] [data-testid=export-csv]")
    page.wait_for_selector("[data-testid=export-progress]")
    assert "正在下方生成" in page.inner_text("main")
    assert english_words(page) == []
    page.screenshot(path=folder / "my_exports_running.png", full_page=True)
    # the worker's job (run here: the test's live server has no worker of its own)
    jobs.export_run(export_id=Export.objects.get().pk)
    page.wait_for_selector("[data-testid=export-download]", timeout=10_000)  # htmx refresh
    page.screenshot(path=folder / "my_exports_ready.png", full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=export-download]")
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert text.startswith("\ufeff姓名,身份证号")


def test_a_gbk_results_file_with_a_bad_row_stores_nothing_and_corrected_stores_all(
    page, live_server, demo, screenshot_dir, settings, tmp_path
):
    """Issue 15's "done when": the street supervisor uploads a laboratory's results as a
    CSV saved in GBK; one bad row shows the report and stores nothing; the corrected file
    stores every row."""
    settings.MEDIA_ROOT = tmp_path
    folder = screenshot_dir / "imports"
    folder.mkdir(exist_ok=True)
    street = User.objects.get(username="street").jurisdiction
    tests = {}  # one pending test of each of three residents of the street
    for test in NucleicAcidTest.objects.filter(
        result="pending", resident__grid__path__startswith=street.path
    ).select_related("resident"):
        tests.setdefault(test.resident_id, test)
    tests = list(tests.values())[:3]
    assert len(tests) == 3
    sampled = (timezone.localdate() - timedelta(days=1)).isoformat() + " 09:30"
    people = {t.resident.id_number for t in tests}
    lines = ["身份证号,采样时间,检测结果"] + [f"{n},{sampled},阴性" for n in sorted(people)]
    bad = [*lines[:-1], lines[-1].replace("阴性", "待定")]
    files = {}
    for name, content in (("有误", bad), ("更正", lines)):
        files[name] = tmp_path / f"检测结果-{name}.csv"
        files[name].write_bytes(("\r\n".join(content) + "\r\n").encode("gbk"))

    page.set_viewport_size(DESK)
    sign_in(page, live_server, "street")
    page.goto(f"{live_server.url}/care/tests/")
    page.click("main >> text=上传结果文件")
    page.set_input_files("input[type=file]", str(files["有误"]))
    page.click("button:text('检查文件')")
    page.wait_for_selector("[data-testid=import-refused]")
    assert page.locator("[data-testid=problem]").count() == 1
    assert "待定" in page.inner_text("[data-testid=problems]")
    assert page.locator("[data-testid=import-store]").count() == 0
    assert english_words(page) == []
    page.screenshot(path=folder / "results_refused.png", full_page=True)
    with page.expect_download() as download:
        page.click("[data-testid=import-report]")
    report = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))
    assert next(iter(report.active.values))[-1] == "问题"
    recorded = NucleicAcidTest.objects.filter(
        resident_id__in=[t.resident_id for t in tests], recorded_by__username="street"
    )
    assert not recorded.exists()

    page.set_input_files("input[type=file]", str(files["更正"]))  # the corrected file
    page.click("button:text('检查文件')")
    page.wait_for_selector("[data-testid=import-ready]")
    page.screenshot(path=folder / "results_ready.png", full_page=True)
    page.click("[data-testid=import-store]")
    page.wait_for_selector("[data-testid=import-stored]")
    page.screenshot(path=folder / "results_stored.png", full_page=True)
    assert sorted(recorded.values_list("result", flat=True)) == ["negative"] * 3
