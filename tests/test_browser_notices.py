"""Issue 5's "done when": the city office publishes an announcement in the browser; a real
Celery worker recomputes the codes and sends the notices; the grid worker finds them in the
inbox, with the count in the navigation bar."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from communities.tests.factories import ResidentFactory, UserFactory, arrival_file, tree, wait_for
from notices.models import Notice
from portal.celery import app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DEMO = (
    Path(__file__).resolve().parent.parent / "communities" / "fixtures" / "demo_announcement.json"
)


def test_publishing_an_announcement_brings_notices_to_the_grid_worker(
    page, live_server, screenshot_dir
):
    nodes = tree()
    worker = UserFactory(
        username="grid",
        role="grid_worker",
        jurisdiction=nodes["community"],
        grids=[nodes["grid_a"]],
    )
    UserFactory(username="city", role="city_office", jurisdiction=nodes["city"])
    resident = ResidentFactory(grid=nodes["grid_a"], name="蒋长春")
    # before any announcement: green
    arrival_file(resident, place=("吉林省", "吉林市", "丰满区"), by=worker)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("input[name=username]", "city")
        page.fill("input[name=password]", "pw-for-tests-123")
        page.click("main button[type=submit]")
        page.goto(f"{live_server.url}/announcements/upload/")
        # the upload page refuses the demo's date (2022) as more than a year ago
        demo = json.loads(DEMO.read_text())
        demo["effective"] = (timezone.localdate() - timedelta(days=7)).isoformat()
        page.fill("textarea[name=text]", json.dumps(demo, ensure_ascii=False))
        page.click("main button[type=submit]")  # preview
        page.click("button[name=publish]")
        page.wait_for_load_state()
        sent = Notice.objects.filter(recipient=worker, state="sent")
        assert wait_for(sent.exists, 45), "no notice was sent"

    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "grid")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=role]")
    # on the phone, the unread count is beside the folded menu, in sight without opening it
    bell = page.locator("[data-testid=phone-notices] [data-testid=notice-count]")
    bell.wait_for(state="visible")
    assert int(bell.inner_text()) >= 1
    page.screenshot(path=screenshot_dir / "notices_phone_badge.png")
    page.goto(f"{live_server.url}/notices/")
    notice = page.locator("[data-testid=notice]").first
    assert "1人转为红码" in notice.inner_text()
    page.screenshot(path=screenshot_dir / "notices_inbox.png", full_page=True)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R1")
