"""A grid worker signs in on a phone-sized screen, sees the home page, signs out."""

import pytest

from communities.tests.factories import ResidentFactory, UserFactory, tree

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


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
    page.click("[data-testid=user-menu]")
    page.click("text=退出登录")
    page.wait_for_selector("text=您已退出登录。")
    page.goto(f"{live_server.url}/")
    assert page.url.startswith(f"{live_server.url}/accounts/login/")
