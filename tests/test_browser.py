"""A grid worker signs in on a phone-sized screen, sees the home page, signs out."""

import pytest

from communities.tests.factories import ResidentFactory, UserFactory, tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
DESK = {"width": 1280, "height": 800}


@pytest.fixture
def grid_worker():
    nodes = tree()
    ResidentFactory(grid=nodes["grid_a"])
    return UserFactory(
        username="tongda",
        role="grid_worker",
        jurisdiction=nodes["community"],
        grids=[nodes["grid_a"]],
        first_name="通达街网格员",
    )


def test_grid_worker_signs_in_sees_home_and_signs_out(
    page, live_server, grid_worker, screenshot_dir
):
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/")
    page.fill("input[name=username]", "tongda")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.screenshot(path=screenshot_dir / "grid_worker_login.png", full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=role]")
    assert page.inner_text("[data-testid=role]") == "网格员"
    assert page.inner_text("[data-testid=count-residents]") == "1"
    assert "通达街社区" in page.inner_text("h1")
    page.screenshot(path=screenshot_dir / "grid_worker_home.png", full_page=True)

    page.click(".navbar-toggler")
    page.wait_for_selector("#nav.show")  # the phone menu has finished opening
    page.click("[data-testid=user-menu]")
    page.click(".dropdown-menu.show >> text=退出登录")
    page.wait_for_selector("text=您已退出登录。")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")


ROLES = {
    "grid_worker": ("community", "网格员"),
    "community_staff": ("community", "社区工作人员"),
    "street_supervisor": ("street", "街道负责人"),
    "district_office": ("district", "区县疫情防控办"),
    "city_office": ("city", "市疫情防控办"),
    "inspector": ("street", "检查人员"),
}


@pytest.mark.parametrize("role", ROLES)
def test_each_role_signs_in_to_its_home(page, live_server, role, screenshot_dir):
    level, label = ROLES[role]
    nodes = tree()
    ResidentFactory(grid=nodes["grid_a"])
    UserFactory(
        username=role,
        role=role,
        jurisdiction=nodes[level],
        grids=[nodes["grid_a"]] if role == "grid_worker" else None,
    )
    page.set_viewport_size(PHONE if role in {"grid_worker", "inspector"} else DESK)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", role)
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=role]")
    assert page.inner_text("[data-testid=role]") == label
    assert nodes[level].name in page.inner_text("h1")
    page.screenshot(path=screenshot_dir / f"home_{role}.png", full_page=True)


def test_the_resident_list_is_cards_on_a_phone_without_sideways_scrolling(
    page, live_server, grid_worker, screenshot_dir
):
    """Issue 13: on a phone the grid column wrapped one character a line (a 50-row page
    was about 10,000 px tall); now one card a resident, and nothing scrolls sideways."""
    from communities.models import Resident

    grid = Resident.objects.get().grid
    for n in range(30):
        ResidentFactory(grid=grid, name=f"居民{n:02d}")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", "tongda")
    page.fill("input[name=password]", "pw-for-tests-123")
    page.click("button[type=submit]")
    page.wait_for_selector("[data-testid=role]")
    page.goto(f"{live_server.url}/residents/")
    # one table, rendered once: on a phone its rows are cards (portal.css, table.cards)
    cards = page.locator("[data-testid=residents] > tbody > tr")
    assert cards.count() == 31 and page.locator("[data-testid=residents] thead").is_hidden()
    assert cards.first.evaluate("row => getComputedStyle(row).display") == "grid"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    # about 80 px a card, not a column one character wide
    assert page.evaluate("document.documentElement.scrollHeight") < 31 * 120 + 600
    name, badge = cards.first.locator("td.c-name"), cards.first.locator("td.c-code")
    assert name.bounding_box()["y"] == badge.bounding_box()["y"]  # the name and code side by side
    assert cards.first.locator("td.c-desk").is_hidden()  # the phone number: at a desk only
    page.screenshot(path=screenshot_dir / "resident_list_phone.png", full_page=True)
    page.set_viewport_size(DESK)
    assert page.locator("[data-testid=residents] thead").is_visible()
    assert cards.first.evaluate("row => getComputedStyle(row).display") == "table-row"
    assert page.inner_text("[data-testid=residents] thead").startswith("姓名")
