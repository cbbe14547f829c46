"""Issue 16's vaccination in the browser: the demo's grid worker opens the booster list
on a phone from the menu (exactly those the rules call due among their residents, in
Chinese), records a booster for the first and sees them leave the list; the district
office sees the coverage on its dashboard, each count a link to its list."""

import pytest
from django.core.management import call_command
from django.utils import timezone

from communities import access
from communities.models import Jurisdiction, User
from communities.rules.identity import birth_date_of
from vaccination import rules, selectors
from vaccination.models import VaccinationState

from .test_browser_roles import DESK, PHONE, english_words, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, residents=400, shops=10)


def due_by_the_rules(user) -> set[str]:
    """The grid worker's residents the pure rules call due a booster today."""
    today = timezone.localdate()
    policy = selectors.policy_on(today)
    names = set()
    for resident in access.residents_for(user):
        doses = [rules.Dose(d.day, d.product.code, d.booster) for d in resident.doses.all()]
        state = rules.state_of(doses, policy)
        birth = birth_date_of(resident.id_number)
        if rules.booster_due(state, birth=birth, policy=policy, today=today):
            names.add(resident.name)
    return names


def test_the_grid_worker_works_through_the_booster_list_on_a_phone(
    page, live_server, demo, screenshot_dir
):
    folder = screenshot_dir / "vaccination"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "grid")
    page.click(".navbar-toggler")
    page.click("[data-testid=menu-vaccination]")
    page.click("[data-testid=menu-boosters-due]")
    page.wait_for_selector("[data-testid=boosters-due]")
    page.screenshot(path=folder / "boosters_due_phone.png", full_page=True)
    assert english_words(page) == []
    worker = User.objects.get(username="grid")
    expected = due_by_the_rules(worker)
    shown = page.locator("[data-testid=booster-due-row] a.fw-semibold").all_inner_texts()
    assert expected and set(shown) == expected and len(shown) == len(expected)

    first = shown[0]
    page.click(f"[data-testid=booster-due-row] a:text-is('{first}')")
    page.wait_for_selector("[data-testid=booster-due]")
    page.click("[data-testid=record-dose]")
    page.select_option("select[name=product]", label="新冠病毒灭活疫苗（Vero细胞）·北京生物")
    page.fill("input[name=lot]", "202211A001")
    page.fill("input[name=site]", "小店区人民医院接种点")
    page.check("input[name=booster]")
    page.screenshot(path=folder / "dose_form_phone.png", full_page=True)
    page.click("[data-testid=save]")
    page.wait_for_selector("[data-testid=doses]")
    assert "加强针" in page.inner_text("[data-testid=vaccination-status]")
    page.goto(f"{live_server.url}/vaccination/due/")
    page.wait_for_selector("[data-testid=boosters-due]")
    still = page.locator("[data-testid=booster-due-row] a.fw-semibold").all_inner_texts()
    assert first not in still and len(still) == len(expected) - 1
    assert VaccinationState.objects.filter(resident__name=first, status="booster").exists()


def test_the_district_sees_the_coverage_on_its_dashboard(page, live_server, demo, screenshot_dir):
    folder = screenshot_dir / "vaccination"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "xiaodian")
    district = Jurisdiction.objects.get(name="小店区")
    page.goto(f"{live_server.url}/dashboard/{district.pk}/")
    page.wait_for_selector("[data-testid=coverage]")
    page.locator("[data-testid=coverage]").scroll_into_view_if_needed()
    page.screenshot(path=folder / "coverage_district.png", full_page=True)
    assert english_words(page) == []
    due = page.locator("[data-testid=coverage-due-all]")
    count = int(due.inner_text())
    due.click()
    page.wait_for_selector("[data-testid=boosters-due]")
    assert page.locator("[data-testid=booster-due-row]").count() == min(count, 50)
