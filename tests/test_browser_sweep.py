"""Issue 6's "done when", in the browser: an inspector of the demo campaign inspects a
shop with a failure and sees the reminder; a failure before its deadline has passed is
recorded but is not another reminder (issue 10); the first failure after the deadline
posts the red placard; prints it; cannot re-inspect before the three days are over; comes
back after 3 days (the clock moved each time), passes the re-inspection and sees green;
the street supervisor's progress page counts it."""

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.management import call_command
from django.utils import timezone

from communities.models import User
from shops import access, rules, selectors
from shops.models import Campaign, Shop

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
PASSWORD = "Demo@2022"


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


def checklist(page, **failed):
    """Tap yes or no on every item of the checklist, then record it."""
    for item in rules.CHECKS:
        choice = 1 if item in failed else 0  # the radios are yes, no
        page.click(f"label[for=id_{item}_{choice}]")
    page.click("[data-testid=submit]")
    page.wait_for_load_state()


def clock(day):
    """The clock at 10:00 on `day`, for the pages too (the live server's thread)."""
    now = timezone.make_aware(datetime.combine(day, time(10)))
    return mock.patch("django.utils.timezone.now", return_value=now)


def test_reminder_red_placard_and_reinspection_in_the_browser(
    page, live_server, screenshot_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    call_command("seed_demo", force=True, residents=20, shops=40)
    campaign = Campaign.objects.get()
    # the demo shop of group 1 reminded once, its deadline passed yesterday: its next
    # failure is its second reminder (SHOP_MAX_REMINDERS = 2); a failure after that
    # reminder's deadline, the red placard
    shop = Shop.objects.get(assignments__group__number=1, reminders=1, placard="none")

    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "inspector")
    page.goto(f"{live_server.url}/sweep/")
    row = page.locator(f"[data-testid=worklist-item][data-shop='{shop.pk}']")
    assert row.count() == 1
    row.locator("[data-testid=inspect]").click()
    page.screenshot(path=screenshot_dir / "sweep_checklist.png", full_page=True)
    checklist(page, masks_worn=False)
    assert "整改提醒" in page.inner_text("main")
    shop.refresh_from_db()
    assert (shop.placard, shop.reminders) == ("none", 2)
    deadline = shop.rectify_by
    assert deadline == timezone.localdate() + timedelta(days=settings.SHOP_RECTIFY_DAYS)
    page.screenshot(path=screenshot_dir / "sweep_reminder.png", full_page=True)

    # the deadline day is still the shop's: a failure is recorded, not another reminder
    with clock(deadline):
        sign_in(page, live_server, "inspector")
        page.goto(f"{live_server.url}/sweep/shops/{shop.pk}/inspect/")
        assert deadline.isoformat() in page.inner_text("[data-testid=deadline-running]")
        checklist(page, codes_checked=False)
        assert "不计为新的整改提醒" in page.inner_text("main")
        assert page.locator("[data-testid=inspection][data-outcome=in_period]").count() == 1
        shop.refresh_from_db()
        assert (shop.placard, shop.state, shop.reminders, shop.rectify_by) == (
            "none",
            "open",
            2,
            deadline,
        )

    # the day after the deadline: the failure posts the red placard
    with clock(deadline + timedelta(days=1)):
        sign_in(page, live_server, "inspector")
        page.goto(f"{live_server.url}/sweep/shops/{shop.pk}/inspect/")
        checklist(page, venue_code_used=False, visitors_registered=False)
        body = page.inner_text("main")
        assert "张贴红牌" in body and "立即关停" in body
        shop.refresh_from_db()
        assert (shop.placard, shop.state) == ("red", "closed")
        due = shop.reinspection_due
        assert due == timezone.localdate() + timedelta(days=3)
        events = page.query_selector_all("[data-testid=event]")
        assert [e.get_attribute("data-kind") for e in events][-2:] == ["reminder", "red"]
        page.screenshot(path=screenshot_dir / "sweep_red.png", full_page=True)

        page.click("[data-testid=placard-print]")
        page.wait_for_load_state()
        placard = page.inner_text("body")
        assert "警告" in placard and "该经营户不落实疫情防控措施，立即关停" in placard
        assert page.locator("svg").count() >= 1  # the QR code to the public status page
        page.set_viewport_size({"width": 794, "height": 1123})  # A4 at 96 dpi
        page.screenshot(path=screenshot_dir / "sweep_red_placard.png", full_page=True)
        pdf = page.request.get(f"{live_server.url}/placards/{shop.pk}/pdf/")
        assert pdf.status == 200 and pdf.body().startswith(b"%PDF")
        page.set_viewport_size(PHONE)

        # the same day: the closure is not over, the re-inspection is refused
        page.goto(f"{live_server.url}/sweep/shops/{shop.pk}/inspect/")
        assert due.isoformat() in page.inner_text("[data-testid=refusal]")

    with clock(due):
        assert timezone.localdate() == due
        sign_in(page, live_server, "inspector")  # the last session has expired
        page.goto(f"{live_server.url}/sweep/")
        row = page.locator(f"[data-testid=worklist-item][data-shop='{shop.pk}']")
        assert row.get_attribute("data-urgency") == "red-due"
        row.locator("[data-testid=inspect]").click()
        checklist(page)
        assert "通过" in page.inner_text("main")
        shop.refresh_from_db()
        assert (shop.placard, shop.state, shop.reminders) == ("green", "open", 0)
        kinds = [
            e.get_attribute("data-kind") for e in page.query_selector_all("[data-testid=event]")
        ]
        assert kinds[-3:] == ["reminder", "red", "red_removed"]
        page.screenshot(path=screenshot_dir / "sweep_green_again.png", full_page=True)

        page.set_viewport_size(DESK)
        sign_in(page, live_server, "street")
        page.goto(f"{live_server.url}/shops/campaigns/{campaign.pk}/progress/")
        supervisor = User.objects.get(username="street")
        progress = selectors.campaign_progress(campaign, due, visible=access.shops_for(supervisor))
        assert page.inner_text("[data-testid=green]") == str(progress.green)
        assert page.inner_text("[data-testid=red]") == str(progress.red)
        assert page.inner_text("[data-testid=reminder]") == str(progress.reminder)
        inspected = page.inner_text("[data-testid=inspected]")
        assert inspected.replace(" ", "").startswith(f"{progress.inspected}/{progress.total}")
        # the demo's six green shops and this one; its other red shop still waits
        assert progress.green == 7 and progress.red == 1
        page.screenshot(path=screenshot_dir / "sweep_progress.png", full_page=True)


def test_the_inspectors_home_shows_the_groups_sweep_each_count_opening_its_list(
    page, live_server, screenshot_dir
):
    """Issue 13: an inspector's home shows their group's sweep, not residents and grids;
    each count opens the worklist narrowed to it, which shows as many; on a phone and a
    desk, nothing wider than the phone."""
    call_command("seed_demo", force=True, residents=20, shops=40)
    for viewport, size in (("phone", PHONE), ("desk", DESK)):
        page.set_viewport_size(size)
        sign_in(page, live_server, "inspector")
        panel = page.locator("[data-testid=panel-sweep]")
        panel.wait_for()
        assert page.locator("[data-testid=count-residents]").count() == 0
        assert page.locator("[data-testid=count-grids]").count() == 0
        page.screenshot(path=screenshot_dir / f"inspector_home_{viewport}.png", full_page=True)
        if viewport == "phone":
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        for key in ("to-inspect", "reminded", "red", "red-due"):
            page.goto(f"{live_server.url}/")
            count = page.inner_text(f"[data-testid=count-sweep-{key}]")
            page.click(f"[data-testid=link-sweep-{key}]")
            page.wait_for_selector("[data-testid=show]")
            shown = page.locator("[data-testid=worklist-item]").count()
            assert str(shown) == count, (key, count, shown)
