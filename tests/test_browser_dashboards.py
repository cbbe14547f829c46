"""Issue 14's dashboards in the browser, one per level of the demo: the street supervisor,
the district office and the city office each open their dashboard from the menu, on a
desk and on a phone (nothing scrolls sideways); a number opens the list behind it with
the node's filter; a child's name opens its dashboard one level down."""

import pytest
from django.core.management import call_command

from .test_browser_roles import DESK, PHONE, english_words, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# demo login → (the node it supervises, the child whose dashboard its page opens)
LEVELS = {
    "street": ("小店街道", "通达街社区"),
    "xiaodian": ("小店区", "小店街道"),
    "city": ("太原市", "小店区"),
}


@pytest.fixture
def demo():
    call_command("seed_demo", force=True, residents=120, shops=20)


@pytest.mark.parametrize("username", LEVELS)
def test_the_dashboard_of_each_level(page, live_server, demo, screenshot_dir, username):
    node, child = LEVELS[username]
    folder = screenshot_dir / "dashboards"
    folder.mkdir(exist_ok=True)
    page.set_viewport_size(DESK)
    sign_in(page, live_server, username)
    page.click("[data-testid=menu-dashboard]")
    page.wait_for_selector("[data-testid=freshness]")
    assert node in page.inner_text("h1")
    assert "数据更新于" in page.inner_text("[data-testid=freshness]")
    assert english_words(page) == []
    page.screenshot(path=folder / f"{username}_desk.png", full_page=True)
    # a number opens its list, narrowed to the node (the same count: test_dashboards)
    assert int(page.inner_text("[data-testid=figure-residents]")) > 0
    page.click("[data-testid=figure-red] a")
    page.wait_for_load_state()
    assert "/residents/" in page.url and "code=red" in page.url and "node=" in page.url
    page.go_back()
    # a child's name opens its own dashboard
    page.click(f"[data-testid=children] a:text-is('{child}')")
    page.wait_for_selector("[data-testid=freshness]")
    assert child in page.inner_text("h1")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/dashboard/")
    page.wait_for_selector("[data-testid=freshness]")
    page.screenshot(path=folder / f"{username}_phone.png", full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_street_supervisor_downloads_yesterdays_report(page, live_server, demo, screenshot_dir):
    page.set_viewport_size(DESK)
    sign_in(page, live_server, "street")
    page.click("[data-testid=menu-dashboard]")
    page.click("[data-testid=reports-link]")
    page.click("[data-testid=reports] tbody a >> nth=0")
    page.wait_for_selector("[data-testid=figures]")
    assert "小店街道" in page.inner_text("h1") and "日报告" in page.inner_text("h1")
    assert english_words(page) == []
    page.screenshot(path=screenshot_dir / "dashboards" / "street_report.png", full_page=True)
    for testid, magic in (("xlsx", b"PK"), ("pdf", b"%PDF")):
        with page.expect_download() as download:
            page.click(f"[data-testid={testid}]")
        with open(download.value.path(), "rb") as saved:
            assert saved.read(4).startswith(magic)
