import pytest
from rest_framework.test import APIClient

TOKEN_URL = "/api/v1/auth/token/"


@pytest.fixture
def api():
    return APIClient()


def test_token_for_valid_credentials(api, world):
    user = world["users"]["grid_worker"]
    response = api.post(
        TOKEN_URL, {"username": user.username, "password": "pw-for-tests-123"}, format="json"
    )
    assert response.status_code == 200
    api.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    assert api.get("/api/v1/me/").json()["username"] == user.username


def test_token_refused_for_a_wrong_password(api, world):
    user = world["users"]["grid_worker"]
    response = api.post(TOKEN_URL, {"username": user.username, "password": "wrong"}, format="json")
    assert response.status_code == 400
    assert "token" not in response.json()


def test_no_token_is_401(api, world):
    assert api.get("/api/v1/jurisdictions/").status_code == 401


@pytest.mark.parametrize(
    ("role", "names"),
    [
        ("grid_worker", {"第1网格"}),
        ("street_supervisor", {"小店街道", "通达街社区", "第1网格", "第2网格"}),
        ("outsider_grid_worker", {"第1网格"}),
    ],
)
def test_jurisdiction_list_is_scoped(api, world, role, names):
    api.force_authenticate(world["users"][role])
    rows = api.get("/api/v1/jurisdictions/").json()["results"]
    assert {row["name"] for row in rows} == names


def test_outsider_gets_404_by_id(api, world):
    api.force_authenticate(world["users"]["outsider_grid_worker"])
    for key in ("grid_a", "community", "street"):
        node = world["nodes"][key]
        assert api.get(f"/api/v1/jurisdictions/{node.pk}/").status_code == 404


def test_filter_by_level(api, world):
    api.force_authenticate(world["users"]["city_office"])
    rows = api.get("/api/v1/jurisdictions/", {"level": "grid"}).json()["results"]
    assert {row["level"] for row in rows} == {"grid"} and len(rows) == 3


def test_unknown_level_is_400(api, world):
    api.force_authenticate(world["users"]["city_office"])
    response = api.get("/api/v1/jurisdictions/", {"level": "planet"})
    assert response.status_code == 400
    assert "level" in response.json()


def test_schema_and_docs_are_served(client, world):
    client.force_login(world["users"]["city_office"])
    assert client.get("/api/schema/").status_code == 200
    html = client.get("/api/docs/").content.decode()
    assert "swagger-ui" in html and "cdn" not in html.lower()


def test_openapi_schema_builds_without_warnings(db, tmp_path):
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", tmp_path / "s.yml")
    schema = (tmp_path / "s.yml").read_text()
    for path in (
        "/api/v1/assessments/",
        "/api/v1/arrivals/",
        "/api/v1/residents/",
        "/api/v1/announcements/",
    ):
        assert path in schema
