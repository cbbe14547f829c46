"""Issue 16's quarantine hotels in the browser, with the demo: the district office sees
its rooms and reserve against the target with the occupancy chart and the missing
checklist; places the red R1 resident waiting for a room; the room frees (cleaning, then
free) when the phase ends; a staff member without a valid certificate cannot be rostered,
the one expiring in 10 days is flagged; the hotel's staff tick the day's checklist on a
phone."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from hotels import services
from hotels.models import Checklist, Placement, Room

from .test_browser_roles import DESK, PHONE, english_words, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, residents=200, shops=10)


def test_the_district_runs_its_hotels(page, live_server, demo, screenshot_dir):
    folder = screenshot_dir / "hotels"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "xiaodian")
    page.click("[data-testid=menu-hotels]")
    page.click("[data-testid=menu-hotel-list]")
    page.wait_for_selector("[data-testid=rooms-by-district]")
    page.wait_for_function("document.getElementById('occupancy-chart').height > 0")
    page.screenshot(path=folder / "district_hotels.png", full_page=True)
    assert english_words(page) == []
    target = page.inner_text("[data-testid=rooms-by-district] [data-testid=target]")
    assert target.startswith("120")
    assert page.locator("[data-testid=checklists-missing] li").count() >= 1  # the second hotel

    # the red R1 resident waiting for a room is placed
    page.click("[data-testid=to-place-count]")
    page.wait_for_selector("[data-testid=to-place]")
    rows = page.locator("[data-testid=to-place-row]")
    assert rows.count() >= 1
    rows.first.locator("a.btn").click()
    page.select_option("select[name=hotel]", index=1)
    page.fill("input[name=transfer_from]", "太原南站")
    page.fill("input[name=transfer_by]", "晋A·12345 转运组")
    page.screenshot(path=folder / "place_form.png", full_page=True)
    assert page.inner_text("[data-testid=save]") == "安置"
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=to-place]")
    placement = Placement.objects.select_related("room").get()
    assert placement.room.state == Room.State.OCCUPIED

    # the phase ends: the room goes to cleaning, then is marked clean
    services.placements_end(today=placement.due_out + timedelta(days=1))
    page.goto(f"{live_server.url}/hotels/{placement.hotel_id}/")
    number = placement.room.number
    page.wait_for_selector(f"[data-testid=clean-{number}]")
    page.screenshot(path=folder / "room_cleaning.png", full_page=True)
    page.click(f"[data-testid=clean-{number}]")
    page.wait_for_selector(f"[data-testid=room-{number}]")
    assert Room.objects.get(pk=placement.room_id).state == Room.State.FREE

    # a staff member without a valid certificate cannot be rostered
    page.select_option("select[name=staff]", label="赵强")
    page.click("[data-testid=roster-add]")
    page.wait_for_selector(".alert")
    assert "没有有效的上岗证" in page.inner_text("main")
    page.goto(f"{live_server.url}/hotels/staff/?certificate=expiring")
    page.wait_for_selector("[data-testid=staff]")
    assert page.locator("[data-testid=certificate-expiring]").count() == 1
    assert "李娟" in page.inner_text("[data-testid=staff]")
    page.screenshot(path=folder / "staff_expiring.png", full_page=True)
    assert english_words(page) == []


def test_the_hotel_staff_tick_the_day_on_a_phone(page, live_server, demo, screenshot_dir):
    folder = screenshot_dir / "hotels"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "hotel")
    page.click(".navbar-toggler")
    page.click("[data-testid=menu-checklist]")
    page.wait_for_selector("[data-testid=tick-monitor_1]")
    page.click("[data-testid=tick-monitor_1]")
    page.wait_for_selector("[data-testid=item-monitor_1] [data-testid=done]")
    page.fill("textarea[name=note]", "在隔离人员体温、症状正常。")
    page.click("[data-testid=send-report]")
    page.wait_for_selector("[data-testid=report-sent]")
    page.screenshot(path=folder / "checklist_phone.png", full_page=True)
    assert english_words(page) == []
    today = timezone.localdate()
    ticks = Checklist.objects.get(day=today, hotel__roster__staff__user__username="hotel").ticks
    assert {"round_1", "monitor_1", "report"} <= set(ticks)
