"""API tokens end: after API_TOKEN_DAYS, on a password change, on a deactivation (issue 11)."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"
PASSWORD = "pw-for-tests-123"
NEW_PASSWORD = "another-pw-for-tests-456"


@pytest.fixture
def api():
    return APIClient()


def sign_in(api, user, password=PASSWORD):
    return api.post(TOKEN_URL, {"username": user.username, "password": password}, format="json")


def me_status(key: str) -> int:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return api.get("/api/v1/me/").status_code


@pytest.fixture
def worker_token(api, world):
    response = sign_in(api, world["users"]["grid_worker"])
    assert response.status_code == 200
    key = response.json()["token"]
    assert me_status(key) == 200
    return key


def test_a_token_older_than_30_days_is_401_and_signing_in_issues_a_new_one(
    api, world, worker_token
):
    Token.objects.filter(key=worker_token).update(created=timezone.now() - timedelta(days=31))
    assert me_status(worker_token) == 401
    fresh = sign_in(api, world["users"]["grid_worker"]).json()["token"]
    assert fresh != worker_token
    assert me_status(fresh) == 200
    assert me_status(worker_token) == 401


def test_a_client_that_still_sends_its_expired_token_signs_in_again(api, world, worker_token):
    # The sign-in reads no credentials: the old header was a 401 from the sign-in itself.
    Token.objects.filter(key=worker_token).update(created=timezone.now() - timedelta(days=31))
    api.credentials(HTTP_AUTHORIZATION=f"Token {worker_token}")
    response = sign_in(api, world["users"]["grid_worker"])
    assert response.status_code == 200
    assert me_status(response.json()["token"]) == 200


def test_a_session_cookie_without_the_csrf_token_does_not_stop_a_sign_in(world):
    client = APIClient(enforce_csrf_checks=True)
    client.force_login(world["users"]["city_office"])
    assert sign_in(client, world["users"]["grid_worker"]).status_code == 200


def test_a_token_within_its_lifetime_works_and_signing_in_again_returns_it(
    api, world, worker_token
):
    Token.objects.filter(key=worker_token).update(created=timezone.now() - timedelta(days=29))
    assert me_status(worker_token) == 200
    assert sign_in(api, world["users"]["grid_worker"]).json()["token"] == worker_token


def test_the_lifetime_comes_from_the_settings(settings, world, worker_token):
    settings.API_TOKEN_DAYS = 1
    Token.objects.filter(key=worker_token).update(created=timezone.now() - timedelta(days=2))
    assert me_status(worker_token) == 401


def test_a_password_change_on_the_portal_page_ends_the_token(client, world, worker_token):
    user = world["users"]["grid_worker"]
    client.force_login(user)
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert me_status(worker_token) == 401
    fresh = sign_in(APIClient(), user, NEW_PASSWORD).json()["token"]
    assert fresh != worker_token and me_status(fresh) == 200


def test_a_refused_password_change_keeps_the_token(client, world, worker_token):
    client.force_login(world["users"]["grid_worker"])
    response = client.post(
        reverse("password_change"),
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert me_status(worker_token) == 200


def test_a_password_set_in_the_admin_ends_the_token(client, world, worker_token):
    user = world["users"]["grid_worker"]
    client.force_login(world["users"]["admin"])
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    response = client.post(
        url,
        {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD, "usable_password": "true"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert me_status(worker_token) == 401


def admin_change(client, world, user, **changes):
    client.force_login(world["users"]["admin"])
    joined = timezone.localtime(user.date_joined)
    data = {
        "username": user.username,
        "role": user.role,
        "jurisdiction": user.jurisdiction_id,
        "grids": [grid.pk for grid in user.grids.all()],
        "phone": user.phone,
        "date_joined_0": joined.strftime("%Y-%m-%d"),
        "date_joined_1": joined.strftime("%H:%M:%S"),
        "is_active": "on",
        **changes,
    }
    data = {key: value for key, value in data.items() if value is not None}
    url = reverse("admin:communities_user_change", args=[user.pk])
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    user.refresh_from_db()


def test_deactivation_in_the_admin_ends_the_token_even_after_reactivation(
    client, world, worker_token
):
    user = world["users"]["grid_worker"]
    admin_change(client, world, user, is_active=None)
    assert not user.is_active
    assert me_status(worker_token) == 401
    assert sign_in(APIClient(), user).status_code == 400  # an inactive user gets no token
    admin_change(client, world, user)
    assert user.is_active
    assert me_status(worker_token) == 401


def test_other_changes_in_the_admin_keep_the_token(client, world, worker_token):
    admin_change(client, world, world["users"]["grid_worker"], phone="13800000000")
    assert me_status(worker_token) == 200


def test_an_inactive_user_gets_no_token(api, world):
    user = world["users"]["grid_worker"]
    user.is_active = False
    user.save(update_fields=["is_active"])
    response = sign_in(api, user)
    assert response.status_code == 400
    assert "token" not in response.json()
    assert not Token.objects.filter(user=user).exists()


def test_an_outsider_token_still_gets_404_by_id(api, world):
    key = sign_in(api, world["users"]["outsider_grid_worker"]).json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    grid = world["nodes"]["grid_a"]
    assert api.get(f"/api/v1/jurisdictions/{grid.pk}/").status_code == 404
