"""POST /api/v1/assessments/: the dry run of DOMAIN.md section 8, exactly."""

from pathlib import Path

import pytest
from rest_framework.test import APIClient

from communities.models import Announcement, Resident
from communities.tests.factories import announcement_publish

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "announcement_2022-03-28.json"
URL = "/api/v1/assessments/"
REQUEST = {
    "as_of": "2022-03-28",
    "arrival_date": "2022-03-27",
    "stays": [
        {
            "province": "吉林省",
            "city": "吉林市",
            "county": "船营区",
            "street": "北京路街道",
            "area": "某某小区",
            "from": "2022-03-20",
            "to": "2022-03-26",
        }
    ],
    "abroad_quarantine_days": None,
    "spatiotemporal_companion": False,
    "big_data_push": False,
}
ANSWER = {
    "code": "red",
    "rule": "R1",
    "matched_rules": ["R1", "R2"],
    "measure": [
        {"kind": "centralized_quarantine", "days": 14, "start": "2022-03-27", "end": "2022-04-09"},
        {"kind": "home_health_monitoring", "days": 7, "start": "2022-04-10", "end": "2022-04-16"},
    ],
    "release_due": "2022-04-17",
    "tests": [{"kind": "landing", "due": "2022-03-27"}],
    "announcement": "市疫情防控办提示 3月28日",
}


@pytest.fixture
def announcement(db):
    return announcement_publish(FIXTURE)


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["users"]["grid_worker"])
    return client


def test_the_example_of_the_domain_gets_its_answer(api, announcement):
    response = api.post(URL, REQUEST, format="json")
    assert response.status_code == 200
    body = response.json()
    assert {k: body[k] for k in ANSWER} == ANSWER
    assert "R1" in body["explanation"] and "R2" in body["explanation"]
    assert "吉林省吉林市船营区北京路街道某某小区" in body["explanation"]


def test_the_dry_run_stores_nothing(api, announcement):
    before = (Resident.objects.count(), Announcement.objects.count())
    api.post(URL, REQUEST, format="json")
    assert (Resident.objects.count(), Announcement.objects.count()) == before


def test_token_auth_round_trip(world, announcement):
    client = APIClient()
    user = world["users"]["street_supervisor"]
    token = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": "pw-for-tests-123"},
        format="json",
    ).json()["token"]
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.post(URL, REQUEST, format="json").json()["rule"] == "R1"


def test_no_token_is_401(db):
    assert APIClient().post(URL, REQUEST, format="json").status_code == 401


def test_before_any_announcement_everything_is_r0(api):
    body = api.post(URL, REQUEST, format="json").json()
    assert (body["code"], body["rule"], body["release_due"]) == ("green", "R0", None)


def test_measures_override_applies_from_its_date(api, announcement):
    stay = {
        "province": "广东省",
        "city": "佛山市",
        "county": "禅城区",
        "from": "2022-03-20",
        "to": "2022-03-26",
    }
    body = api.post(URL, {**REQUEST, "stays": [stay]}, format="json").json()
    assert body["rule"] == "R3"
    assert [p["days"] for p in body["measure"]] == [7, 7]  # the announcement's "7+7"


def test_as_of_defaults_to_today(api, announcement):
    body = api.post(URL, {"stays": []}, format="json").json()
    assert body["rule"] == "R0" and body["announcement"] == "市疫情防控办提示 3月28日"


def stay(**changes):
    return {**REQUEST["stays"][0], **changes}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({**REQUEST, "as_of": "2022-13-01"}, "as_of"),
        ({**REQUEST, "arrival_date": "yesterday"}, "arrival_date"),
        ({**REQUEST, "stays": [stay(**{"from": "2022-03-26", "to": "2022-03-20"})]}, "stays"),
        ({**REQUEST, "stays": [stay(**{"to": "not a date"})]}, "stays"),
        ({**REQUEST, "abroad_quarantine_days": -1}, "abroad_quarantine_days"),
        ({**REQUEST, "spatiotemporal_companion": "perhaps"}, "spatiotemporal_companion"),
        ({**REQUEST, "colour": "red"}, "colour"),
        ({**REQUEST, "stays": [stay(level="county")]}, "stays"),
        ({**REQUEST, "stays": [stay(county="县" * 51)]}, "stays"),
        ({**REQUEST, "arrival_date": "2022-03-29"}, "arrival_date"),  # after as_of
    ],
)
def test_bad_input_is_400_naming_the_field(api, announcement, payload, field):
    response = api.post(URL, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_to_before_from_names_the_stay_and_its_to(api, announcement):
    payload = {**REQUEST, "stays": [stay(**{"from": "2022-03-26", "to": "2022-03-20"})]}
    assert "to" in api.post(URL, payload, format="json").json()["stays"]["0"]


def test_not_json_is_400(api):
    response = api.post(URL, "{oops", content_type="application/json")
    assert response.status_code == 400


def test_errors_come_in_the_users_language(api, announcement):
    payload = {**REQUEST, "arrival_date": "yesterday"}
    zh = api.post(URL, payload, format="json", HTTP_ACCEPT_LANGUAGE="zh-hans").json()
    en = api.post(URL, payload, format="json", HTTP_ACCEPT_LANGUAGE="en").json()
    assert zh["arrival_date"] != en["arrival_date"]
    assert "Date has wrong format" in en["arrival_date"][0]
