"""The API answers in JSON what goes wrong before a view's own checks (issue 11): bodies over
Django's upload limits, addresses that no route takes, ids of nothing."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from communities.tests.conftest import world  # noqa: F401  (the shared fixture)

ASSESSMENT = "/api/v1/assessments/"


@pytest.fixture
def api(world):  # noqa: F811
    client = APIClient()
    client.force_authenticate(world["users"]["city_office"])
    return client


@pytest.fixture
def small_limits(settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    settings.DATA_UPLOAD_MAX_NUMBER_FIELDS = 5
    settings.DATA_UPLOAD_MAX_NUMBER_FILES = 1


def detail(response) -> str:
    assert response.status_code == 400, response.status_code
    assert response["Content-Type"] == "application/json"
    return response.json()["detail"]


def test_a_json_body_over_the_limit_is_a_json_400_in_chinese(api, small_limits):
    body = json.dumps({"stays": [], "pad": "x" * 1000})
    message = detail(api.post(ASSESSMENT, body, content_type="application/json"))
    # filesizeformat puts a no-break space between the number and its unit
    assert message == "请求内容过大：接口最多接受 1000\xa0字节（上传的文件不计在内）。"


def test_the_message_is_in_english_for_a_client_that_asks_for_english(api, small_limits):
    body = json.dumps({"pad": "x" * 1000})
    response = api.post(
        ASSESSMENT, body, content_type="application/json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert detail(response).startswith("The request body is too large: the API accepts at most")


def test_a_form_over_the_limit_is_a_json_400(api, small_limits):
    body = "pad=" + "x" * 1000
    response = api.post(ASSESSMENT, body, content_type="application/x-www-form-urlencoded")
    assert detail(response).startswith("请求内容过大")


def test_too_many_fields_is_a_json_400(api, small_limits):
    fields = {f"field{i}": "1" for i in range(6)}
    assert detail(api.post(ASSESSMENT, fields, format="multipart")) == (
        "请求的字段过多：接口最多接受 5 个。"
    )


def test_too_many_files_is_a_json_400(api, small_limits):
    files = {name: SimpleUploadedFile(f"{name}.png", b"x") for name in ("photo", "other")}
    assert detail(api.post("/api/v1/inspections/", files, format="multipart")) == (
        "请求的文件过多：接口最多接受 1 个。"
    )


def test_the_sign_in_answers_json_too(small_limits, db):
    body = json.dumps({"username": "x" * 1000, "password": "x"})
    response = APIClient().post("/api/v1/auth/token/", body, content_type="application/json")
    assert detail(response).startswith("请求内容过大")


@pytest.mark.parametrize(
    "url",
    ["/api/v1/residents/-1.5e-107/", "/api/v1/residents/1/2/", "/api/v1/nothing/here/"],
)
def test_an_address_that_no_route_takes_is_a_json_404(api, url):
    response = api.get(url)
    assert response.status_code == 404
    assert response.json() == {"detail": "未找到。"}


def test_an_api_address_without_its_slash_is_still_redirected_to_it(api):
    response = api.get("/api/v1/me")
    assert response.status_code == 301 and response["Location"] == "/api/v1/me/"


def test_the_id_of_nothing_is_a_404_in_chinese_without_the_models_name(api, world):  # noqa: F811
    outsider = world["residents"]["other_grid"]
    grid_worker = APIClient()
    grid_worker.force_authenticate(world["users"]["grid_worker"])
    for client, url in (
        (api, "/api/v1/residents/999999/"),
        (grid_worker, f"/api/v1/residents/{outsider.pk}/"),
    ):
        response = client.get(url)
        assert response.status_code == 404
        assert response.json() == {"detail": "未找到。"}


def test_the_json_suffix_of_every_list_is_no_server_error(world):  # noqa: F811
    """DRF's router gives each list a `.json` twin, which passes `format` to the view: a
    `create(self, request)` without it was a 500 on POST /api/v1/arrivals.json."""
    from portal.api_urls import router

    client = APIClient()
    client.force_authenticate(world["users"]["city_office"])
    for prefix, _viewset, _basename in router.registry:
        for method in ("get", "post"):
            response = getattr(client, method)(f"/api/v1/{prefix}.json", {}, format="json")
            assert response.status_code < 500, (prefix, method, response.status_code)
