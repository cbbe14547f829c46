"""Issue 4's "done when", in the browser: a resident from a case county is red; the grid
worker records 7 days of follow-ups with a fever on day 3; the code cannot be released;
the district proposes release; the city's approval is refused while the fever is open
(issue 10: the card lists it); community staff resolve it on the resident's page; the
city approves; the timeline shows every step. An appeal filed on the public page shows its
countdown to the grid worker, the district and the city. The district's review tasks: the
home page counts them, one is proposed to the city in one step."""

import json
from datetime import timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.cache import cache
from django.utils import timezone

from communities import services
from communities.models import Appeal, RecomputeRun
from communities.tests.factories import (
    JurisdictionFactory,
    ResidentFactory,
    UserFactory,
    announcement_publish,
    arrival_file,
    pdf_bytes,
    tree,
    wait_for,
)
from portal.celery import app

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}
DEMO = (
    Path(__file__).resolve().parent.parent / "communities" / "fixtures" / "demo_announcement.json"
)
PDF = pdf_bytes()


@pytest.fixture
def city(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    cache.clear()
    announcement_publish(DEMO)
    nodes = tree()
    worker = UserFactory(
        username="grid",
        role="grid_worker",
        jurisdiction=nodes["community"],
        grids=[nodes["grid_a"]],
    )
    UserFactory(username="xiaodian", role="district_office", jurisdiction=nodes["district"])
    UserFactory(username="staff", role="community_staff", jurisdiction=nodes["community"])
    UserFactory(username="city", role="city_office", jurisdiction=nodes["city"])
    UserFactory(username="street", role="street_supervisor", jurisdiction=nodes["street"])
    today = timezone.localdate()
    resident = ResidentFactory(grid=nodes["grid_a"], name="冯禅城", phone="13912345001")
    arrival_file(resident, place=("广东省", "佛山市", "禅城区"), days_ago=8, by=worker)
    appellant = ResidentFactory(grid=nodes["grid_a"], name="褚申诉", phone="13912345002")
    services.health_code_change(resident=appellant, to="red", rule="R2", reason="赋码", actor=None)
    JurisdictionFactory(name="别的社区", level="community", parent=nodes["street"])
    return {"resident": resident, "appellant": appellant, "today": today, "nodes": nodes}


def sign_in(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=role]")


def test_follow_ups_fever_no_release_then_district_and_city_release(
    page, live_server, city, screenshot_dir
):
    resident, today = city["resident"], city["today"]
    start = today - timedelta(days=8)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "grid")
    page.goto(f"{live_server.url}/residents/{resident.pk}/")
    assert page.inner_text("[data-testid=resident-code]") == "红码"
    assert "R3" in page.inner_text("main")

    for n in range(7):
        day = start + timedelta(days=n)
        page.goto(f"{live_server.url}/care/followups/{resident.pk}/?day={day.isoformat()}")
        page.fill("input[name=temperature]", "38.2" if n == 2 else "36.6")
        page.click("[data-testid=save]")
        page.wait_for_load_state()
    page.screenshot(path=screenshot_dir / "lifecycle_followups.png", full_page=True)

    page.goto(f"{live_server.url}/residents/{resident.pk}/")
    anomalies = page.inner_text("[data-testid=anomalies]")
    assert "38.2" in anomalies and "不自动解码" in anomalies
    measure = resident.measures.get(state="active")
    assert not services.resident_release(resident=resident, today=measure.release_due)

    page.set_viewport_size(DESK)
    sign_in(page, live_server, "xiaodian")
    page.goto(f"{live_server.url}/residents/{resident.pk}/")
    page.select_option("[data-testid=proposal-form] select[name=to_code]", "green")
    page.fill("[data-testid=proposal-form] textarea[name=reason]", "隔离期满，发热已排除")
    page.click("[data-testid=proposal-form] button")
    page.wait_for_load_state()
    assert page.inner_text("[data-testid=resident-code]") == "红码"

    sign_in(page, live_server, "city")
    page.goto(f"{live_server.url}/review/proposals/")
    card = page.locator("[data-testid=proposal]").first
    assert "38.2" in card.locator("[data-testid=open-anomalies]").inner_text()
    card.locator("button[value='1']").click()
    error = page.locator("[data-testid=decide-error]")
    error.wait_for()  # htmx swapped the card with the refusal on its form
    assert error.inner_text().startswith("须先逐项处置未处置的异常"), error.inner_text()
    assert "38.2" in error.inner_text()
    assert resident.proposals.get().state == "pending"
    page.screenshot(path=screenshot_dir / "lifecycle_release_refused.png", full_page=True)

    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "staff")
    page.click("[data-testid=waiting-anomalies]")
    page.wait_for_selector("[data-testid=anomaly-row]")
    page.screenshot(path=screenshot_dir / "anomaly_queue_phone.png", full_page=True)
    page.click("[data-testid=anomaly-row]")
    form = page.locator("[data-testid=resolve-form]")
    assert form.locator("select").input_value() == ""  # nothing chosen for them
    form.locator("select").select_option(label="发热门诊排除")
    form.locator("textarea").fill("发热门诊排除新冠，体温已恢复正常")
    page.screenshot(path=screenshot_dir / "anomaly_resolve_phone.png", full_page=True)
    form.locator("[data-testid=resolve]").click()
    page.wait_for_selector("[data-testid=resolution]")
    assert "发热门诊排除" in page.inner_text("[data-testid=resolution]")
    assert page.inner_text("[data-testid=resident-code]") == "红码"
    assert "R3" in page.inner_text("main")
    page.screenshot(path=screenshot_dir / "anomaly_resolved_phone.png", full_page=True)

    page.set_viewport_size(DESK)
    sign_in(page, live_server, "city")
    page.goto(f"{live_server.url}/review/proposals/")
    assert page.locator("[data-testid=open-anomalies]").count() == 0
    page.click("[data-testid=proposal] button[value='1']")
    page.wait_for_selector("[data-testid=done]")
    page.goto(f"{live_server.url}/residents/{resident.pk}/")
    assert page.inner_text("[data-testid=resident-code]") == "绿码"
    timeline = page.inner_text("[data-testid=timeline]")
    for step in (
        "赋码: 绿码 → 红码 (R3)",
        "转码: 红码 → 红码 (异常)",
        "异常已处置: 体温≥37.3°C（38.2 °C）已处置：发热门诊排除",
        "转码: 红码 → 红码 (R3)",
        "解码: 红码 → 绿码 (人工)",
    ):
        assert step in timeline, timeline
    page.screenshot(path=screenshot_dir / "lifecycle_released.png", full_page=True)

    # Issue 10: the city publishes an announcement that would make the resident red by R1;
    # a real worker runs the re-assessment. The city's decision stands: still green, and
    # the district has the review task.
    stricter = json.loads(DEMO.read_text())
    stricter["title"] = "市疫情防控办提示 禅城区调整"
    stricter["effective"] = today.isoformat()  # the upload page takes dates within a year
    stricter["risk_areas"].append(
        {"level": "high", "province": "广东省", "city": "佛山市", "county": "禅城区"}
    )
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        page.goto(f"{live_server.url}/announcements/upload/")
        page.fill("textarea[name=text]", json.dumps(stricter, ensure_ascii=False))
        page.click("main button[type=submit]")  # preview
        page.click("button[name=publish]")
        page.wait_for_load_state()
        runs = RecomputeRun.objects.filter(announcement__title=stricter["title"])
        assert wait_for(runs.filter(state="finished").exists, 45), "the run did not finish"
    page.goto(f"{live_server.url}/review/runs/")
    assert page.inner_text("[data-testid=run-to-review] >> nth=0") == "1"
    page.screenshot(path=screenshot_dir / "runs_person_decision_stands.png", full_page=True)
    page.goto(f"{live_server.url}/residents/{resident.pk}/")
    assert page.inner_text("[data-testid=resident-code]") == "绿码"
    assert "人工决定有效" in page.inner_text("[data-testid=history-review]")

    sign_in(page, live_server, "xiaodian")
    assert page.inner_text("[data-testid=count-reviews]") == "1"
    page.click("[data-testid=waiting-reviews]")
    card = page.locator("[data-testid=review]").first
    assert "公告《市疫情防控办提示 禅城区调整》将使其转为红码（R1）" in card.inner_text()
    assert resident.name in card.inner_text()
    page.screenshot(path=screenshot_dir / "decision_review_after_publish.png", full_page=True)


def test_a_public_appeal_shows_its_countdown_to_grid_district_and_city(
    page, live_server, city, screenshot_dir
):
    appellant = city["appellant"]
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/appeals/public/")
    page.fill("input[name=id_number]", appellant.id_number)
    page.fill("input[name=phone]", appellant.phone)
    page.fill("textarea[name=reason]", "未去过风险地区，核酸阴性")
    page.set_input_files(
        "input[name=evidence]",
        files=[{"name": "report.pdf", "mimeType": "application/pdf", "buffer": PDF}],
    )
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert Appeal.objects.filter(resident=appellant).exists()

    for username in ("grid", "xiaodian", "city"):
        sign_in(page, live_server, username)
        page.goto(f"{live_server.url}/appeals/")
        row = page.locator("[data-testid=appeal]").first
        assert "褚申诉" in row.inner_text()
        left = row.locator("[data-testid=time-left]").inner_text()
        assert left.startswith("剩余 23小时") or left.startswith("剩余 24小时"), left
        page.screenshot(path=screenshot_dir / f"appeal_countdown_{username}.png", full_page=True)


def test_the_district_proposes_a_review_task_to_the_city_in_one_step(
    page, live_server, city, screenshot_dir
):
    from communities.models import Announcement, DecisionReview
    from communities.tests.factories import DecisionReviewFactory

    resident = ResidentFactory(grid=city["nodes"]["grid_b"], name="卫复核")
    review = DecisionReviewFactory(resident=resident, announcement=Announcement.objects.get())
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "xiaodian")
    assert page.inner_text("[data-testid=count-reviews]") == "1"
    page.screenshot(path=screenshot_dir / "home_district_waiting.png", full_page=True)
    page.click("[data-testid=waiting-reviews]")
    card = page.locator("[data-testid=review]").first
    assert "公告《市疫情防控办提示 3月28日》将使其转为红码（R1）" in card.inner_text()
    page.screenshot(path=screenshot_dir / "decision_reviews_district.png", full_page=True)
    card.locator("[data-testid=propose-form] textarea").press("End")
    card.locator("[data-testid=propose-form] textarea").type("\n同意按新公告转码")
    card.locator("[data-testid=propose-form] button").click()
    page.wait_for_selector("[data-testid=review] [data-testid=done]")
    assert DecisionReview.objects.get(pk=review.pk).state == "proposed"
    page.screenshot(path=screenshot_dir / "decision_review_proposed.png", full_page=True)

    sign_in(page, live_server, "city")
    page.goto(f"{live_server.url}/review/proposals/")
    assert f"区级复核任务#{review.pk}" in page.inner_text("[data-testid=proposal]")
