import pytest
from datetime import timedelta
from django.utils import timezone
from communities import services
from communities.tests.factories import UserFactory, tree, valid_id_number
from tests.test_browser_self_report import places, PHONE  # noqa
pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

def test_shot(page, live_server, places, screenshot_dir):
    nodes = places
    UserFactory(username="tongda", role="grid_worker", jurisdiction=nodes["community"], grids=[nodes["grid_a"]])
    today = timezone.localdate()
    stays = [{"province": "吉林省", "city": "吉林市", "county": "丰满区", "start": today - timedelta(days=6), "end": today - timedelta(days=2)}]
    for name in ("甲", "乙"):
        a = services.self_report_submit(community=nodes["community"], name=name, id_number=valid_id_number(), phone="13912340003",
            address="通达街1号", stays=stays, arrival_date=today - timedelta(days=1), landing_point_kind="station",
            landing_point="太原南站", transport="train", abroad_quarantine_days=None)
    a.tasks.update(due_at=timezone.now() - timedelta(hours=3))
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tongda")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=role]")
    page.goto(f"{live_server.url}/tasks/")
    page.screenshot(path=screenshot_dir / "tasks.png", full_page=True)
    page.click("[data-testid=task] >> nth=0")
    page.wait_for_selector("[data-testid=decision]")
    page.screenshot(path=screenshot_dir / "task_verify.png", full_page=True)
    page.click("form[method=post] button[type=submit] >> nth=0")
    page.wait_for_selector("[data-testid=resident-code]")
    page.screenshot(path=screenshot_dir / "task_done.png", full_page=True)
