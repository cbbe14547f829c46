"""Issue 13's "done when", in the browser: the city office's inbox on the home page shows a
pending code-change proposal; the city opens it from the inbox's link, rejects one with a
reason (a rejection without one is refused) and approves another; the district office,
which proposed them, sees each decision on the resident's page and has the in-app notice
of it. Screenshots in var/screenshots/inbox/."""

import pytest
from celery.contrib.testing.worker import start_worker

from communities import services
from communities.models import CodeChangeProposal
from communities.tests.factories import ResidentFactory, UserFactory, tree, wait_for
from notices.models import Notice
from portal.celery import app

from .test_browser_lifecycle import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 900}


@pytest.fixture
def offices():
    nodes = tree()
    district = UserFactory(
        username="xiaodian", role="district_office", jurisdiction=nodes["district"]
    )
    UserFactory(username="city", role="city_office", jurisdiction=nodes["city"])
    people = {}
    for key, name, phone in (
        ("rejected", "韩驳回", "13912345101"),
        ("approved", "杨同意", "13912345102"),
    ):
        resident = ResidentFactory(grid=nodes["grid_a"], name=name, phone=phone)
        services.health_code_change(
            resident=resident, to="red", rule="R2", reason="赋码", actor=None
        )
        people[key] = resident
    return {"district": district, **people}


def card_of(page, name):
    return page.locator("[data-testid=proposal]", has_text=name)


def test_the_city_decides_proposals_from_its_inbox_and_the_proposer_sees_the_decisions(
    page, live_server, offices, screenshot_dir
):
    folder = screenshot_dir / "inbox"
    folder.mkdir(exist_ok=True)
    rejected, approved = offices["rejected"], offices["approved"]

    # The district proposes: one on the resident's page, one through the service.
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "xiaodian")
    page.goto(f"{live_server.url}/residents/{rejected.pk}/")
    page.select_option("[data-testid=proposal-form] select[name=to_code]", "green")
    page.fill("[data-testid=proposal-form] textarea[name=reason]", "已排除风险地区旅居史")
    page.click("[data-testid=proposal-form] button")
    page.wait_for_load_state()
    services.proposal_create(
        resident=approved, to_code="green", reason="核酸三次阴性", by=offices["district"]
    )
    assert CodeChangeProposal.objects.filter(state="pending").count() == 2

    # The city's inbox shows them, and the menu counts them.
    sign_in(page, live_server, "city")
    assert page.inner_text("[data-testid=count-proposals]") == "2"
    page.locator("[data-testid=inbox-count]").wait_for()
    assert page.inner_text("[data-testid=inbox-count]") == "2"
    page.screenshot(path=folder / "city_home_inbox.png", full_page=True)
    page.click("[data-testid=waiting-proposals]")
    page.wait_for_selector("[data-testid=proposal]")
    assert "state=pending" in page.url
    assert page.locator("[data-testid=proposal]").count() == 2

    # A rejection needs a reason: without one it is refused on the card, nothing stored.
    card = card_of(page, "韩驳回")
    card.locator("button[value='0']").click()
    card_of(page, "韩驳回").locator("[data-testid=decide-error]").wait_for()
    assert "请说明驳回的理由" in card_of(page, "韩驳回").inner_text()
    assert rejected.proposals.get().state == "pending"
    page.screenshot(path=folder / "city_reject_needs_reason.png", full_page=True)

    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        card = card_of(page, "韩驳回")
        card.locator("input[name=note]").fill("旅居史待核实，证据不足")
        card.locator("button[value='0']").click()
        card_of(page, "韩驳回").locator("[data-testid=done]").wait_for()
        card = card_of(page, "杨同意")
        card.locator("input[name=note]").fill("同意解码")
        card.locator("button[value='1']").click()
        card_of(page, "杨同意").locator("[data-testid=done]").wait_for()
        page.screenshot(path=folder / "city_decided.png", full_page=True)
        sent = Notice.objects.filter(
            recipient=offices["district"], kind="proposal_decided", state="sent"
        )
        assert wait_for(lambda: sent.count() == 2, 45), "the proposer was not told"

    page.goto(f"{live_server.url}/")
    assert page.inner_text("[data-testid=count-proposals]") == "0"

    # The proposer sees each decision on the resident's page and in the portal's inbox.
    page.set_viewport_size(PHONE)
    sign_in(page, live_server, "xiaodian")
    page.goto(f"{live_server.url}/residents/{rejected.pk}/")
    assert page.inner_text("[data-testid=resident-code]") == "红码"
    history = page.inner_text("main")
    assert "已驳回" in history and "旅居史待核实，证据不足" in history
    assert "审核意见：旅居史待核实" in page.inner_text("[data-testid=decision-note]")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=folder / "district_resident_rejected.png", full_page=True)
    page.goto(f"{live_server.url}/residents/{approved.pk}/")
    assert page.inner_text("[data-testid=resident-code]") == "绿码"
    assert "已同意" in page.inner_text("main")
    page.screenshot(path=folder / "district_resident_approved.png", full_page=True)
    page.goto(f"{live_server.url}/notices/")
    notices = page.locator("[data-testid=notice]")
    assert notices.count() == 2
    texts = " ".join(notices.all_inner_texts())
    assert "韩驳回" in texts and "已驳回：旅居史待核实，证据不足" in texts
    assert "杨同意" in texts and "已批准：同意解码" in texts
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=folder / "district_notices.png", full_page=True)
