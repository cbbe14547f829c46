"""Issue 14's "done when" for the impact: the city office previews an announcement on the
page and sees, before publishing, the residents it would change (the dry run's progress
bar polled with htmx, then the figures); after publishing, the runs' page shows the
preview's figures beside what the recompute did."""

from unittest import mock

import pytest
from django.utils import timezone

from communities import impact, recompute
from communities.models import Announcement, ImpactPreview
from communities.tests.factories import (
    ResidentFactory,
    UserFactory,
    announcement_publish,
    arrival_file,
    tree,
)
from tests.test_browser_announcement import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def city():
    """The city office, and two residents of 小店区 back from 吉林市船营区 three days ago
    under an announcement that names nothing."""
    nodes = tree()
    UserFactory(username="shifangkong", role="city_office", jurisdiction=nodes["city"])
    announcement_publish({"title": "在用的公告", "effective": "2022-03-28", "risk_areas": []})
    for grid in ("grid_a", "grid_b"):
        arrival_file(ResidentFactory(grid=nodes[grid]), place=("吉林省", "吉林市", "船营区"))
    return nodes


def test_the_city_office_sees_the_impact_before_publishing(page, live_server, city, screenshot_dir):
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/announcements/new/")
    page.fill("input[name=title]", "市疫情防控办提示 影响预演")
    page.fill("input[name=effective]", timezone.localdate().isoformat())
    page.click("[data-testid=add-risk]")
    page.wait_for_selector("select[name=risk-0-province]")
    page.wait_for_function(
        "() => document.querySelector('select[name=risk-0-province]')"
        "['htmx-internal-data'] !== undefined"
    )
    page.select_option("select[name=risk-0-province]", "吉林省")
    page.wait_for_selector("select[name=risk-0-city] option[value=吉林市]", state="attached")
    page.select_option("select[name=risk-0-city]", "吉林市")
    page.wait_for_selector("select[name=risk-0-county] option[value=船营区]", state="attached")
    page.select_option("select[name=risk-0-county]", "船营区")
    # the job is queued, not run: the page shows its progress until a worker has done it
    with (
        mock.patch("communities.services.previews.impact_preview_task.delay"),
        mock.patch("communities.tasks.recompute_after_announcement_task.delay"),
    ):
        page.click("button:has-text('检查并预览')")
        page.wait_for_selector("[data-testid=impact][data-state=pending] .progress")
        assert "排队中" in page.inner_text("[data-testid=impact]")
        impact.preview_run(preview_id=ImpactPreview.objects.get().pk)  # the worker
        page.wait_for_selector("[data-testid=impact-changed]")  # htmx polled the row
        page.screenshot(path=screenshot_dir / "announcement_impact.png", full_page=True)
        text = page.inner_text("[data-testid=impact]")
        assert "如果发布，将有 2 名居民赋码改变" in text
        assert "红码" in text and "R1" in text and "小店区" in text
        assert not Announcement.objects.filter(title__contains="影响预演").exists()
        page.click("[data-testid=publish]")
        page.wait_for_selector("text=已发布")
    published = Announcement.objects.get(title__contains="影响预演")
    run = recompute.run_inline(
        kind="announcement", today=timezone.localdate(), announcement_id=published.pk
    )
    assert run.to_red == 2
    page.goto(f"{live_server.url}/review/runs/")
    assert page.inner_text("[data-testid=preview-to-red]") == "预演 2"
