"""Issue 13's "done when": the city office enters an announcement on the page (rows with
the pickers over the official division list, one added with htmx), a county not on the
list is an error on its row until confirmed there, and the previewed announcement is
published; then the workbook way: the template filled in and read into the rows."""

import io
from datetime import timedelta

import openpyxl
import pytest
from django.utils import timezone

from communities.models import Announcement
from communities.tests.factories import UserFactory, announcement_publish, tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DESK = {"width": 1280, "height": 900}


@pytest.fixture
def clerk():
    nodes = tree()
    return UserFactory(username="shifangkong", role="city_office", jurisdiction=nodes["city"])


def sign_in(page, live_server):
    page.set_viewport_size(DESK)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "shifangkong")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=role]")


def add_row(page, prefix: str, index: int):
    """Add a row with htmx and wait until htmx has taken its pickers in hand."""
    page.click(f"[data-testid=add-{prefix}]")
    first = "rule" if prefix == "measure" else "province"
    selector = f"select[name={prefix}-{index}-{first}]"
    page.wait_for_selector(selector)
    if prefix == "measure":  # no picker of the division list
        return
    page.wait_for_function(
        f"() => document.querySelector('{selector}')['htmx-internal-data'] !== undefined"
    )


def pick(page, prefix: str, province: str, city: str, county: str | None = None):
    page.select_option(f"select[name={prefix}-province]", province)
    page.wait_for_selector(f"select[name={prefix}-city] option[value={city}]", state="attached")
    page.select_option(f"select[name={prefix}-city]", city)
    if county:
        option = f"select[name={prefix}-county] option[value={county}]"
        page.wait_for_selector(option, state="attached")
        page.select_option(f"select[name={prefix}-county]", county)


def test_the_city_office_enters_an_announcement_on_the_page(
    page, live_server, clerk, screenshot_dir
):
    today = timezone.localdate()
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/announcements/")
    page.click("main a:has-text('录入公告')")
    page.fill("input[name=title]", "市疫情防控办提示 页面录入")
    page.fill("input[name=effective]", today.isoformat())
    add_row(page, "risk", 0)
    pick(page, "risk-0", "吉林省", "吉林市", "船营区")
    page.fill("input[name=risk-0-street]", "北京路街道")
    page.fill("input[name=risk-0-area]", "某某小区")
    add_row(page, "risk", 1)
    page.select_option("select[name=risk-1-level]", "medium")
    pick(page, "risk-1", "广东省", "深圳市", "福田区")
    add_row(page, "city", 0)
    pick(page, "city-0", "广东省", "肇庆市")
    page.fill("input[name=city-0-since]", (today - timedelta(days=3)).isoformat())
    add_row(page, "measure", 0)
    page.select_option("select[name=measure-0-rule]", "R3")
    page.select_option("select[name=measure-0-kind]", "home_quarantine")
    page.fill("input[name=measure-0-days]", "7")
    page.click("button:has-text('检查并预览')")
    page.wait_for_selector("[data-testid=preview]")
    page.screenshot(path=screenshot_dir / "announcement_preview.png", full_page=True)
    assert "吉林省吉林市船营区北京路街道某某小区" in page.inner_text("main")
    assert not Announcement.objects.exists()
    page.click("[data-testid=publish]")
    page.wait_for_selector("text=已发布")
    announcement = Announcement.objects.get()
    assert announcement.title == "市疫情防控办提示 页面录入"
    assert announcement.risk_areas.count() == 2 and announcement.epidemic_cities.count() == 1
    assert announcement.measures == {"R3": [{"kind": "home_quarantine", "days": 7}]}
    # on a phone too, the rows fit the screen
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/announcements/new/?from={announcement.pk}")
    page.wait_for_selector("select[name=risk-1-county]")
    page.screenshot(path=screenshot_dir / "announcement_phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")


def test_a_workbook_with_a_misspelt_county_is_corrected_on_the_page(
    page, live_server, clerk, screenshot_dir, tmp_path, settings
):
    settings.MEDIA_ROOT = tmp_path
    today = timezone.localdate()
    announcement_publish(
        {
            "title": "在用的公告",
            "effective": (today - timedelta(days=2)).isoformat(),
            "risk_areas": [
                {"level": "high", "province": "吉林省", "city": "吉林市", "county": "船营区"}
            ],
        }
    )
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/announcements/new/")
    with page.expect_download() as download:
        page.click("summary:has-text('用 Excel 模板填写')")
        page.click("a:has-text('下载已填入现行公告的模板')")
    with open(download.value.path(), "rb") as saved:
        book = openpyxl.load_workbook(io.BytesIO(saved.read()))
    book["公告"]["B2"] = "市疫情防控办提示 模板"
    book["公告"]["B3"] = today
    book["风险区域"].append(["中风险", "吉林省", "吉林市", "丰满县", "", ""])  # 丰满区
    path = tmp_path / "提示.xlsx"
    with open(path, "wb") as out:
        book.save(out)
    # the import path (issue 15): the dry run notes the name off the list, then the rows
    # come into the editor, where it is corrected
    page.click("[data-testid=announcement-import]")
    page.set_input_files("input[name=file]", str(path))
    page.click("main button:text('检查文件')")
    page.wait_for_selector("[data-testid=import-ready]")
    assert "丰满县" in page.inner_text("[data-testid=notes]")
    page.screenshot(path=screenshot_dir / "announcement_import_checked.png", full_page=True)
    page.click("[data-testid=import-proceed]")
    page.wait_for_selector("[data-testid=row-risk-1].border-danger")
    page.screenshot(path=screenshot_dir / "announcement_workbook_error.png", full_page=True)
    row = page.inner_text("[data-testid=row-risk-1]")
    assert "风险区域, 第3行" in row and "不在官方区划表中" in row
    assert page.query_selector("[data-testid=publish]") is None
    # corrected on its row with the pickers
    page.select_option("select[name=risk-1-county]", "丰满区")
    page.click("button:has-text('检查并预览')")
    page.wait_for_selector("[data-testid=preview]")
    page.click("[data-testid=publish]")
    page.wait_for_selector("text=已发布")
    published = Announcement.objects.get(title="市疫情防控办提示 模板")
    assert sorted(published.risk_areas.values_list("county", flat=True)) == ["丰满区", "船营区"]
