"""Issue 3's "done when": a grid worker files an arrival from 吉林市 in the browser and sees
red "14+7" with the dates; the dry-run API gives the same traveller the same answer."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from communities.tests.factories import ResidentFactory, UserFactory, announcement_publish, tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DEMO = (
    Path(__file__).resolve().parent.parent / "communities" / "fixtures" / "demo_announcement.json"
)


@pytest.fixture
def setting():
    announcement_publish(DEMO)
    nodes = tree()
    resident = ResidentFactory(grid=nodes["grid_a"], name="张返并")
    worker = UserFactory(
        username="tongda",
        role="grid_worker",
        jurisdiction=nodes["community"],
        grids=[nodes["grid_a"]],
    )
    return resident, worker


def sign_in_on_a_phone(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tongda")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=role]")


def stay_pick(page, county: str, start, end):
    """The first stay, in a county of 吉林省吉林市, through the cascading pickers over the
    official division list."""
    page.select_option("select[name=stays-0-province]", "吉林省")
    page.wait_for_selector("select[name=stays-0-city] option[value=吉林市]", state="attached")
    page.select_option("select[name=stays-0-city]", "吉林市")
    page.wait_for_selector(f"select[name=stays-0-county] option[value={county}]", state="attached")
    page.select_option("select[name=stays-0-county]", county)
    page.fill("input[name=stays-0-start]", start.isoformat())
    page.fill("input[name=stays-0-end]", end.isoformat())


def test_grid_worker_files_an_arrival_from_jilin_and_sees_red(
    page, live_server, setting, screenshot_dir
):
    resident, _worker = setting
    today = timezone.localdate()
    arrival = today - timedelta(days=1)
    stay_from, stay_to = today - timedelta(days=9), today - timedelta(days=2)

    sign_in_on_a_phone(page, live_server)

    page.goto(f"{live_server.url}/residents/{resident.pk}/")
    page.click("main a:has-text('登记返（抵）并报备')")
    page.fill("input[name=arrival_date]", arrival.isoformat())
    page.select_option("select[name=transport]", "train")
    page.select_option("select[name=landing_point_kind]", "station")
    page.fill("input[name=landing_point]", "太原南站")
    stay_pick(page, "船营区", stay_from, stay_to)
    page.fill("input[name=stays-0-street]", "北京路街道")
    page.fill("input[name=stays-0-area]", "某某小区")
    # A second stay row through htmx, left empty: an empty extra row is ignored.
    page.click("#add-stay")
    page.wait_for_selector("select[name=stays-1-province]")
    page.screenshot(path=screenshot_dir / "arrival_form.png", full_page=True)
    page.click("text=提交并研判")
    page.wait_for_load_state()
    page.screenshot(path=screenshot_dir / "arrival_after_submit.png", full_page=True)

    page.wait_for_selector("[data-testid=resident-code]")
    assert page.inner_text("[data-testid=resident-code]") == "红码"
    decision = page.locator("[data-testid=decision]").first
    assert "“14+7”" in decision.inner_text()
    end_of_quarantine = arrival + timedelta(days=13)
    release = arrival + timedelta(days=21)
    text = decision.inner_text()
    assert arrival.isoformat() in text and end_of_quarantine.isoformat() in text
    assert page.inner_text("[data-testid=release-due]") == release.isoformat()
    page.screenshot(path=screenshot_dir / "arrival_filed_red.png", full_page=True)

    api = APIClient()
    token = api.post(
        "/api/v1/auth/token/", {"username": "tongda", "password": "pw-for-tests-123"}, format="json"
    ).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    answer = api.post(
        "/api/v1/assessments/",
        {
            "as_of": today.isoformat(),
            "arrival_date": arrival.isoformat(),
            "stays": [
                {
                    "province": "吉林省",
                    "city": "吉林市",
                    "county": "船营区",
                    "street": "北京路街道",
                    "area": "某某小区",
                    "from": stay_from.isoformat(),
                    "to": stay_to.isoformat(),
                }
            ],
        },
        format="json",
    ).json()
    resident.refresh_from_db()
    filed = resident.arrivals.get().decision
    assert answer == filed
    assert (answer["code"], answer["rule"], answer["release_due"]) == (
        "red",
        "R1",
        release.isoformat(),
    )


def test_another_name_for_a_registered_id_number_is_confirmed_on_the_phone(
    page, live_server, setting, screenshot_dir
):
    """The confirmation step on a phone: the registered person masked, the values typed,
    one tap to confirm; the resident then has the name typed."""
    resident, _worker = setting
    today = timezone.localdate()
    sign_in_on_a_phone(page, live_server)

    page.goto(f"{live_server.url}/arrivals/new/")
    page.fill("input[name=name]", "张新名")
    page.fill("input[name=id_number]", resident.id_number)
    page.fill("input[name=phone]", resident.phone)
    page.select_option("select[name=grid]", label="通达街社区 第1网格")
    page.fill("input[name=arrival_date]", (today - timedelta(days=1)).isoformat())
    stay_pick(page, "丰满区", today - timedelta(days=6), today - timedelta(days=2))
    page.click("text=提交并研判")
    page.wait_for_selector("[data-testid=identity-compare]")
    page.screenshot(path=screenshot_dir / "arrival_confirm_identity.png", full_page=True)
    compare = page.inner_text("[data-testid=identity-compare]")
    assert "张*并" in compare and "张新名" in compare and "张返并" not in compare
    assert page.locator("[data-testid=differs-phone]").count() == 0
    # one thumb: the buttons span the phone's width
    box = page.locator("[data-testid=confirm-identity]").bounding_box()
    assert box["width"] > PHONE["width"] * 0.8
    assert not resident.arrivals.exists()

    page.click("[data-testid=confirm-identity]")
    page.wait_for_selector("[data-testid=resident-code]")
    assert page.inner_text("[data-testid=resident-code]") == "红码"
    assert "已确认为同一人" in page.inner_text("main")
    resident.refresh_from_db()
    assert resident.name == "张新名" and resident.identity_changes.count() == 1
    assert resident.arrivals.get().name == "张新名"


def test_the_dry_run_page_keeps_its_pickers_and_shows_the_decision(
    page, live_server, setting, screenshot_dir
):
    """Issue 13: on /assess/ the province picker once took the form's outerHTML swap and
    replaced the city picker with loose text. The pickers cascade and the result shows."""
    today = timezone.localdate()
    sign_in_on_a_phone(page, live_server)
    page.goto(f"{live_server.url}/assess/")
    page.fill("input[name=arrival_date]", (today - timedelta(days=1)).isoformat())
    stay_pick(page, "船营区", today - timedelta(days=9), today - timedelta(days=2))
    # still three selects, the city one holding the cities of the province
    assert page.locator("select[name=stays-0-city]").count() == 1
    assert page.locator("select[name=stays-0-city] option").count() > 5
    page.click("main button[type=submit]")
    page.wait_for_selector("#result [data-testid=decision]")
    assert "“14+7”" in page.inner_text("#result [data-testid=decision]")
    page.screenshot(path=screenshot_dir / "assessment_dry_run.png", full_page=True)
