"""A grid worker's day on a phone: one tap per test result (a positive asks first), then a
follow-up with a fever."""

from datetime import timedelta

import pytest
from django.utils import timezone

from communities.models import Anomaly, ControlMeasure, FollowUp, NucleicAcidTest
from communities.tests.factories import ResidentFactory, UserFactory, tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def setting():
    nodes = tree()
    today = timezone.localdate()
    well = ResidentFactory(grid=nodes["grid_a"], name="A王阴性")
    ill = ResidentFactory(grid=nodes["grid_a"], name="B赵阳性")
    watched = ResidentFactory(grid=nodes["grid_a"], name="C孙监测", code="yellow", code_rule="R6")
    NucleicAcidTest.objects.create(resident=well, kind="landing", due=today)
    NucleicAcidTest.objects.create(resident=ill, kind="followup", due=today - timedelta(days=1))
    ControlMeasure.objects.create(
        resident=watched,
        rule="R6",
        phases=[{"kind": "home_health_monitoring", "days": 7}],
        start=today - timedelta(days=2),
        end=today + timedelta(days=4),
        release_due=today + timedelta(days=5),
    )
    UserFactory(
        username="tongda",
        role="grid_worker",
        jurisdiction=nodes["community"],
        grids=[nodes["grid_a"]],
    )
    return well, ill, watched


def sign_in_on_a_phone(page, live_server):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tongda")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=role]")


def test_grid_worker_taps_results_and_records_a_fever(page, live_server, setting, screenshot_dir):
    well, ill, watched = setting
    sign_in_on_a_phone(page, live_server)

    page.goto(f"{live_server.url}/care/tests/")
    rows = page.locator("[data-testid=test-row]")
    assert rows.count() == 2
    assert rows.nth(0).locator("[data-testid=overdue]").count() == 1  # yesterday's, first
    page.screenshot(path=screenshot_dir / "care_tests.png", full_page=True)

    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    rows.nth(0).locator("[data-testid=positive]").click()
    page.wait_for_selector("[data-testid=turned-red]")
    assert len(dialogs) == 1 and ill.name in dialogs[0]
    page.locator("[data-testid=test-row]", has_text=well.name).locator(
        "[data-testid=negative]"
    ).click()
    page.wait_for_function("document.querySelectorAll('[data-testid=recorded]').length == 2")
    assert len(dialogs) == 1  # a negative needs no confirmation
    page.screenshot(path=screenshot_dir / "care_tests_recorded.png", full_page=True)
    assert dict(NucleicAcidTest.objects.values_list("resident__name", "result")) == {
        well.name: "negative",
        ill.name: "positive",
    }

    page.goto(f"{live_server.url}/care/followups/")
    card = page.locator("[data-testid=care-card]", has_text=watched.name)
    assert card.locator("[data-testid=overdue]").count() == 1  # two earlier days missing
    page.screenshot(path=screenshot_dir / "care_followups.png", full_page=True)
    card.locator("[data-testid=record]").click()
    page.fill("input[name=temperature]", "37.5")
    page.check("input[name=symptoms][value=cough]")
    page.screenshot(path=screenshot_dir / "care_followup_form.png", full_page=True)
    page.click("[data-testid=save]")
    page.wait_for_selector(".alert-warning")
    page.screenshot(path=screenshot_dir / "care_followup_fever.png", full_page=True)
    assert FollowUp.objects.get().temperature == 37.5
    assert Anomaly.objects.filter(resident=watched, kind="fever").exists()
    watched.refresh_from_db()
    assert watched.code == "red"


def test_grid_worker_uploads_a_results_file_and_reads_the_report(
    page, live_server, setting, screenshot_dir, tmp_path
):
    well, ill, _watched = setting
    yesterday = timezone.localdate() - timedelta(days=1)
    results = tmp_path / "results.csv"
    results.write_text(
        "id_number,sampled_at,result\n"
        f"{well.id_number},{yesterday} 09:30,阴性\n"
        f"{ill.id_number},{yesterday} 09:40,弱阳性\n",
        encoding="utf-8-sig",
    )
    sign_in_on_a_phone(page, live_server)

    # the import path (issue 15), on a phone: the dry run's report names the bad row, and
    # nothing is stored until a file without a problem is stored
    page.goto(f"{live_server.url}/care/tests/")
    page.click("main >> text=上传结果文件")
    page.set_input_files("input[name=file]", str(results))
    page.click("main button[type=submit]")
    page.wait_for_selector("[data-testid=import-refused]")
    page.screenshot(path=screenshot_dir / "care_upload_report.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    problems = page.locator("[data-testid=problem]")
    assert problems.count() == 1 and "弱阳性" in problems.first.inner_text()
    assert set(NucleicAcidTest.objects.values_list("result", flat=True)) == {"pending"}
    results.write_text(
        f"身份证号,采样时间,检测结果\n{well.id_number},{yesterday} 09:30,阴性\n",
        encoding="utf-8-sig",
    )
    page.set_input_files("input[name=file]", str(results))
    page.click("main button:text('检查文件')")
    page.click("[data-testid=import-store]")
    page.wait_for_selector("[data-testid=import-stored]")
    assert dict(NucleicAcidTest.objects.values_list("resident__name", "result")) == {
        well.name: "negative",
        ill.name: "pending",
    }


def test_grid_worker_enters_the_sample_time_and_withdraws_a_mistaken_positive(
    page, live_server, setting, screenshot_dir
):
    """On a phone: the sample time is entered on the row, a positive tapped by mistake is
    withdrawn from the same row, and the test is pending again with the code as before."""
    _well, ill, _watched = setting
    yesterday = timezone.localdate() - timedelta(days=1)
    sign_in_on_a_phone(page, live_server)

    page.goto(f"{live_server.url}/care/tests/")
    row = page.locator("[data-testid=test-row]", has_text=ill.name)
    assert row.locator("[data-testid=sampled-at]").input_value()  # now, by default
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row.locator("[data-testid=sampled-at]").fill(f"{yesterday}T08:30")
    page.on("dialog", lambda dialog: dialog.accept())
    row.locator("[data-testid=positive]").click()
    page.wait_for_selector("[data-testid=withdraw]")
    assert f"{yesterday} 08:30" in row.inner_text()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / "care_test_withdrawable.png", full_page=True)
    test = NucleicAcidTest.objects.get(resident=ill)
    assert timezone.localtime(test.sampled_at).strftime("%Y-%m-%d %H:%M") == f"{yesterday} 08:30"
    ill.refresh_from_db()
    assert ill.code == "red"

    row.locator("[data-testid=withdraw]").click()
    page.wait_for_selector("[data-testid=withdrawn]")
    assert row.locator("[data-testid=positive]").count() == 1  # pending again
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / "care_test_withdrawn.png", full_page=True)
    test.refresh_from_db()
    ill.refresh_from_db()
    assert (test.result, ill.code) == ("pending", "green")
    assert Anomaly.objects.get(test=test).outcome == "withdrawn"
