"""Lock-out (issue 11): five failures lock a username at one address only; twenty failures
from one address, across usernames, lock the address; the API's sign-in counts the same."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from portal.lockout import PairAndAddressHandler

PASSWORD = "pw-for-tests-123"
TOKEN_URL = "/api/v1/auth/token/"
A, B = "203.0.113.7", "198.51.100.9"


def page_sign_in(username, password, address):
    return Client(REMOTE_ADDR=address).post(
        reverse("login"), {"username": username, "password": password}
    )


def api_sign_in(username, password, address):
    return APIClient(REMOTE_ADDR=address).post(
        TOKEN_URL, {"username": username, "password": password}, format="json"
    )


SIGN_INS = {"page": page_sign_in, "api": api_sign_in}
SIGNED_IN = {"page": 302, "api": 200}


@pytest.fixture(params=["page", "api"])
def via(request):
    return request.param


def test_five_failures_lock_the_city_office_at_that_address_only(world, via):
    sign_in, city = SIGN_INS[via], world["users"]["city_office"].username
    for _ in range(4):
        assert sign_in(city, "wrong", A).status_code != 429
    assert sign_in(city, "wrong", A).status_code == 429  # the fifth locks
    assert sign_in(city, PASSWORD, A).status_code == 429
    # the office itself, elsewhere, still signs in
    assert sign_in(city, PASSWORD, B).status_code == SIGNED_IN[via]


def test_four_failures_do_not_lock(world, via):
    sign_in, city = SIGN_INS[via], world["users"]["city_office"].username
    for _ in range(4):
        sign_in(city, "wrong", A)
    assert sign_in(city, PASSWORD, A).status_code == SIGNED_IN[via]


def test_twenty_failures_across_usernames_lock_the_address(world, via):
    sign_in, worker = SIGN_INS[via], world["users"]["grid_worker"].username
    for n in range(19):
        sign_in(f"guess{n}", "wrong", A)
    assert sign_in(worker, PASSWORD, A).status_code == SIGNED_IN[via]
    sign_in("guess19", "wrong", A)  # the 20th failure; the success above cleared none
    assert sign_in(worker, PASSWORD, A).status_code == 429
    assert sign_in(world["users"]["city_office"].username, PASSWORD, A).status_code == 429
    assert sign_in(worker, PASSWORD, B).status_code == SIGNED_IN[via]


def test_a_success_clears_only_its_own_usernames_failures(world):
    """Axes' default would clear the whole address's failures at any sign-in there, so an
    attacker with an account of their own could guess others' passwords for ever."""
    worker = world["users"]["grid_worker"].username
    for _ in range(4):
        page_sign_in(worker, "wrong", A)
    for n in range(15):
        page_sign_in(f"guess{n}", "wrong", A)
    assert page_sign_in(worker, PASSWORD, A).status_code == 302  # clears its own four
    for n in range(4):
        page_sign_in(f"more{n}", "wrong", A)
    assert page_sign_in(worker, PASSWORD, A).status_code == 302  # 19 at the address
    page_sign_in("more4", "wrong", A)
    assert page_sign_in(worker, PASSWORD, A).status_code == 429


def test_the_address_limit_comes_from_the_settings(settings, world):
    settings.AXES_ADDRESS_FAILURE_LIMIT = 3
    for n in range(3):
        page_sign_in(f"guess{n}", "wrong", A)
    assert page_sign_in(world["users"]["grid_worker"].username, PASSWORD, A).status_code == 429


def test_the_locked_page_and_the_api_say_so_in_chinese(world):
    city = world["users"]["city_office"].username
    for _ in range(5):
        page_sign_in(city, "wrong", A)
    assert "登录已锁定" in page_sign_in(city, PASSWORD, A).content.decode()
    for _ in range(5):
        api_sign_in(city, "wrong", B)
    response = api_sign_in(city, PASSWORD, B)
    assert response.status_code == 429
    assert "从此处登录已锁定15分钟" in response.json()["detail"]
    assert response["Retry-After"] == "900"


def test_the_handler_refuses_other_lockout_parameters(settings):
    settings.AXES_LOCKOUT_PARAMETERS = ["username"]
    with pytest.raises(ImproperlyConfigured):
        PairAndAddressHandler()
