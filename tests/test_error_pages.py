"""The portal's own error pages (issue 11, and issue 13's "no English error page"): in the
user's language, with the way back home and no technical detail; JSON under /api/. A body
over the limit is the same clear 400, on pages and in the API."""

from unittest import mock

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from communities.tests.factories import UserFactory

ENGLISH_DJANGO = ("Not Found", "Forbidden", "Bad Request", "Server Error", "CSRF verification")


def assert_our_page(response, status, *chinese):
    html = response.content.decode()
    assert response.status_code == status
    assert 'data-testid="error-page"' in html and reverse("home") in html
    for text in chinese:
        assert text in html
    for english in ENGLISH_DJANGO:
        assert english not in html
    assert "Traceback" not in html


@pytest.fixture
def worker(client, db):
    client.force_login(UserFactory(role="grid_worker"))
    return client


def test_an_unknown_page_is_our_404_in_chinese(worker):
    assert_our_page(worker.get("/no-such-page/"), 404, "未找到", "返回首页")


def test_a_page_the_role_may_not_open_is_our_403(worker):
    assert_our_page(worker.get(reverse("imports:start", args=["pushes"])), 403, "无权打开")


def test_english_when_the_user_chose_english(worker):
    response = worker.get("/no-such-page/", headers={"accept-language": "en"})
    assert response.status_code == 404 and "Not found" in response.content.decode()
    assert "Back to the home page" in response.content.decode()


def test_a_server_error_is_our_500_without_detail(db):
    client = Client(raise_request_exception=False)
    # any request failing inside the URL resolver: the handler has nothing but the request
    failing = mock.patch(
        "django.urls.resolvers.URLPattern.resolve", side_effect=RuntimeError("secret detail")
    )
    with failing:
        response = client.get("/healthz/")
    assert_our_page(response, 500, "系统出错")
    assert "secret detail" not in response.content.decode()


@override_settings(MAX_REQUEST_BYTES=2000)
def test_a_body_over_the_limit_is_a_clear_400_on_pages_and_json_in_the_api(worker):
    big = {"note": "x" * 5000}
    page = worker.post(reverse("tasks:venue-report"), big)
    assert_our_page(page, 400, "过大")
    api = worker.post("/api/v1/venue-reports/", big)
    assert api.status_code == 400 and api["Content-Type"] == "application/json"
    assert "过大" in api.json()["detail"]


def test_too_many_fields_is_the_same_400(worker):
    fields = {f"f{n}": "1" for n in range(settings.DATA_UPLOAD_MAX_NUMBER_FIELDS + 1)}
    assert_our_page(worker.post(reverse("tasks:venue-report"), fields), 400, "过大")


def test_an_expired_form_says_so(db):
    client = Client(enforce_csrf_checks=True)
    client.force_login(UserFactory(role="grid_worker"))
    response = client.post(reverse("tasks:venue-report"), {"venue_name": "x"})
    assert_our_page(response, 403, "已过期")


def test_the_api_gets_json_for_an_unknown_route(worker):
    response = worker.get("/api/v1/no-such-thing/")
    assert response.status_code == 404 and response["Content-Type"] == "application/json"
