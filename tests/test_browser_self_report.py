"""The public self-report on a phone: the district → street → community selects fill
through htmx, a second stay row is added, and the report lands as a task; the person notes
the reference and finds the report on the status page with the phone's last four digits."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from communities.models import ArrivalReport, GridTask
from communities.tests.factories import (
    JurisdictionFactory,
    announcement_publish,
    tree,
    valid_id_number,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
FITS = "document.documentElement.scrollWidth <= window.innerWidth"  # no sideways scrolling
DEMO = (
    Path(__file__).resolve().parent.parent / "communities" / "fixtures" / "demo_announcement.json"
)


@pytest.fixture
def places(settings, tmp_path):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    cache.clear()
    announcement_publish(DEMO)
    nodes = tree()
    other = JurisdictionFactory(name="迎泽区", level="district", parent=nodes["city"])
    other_street = JurisdictionFactory(name="柳巷街道", level="street", parent=other)
    JurisdictionFactory(name="柳巷社区", level="community", parent=other_street)
    return nodes


def test_anonymous_person_reports_on_a_phone(page, live_server, places, screenshot_dir):
    today = timezone.localdate()
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/report/")
    page.fill("input[name=name]", "钱报备")
    page.fill("input[name=id_number]", valid_id_number())
    page.fill("input[name=phone]", "13912340009")
    assert "保存多久" in page.inner_text("[data-testid=privacy]")
    # 迎泽区 first: its street appears; then 小店区 replaces it and empties the community.
    page.select_option("select[name=district]", label="迎泽区")
    page.wait_for_selector("select[name=street] option:text('柳巷街道')", state="attached")
    page.select_option("select[name=street]", label="柳巷街道")
    page.wait_for_selector("select[name=community] option:text('柳巷社区')", state="attached")
    page.select_option("select[name=district]", label="小店区")
    page.wait_for_selector("select[name=street] option:text('小店街道')", state="attached")
    page.wait_for_selector("select[name=community] option:text('柳巷社区')", state="detached")
    page.select_option("select[name=street]", label="小店街道")
    page.wait_for_selector("select[name=community] option:text('通达街社区')", state="attached")
    page.select_option("select[name=community]", label="通达街社区")
    page.fill("input[name=address]", "通达街12号")
    page.fill("input[name=arrival_date]", (today - timedelta(days=1)).isoformat())
    page.select_option("select[name=transport]", "train")
    page.select_option("select[name=landing_point_kind]", "station")
    page.select_option("select[name=stays-0-province]", "吉林省")
    page.wait_for_selector("select[name=stays-0-city] option[value=吉林市]", state="attached")
    page.select_option("select[name=stays-0-city]", "吉林市")
    page.wait_for_selector("select[name=stays-0-county] option[value=丰满区]", state="attached")
    page.select_option("select[name=stays-0-county]", "丰满区")
    page.fill("input[name=stays-0-start]", (today - timedelta(days=6)).isoformat())
    page.fill("input[name=stays-0-end]", (today - timedelta(days=2)).isoformat())
    page.click("#add-stay")
    page.wait_for_selector("[name=stays-1-province]")
    page.screenshot(path=screenshot_dir / "self_report_form.png", full_page=True)
    page.click("form[action='/report/'] button[type=submit]")
    page.wait_for_selector("[data-testid=thanks]")
    page.screenshot(path=screenshot_dir / "self_report_thanks.png", full_page=True)
    arrival = ArrivalReport.objects.get(name="钱报备")
    assert arrival.community == places["community"] and arrival.stays.count() == 1
    assert GridTask.objects.filter(arrival=arrival, state="open").count() == 1

    # The reference, noted from the thank-you page, opens the status page with the digits.
    reference = page.inner_text("[data-testid=reference]").strip()
    assert reference == arrival.reference
    assert page.evaluate(FITS)
    page.click("[data-testid=status-link]")
    page.wait_for_selector("input[name=phone_last4]")
    assert page.input_value("input[name=reference]") == reference
    page.fill("input[name=phone_last4]", "1234")  # not the phone's
    page.click("form[action='/report/status/'] button[type=submit]")
    page.wait_for_selector("[data-testid=not-found]")
    page.fill("input[name=phone_last4]", "0009")
    page.click("form[action='/report/status/'] button[type=submit]")
    page.wait_for_selector("[data-testid=status]")
    assert page.inner_text("[data-testid=stage]") == "已提交，待核实"
    assert page.inner_text("[data-testid=masked-name]") == "钱*备"
    assert "钱报备" not in page.content() and "13912340009" not in page.content()
    assert page.evaluate(FITS)
    page.screenshot(path=screenshot_dir / "self_report_status.png", full_page=True)
