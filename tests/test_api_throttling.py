"""Issue 15: the API answers each signed-in user and each anonymous address so many
requests a minute (API_USER_RATE, API_ANON_RATE), then 429 in Chinese with Retry-After;
one caller's allowance is not another's."""

from rest_framework.test import APIClient

from communities import services


def api_with_token(user) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {services.token_issue(user=user).key}")
    return client


def test_a_user_past_the_allowance_gets_429_and_another_user_does_not(world, settings, own_cache):
    settings.API_USER_RATE = "3/minute"
    worker = api_with_token(world["users"]["grid_worker"])
    answers = [worker.get("/api/v1/residents/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    refused = worker.get("/api/v1/residents/")
    assert refused.json()["detail"].startswith("请求已被限流。")
    assert 0 < int(refused["Retry-After"]) <= 60
    other = api_with_token(world["users"]["community_staff"])
    assert other.get("/api/v1/residents/").status_code == 200


def test_an_anonymous_address_past_the_allowance_gets_429(world, settings, own_cache):
    settings.API_ANON_RATE = "2/minute"
    client = APIClient()
    body = {"username": "nobody", "password": "wrong"}
    answers = [
        client.post("/api/v1/auth/token/", body, format="json").status_code for _ in range(3)
    ]
    assert answers == [400, 400, 429]
