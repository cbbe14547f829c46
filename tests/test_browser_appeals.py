"""Appeals on a phone: the person appeals with a photo of the report; the grid worker
finds it in the list, filters it with htmx and verifies it."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.utils import timezone

from communities.models import Appeal, ControlMeasure, Resident
from communities.tests.factories import ResidentFactory, UserFactory, image_bytes, tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PNG = image_bytes("PNG")


@pytest.fixture
def red(settings, tmp_path):
    """A red resident of 第1网格 and the grid worker who serves it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "cache"),
        }
    }
    cache.clear()
    nodes = tree()
    resident = ResidentFactory(grid=nodes["grid_a"], name="孙申诉", phone="13912340077")
    Resident.objects.filter(pk=resident.pk).update(code="red", code_rule="R1")
    today = timezone.localdate()
    ControlMeasure.objects.create(
        resident=resident,
        rule="R1",
        phases=[{"kind": "centralized_quarantine", "days": 14}],
        start=today,
        end=today + timedelta(days=13),
        release_due=today + timedelta(days=14),
    )
    UserFactory(
        username="tongda",
        role="grid_worker",
        jurisdiction=nodes["community"],
        grids=[nodes["grid_a"]],
    )
    return resident


def test_person_appeals_and_the_grid_worker_verifies_on_a_phone(
    page, live_server, red, screenshot_dir
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/appeals/public/")
    page.fill("input[name=id_number]", red.id_number)
    page.fill("input[name=phone]", red.phone)
    page.fill("textarea[name=reason]", "行程未涉及风险地区，核酸阴性。")
    page.set_input_files(
        "input[name=evidence]", files=[{"name": "报告.png", "mimeType": "image/png", "buffer": PNG}]
    )
    page.screenshot(path=screenshot_dir / "appeal_public_form.png", full_page=True)
    page.click("form[action='/appeals/public/'] button[type=submit]")
    page.wait_for_selector("[data-testid=thanks]")
    due = timezone.localtime(Appeal.objects.get().due_at)
    assert due.strftime("%Y-%m-%d %H:%M") in page.inner_text("[data-testid=thanks]")
    assert red.name not in page.content()
    page.screenshot(path=screenshot_dir / "appeal_public_thanks.png", full_page=True)

    # Its status page, by the reference and the phone's last four digits: the 24-hour clock.
    page.click("[data-testid=status-link]")
    page.fill("input[name=phone_last4]", red.phone[-4:])
    page.click("form[action='/report/status/'] button[type=submit]")
    page.wait_for_selector("[data-testid=status] [data-testid=time-left]")
    assert page.inner_text("[data-testid=status-reference]") == Appeal.objects.get().reference
    assert page.inner_text("[data-testid=stage]") == "已提交"
    assert red.name not in page.content()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=screenshot_dir / "appeal_public_status.png", full_page=True)

    page.goto(f"{live_server.url}/appeals/")
    page.fill("input[name=username]", "tongda")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=appeal]")
    assert "孙申诉" in page.inner_text("[data-testid=appeals]")
    page.select_option("select[name=state]", "resolved")  # htmx swaps the rows in place
    page.wait_for_selector("[data-testid=appeal]", state="detached")
    assert "state=resolved" in page.url
    page.select_option("select[name=state]", "open")
    page.wait_for_selector("[data-testid=time-left]")
    page.screenshot(path=screenshot_dir / "appeal_list.png", full_page=True)

    page.click("[data-testid=appeal]")
    page.wait_for_selector("[data-testid=step-form]")
    page.fill("textarea[name=note]", "已电话核实，报告真实。")
    page.click("[data-testid=step-form] button[type=submit]")
    page.wait_for_selector("[data-testid=waiting-for]")
    assert Appeal.objects.get().state == Appeal.State.VERIFIED
    page.screenshot(path=screenshot_dir / "appeal_verified.png", full_page=True)
