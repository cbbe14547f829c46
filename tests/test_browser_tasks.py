"""The tasks with a way forward, on a grid worker's phone (issue 13): a person to find is
registered and their arrival filed from the task; a self-report is rejected with a reason."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities import services
from communities.models import ArrivalReport, GridTask, Resident
from communities.tests.factories import valid_id_number

# `setting`: the demo announcement, grid_a's resident and its grid worker "tongda"
from .test_browser_arrival import setting, sign_in_on_a_phone, stay_pick  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_grid_worker_registers_a_pushed_person_from_the_task(
    page,
    live_server,
    setting,  # noqa: F811  (the fixture imported above)
    screenshot_dir,
):
    today = timezone.localdate()
    community = setting[0].grid.parent  # the worker's community
    id_number = valid_id_number()
    task = services.push_receive(
        name="孙待查",
        id_number=id_number,
        phone="13700001111",
        reason="大数据推送：吉林市旅居",
        community=community,
        by=None,
    )
    sign_in_on_a_phone(page, live_server)

    page.goto(f"{live_server.url}/tasks/")
    page.click("[data-testid=task][data-kind=find_person]")
    page.wait_for_selector("[data-testid=register-person]")
    assert fits_the_phone(page)
    page.screenshot(path=screenshot_dir / "task_find_person.png", full_page=True)
    page.click("[data-testid=register-person]")
    page.wait_for_selector("[data-testid=from-task]")
    # what the task knows is filled in, in full, and the worker's one grid is chosen
    assert page.input_value("input[name=name]") == "孙待查"
    assert page.input_value("input[name=id_number]") == id_number
    assert page.input_value("input[name=phone]") == "13700001111"
    page.fill("input[name=address]", "通达街15号")
    page.fill("input[name=arrival_date]", (today - timedelta(days=1)).isoformat())
    page.select_option("select[name=transport]", "train")
    page.select_option("select[name=landing_point_kind]", "station")
    stay_pick(page, "丰满区", today - timedelta(days=6), today - timedelta(days=2))
    assert fits_the_phone(page)
    page.screenshot(path=screenshot_dir / "task_find_person_arrival_form.png", full_page=True)
    page.click("text=提交并研判")
    page.wait_for_selector("[data-testid=resident-code]")
    assert page.inner_text("[data-testid=resident-code]") == "红码"
    assert "任务已完成" in page.inner_text("body")
    page.screenshot(path=screenshot_dir / "task_find_person_registered.png", full_page=True)

    resident = Resident.objects.get(id_number=id_number)
    task.refresh_from_db()
    assert (task.state, task.resident) == ("done", resident)
    assert ArrivalReport.objects.get().resident == resident


def test_grid_worker_rejects_a_self_report_with_a_reason(
    page,
    live_server,
    setting,  # noqa: F811  (the fixture imported above)
    screenshot_dir,
):
    today = timezone.localdate()
    community = setting[0].grid.parent
    arrival = services.self_report_submit(
        community=community,
        name="钱报备",
        id_number=valid_id_number(),
        phone="13912340009",
        address="通达街12号",
        stays=[
            {
                "province": "吉林省",
                "city": "吉林市",
                "county": "丰满区",
                "start": today - timedelta(days=6),
                "end": today - timedelta(days=2),
            }
        ],
        arrival_date=today - timedelta(days=1),
        landing_point_kind="station",
        landing_point="太原南站",
        transport="train",
        abroad_quarantine_days=None,
    )
    sign_in_on_a_phone(page, live_server)

    page.goto(f"{live_server.url}/tasks/")
    page.click("[data-testid=task][data-kind=verify_self_report]")
    page.click("[data-testid=reject]")
    page.check("input[name=reason][value=not_arrived]")
    page.fill("textarea[name=note]", "电话联系，本人仍在吉林")
    assert fits_the_phone(page)
    page.screenshot(path=screenshot_dir / "task_reject_self_report.png", full_page=True)
    page.click("[data-testid=reject-submit]")
    page.wait_for_selector("[data-testid=tasks]")
    assert "报备已驳回" in page.inner_text("body")
    assert "钱报备" not in page.inner_text("[data-testid=tasks]")
    page.screenshot(path=screenshot_dir / "task_reject_done.png", full_page=True)

    arrival.refresh_from_db()
    task = GridTask.objects.get(arrival=arrival)
    assert arrival.state == "rejected" and arrival.resident is None
    assert (task.state, task.note) == ("done", "本人未抵达：电话联系，本人仍在吉林")
    assert not Resident.objects.filter(id_number=arrival.id_number).exists()
