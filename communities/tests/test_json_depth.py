"""Issue 11: JSON nested too deep is bad input (400, or the upload page's form error),
never a RecursionError (500), on every endpoint that reads JSON."""

import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse
from rest_framework.test import APIClient

from communities.models import Announcement

NESTED = "[" * 5000 + "]" * 5000  # deep enough for RecursionError in the json module
SHALLOW_BUT_TOO_DEEP = json.dumps({"title": [[[[[[["x"]]]]]]]})  # 8 levels


def post_raw(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_nested_json_to_the_token_endpoint_is_400_for_anyone(db):
    response = post_raw(APIClient(), "/api/v1/auth/token/", NESTED)
    assert response.status_code == 400
    assert "32" in response.json()["detail"]


@pytest.mark.parametrize(
    "url", ["/api/v1/assessments/", "/api/v1/announcements/", "/api/v1/inspections/"]
)
def test_nested_json_to_the_api_is_400(world, url):
    api = APIClient()
    api.force_authenticate(world["users"]["city_office"])
    assert post_raw(api, url, NESTED).status_code == 400
    assert not Announcement.objects.exists()


@override_settings(JSON_MAX_DEPTH=4)
def test_nesting_past_the_setting_is_400_though_python_could_parse_it(world):
    api = APIClient()
    api.force_authenticate(world["users"]["city_office"])
    response = post_raw(api, "/api/v1/announcements/", SHALLOW_BUT_TOO_DEEP)
    assert response.status_code == 400
    assert "4" in response.json()["detail"]


@override_settings(JSON_MAX_DEPTH=3)
def test_nesting_up_to_the_setting_is_read(world):
    api = APIClient()
    api.force_authenticate(world["users"]["grid_worker"])
    body = {"stays": [{"province": "吉林省", "city": "吉林市", "county": "船营区"}]}  # 3 levels
    response = api.post("/api/v1/assessments/", body, format="json")
    assert response.status_code == 400
    assert "from" in response.json()["stays"]["0"]  # the stay's missing dates, not the depth


def test_the_upload_page_refuses_nested_json_with_a_form_error(client, world):
    client.force_login(world["users"]["city_office"])
    url = reverse("communities:announcement-upload")
    for text in (NESTED, "{" + '"a":' * 3000 + "1" + "}" * 3000):
        response = client.post(url, {"text": text, "publish": "1"})
        assert response.status_code == 200
        assert 'data-testid="errors"' in response.content.decode()
    assert not Announcement.objects.exists()


def test_the_command_refuses_a_nested_file(db, tmp_path):
    file = tmp_path / "nested.json"
    file.write_text(NESTED)
    with pytest.raises(CommandError):
        call_command("load_announcement", file)
    assert not Announcement.objects.exists()
