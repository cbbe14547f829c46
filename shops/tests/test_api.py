"""/api/v1/shops/, /api/v1/inspections/ and /api/v1/campaigns/."""

import io
import uuid
from datetime import timedelta
from unittest import mock

import pytest
from django.test import override_settings
from django.utils import timezone
from PIL import Image
from rest_framework.test import APIClient

from communities.tests.test_upload_content import png_header
from shops.models import Inspection, Shop

from .conftest import START, answers, first_share


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def on_day_one():
    """The clock on the campaign's first morning."""
    now = timezone.make_aware(timezone.datetime.combine(START, timezone.datetime.min.time()))
    with mock.patch("django.utils.timezone.now", return_value=now + timedelta(hours=10)):
        yield


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "green").save(out, "PNG")
    return out.getvalue()


def test_shops_are_scoped_and_phones_masked(sweep, api):
    api.force_authenticate(sweep["users"]["market"])
    rows = api.get("/api/v1/shops/").json()["results"]
    assert len(rows) == 3
    assert all(row["road"] == "小店路" for row in rows)
    assert rows[0]["contact_phone"] == "139****5678"
    assert rows[0]["street"] == "小店街道"


def test_outsiders_get_404_and_empty_lists(sweep, api):
    shop = first_share(sweep)
    api.force_authenticate(sweep["users"]["outsider_supervisor"])
    assert api.get(f"/api/v1/shops/{shop.pk}/").status_code == 404
    assert api.get("/api/v1/campaigns/").json()["results"] == []
    assert api.get(f"/api/v1/campaigns/{sweep['campaign'].pk}/").status_code == 404


def test_campaigns_list_groups_and_share_sizes(sweep, api):
    api.force_authenticate(sweep["users"]["street_supervisor"])
    (campaign,) = api.get("/api/v1/campaigns/").json()["results"]
    assert campaign["roads"] == ["通达街", "小店路"]
    assert [(g["number"], g["shops"]) for g in campaign["groups"]] == [(1, 3), (2, 3)]


def test_posting_an_inspection_follows_the_rules(sweep, api, on_day_one):
    shop = first_share(sweep)
    api.force_authenticate(sweep["users"]["market"])
    body = {"shop": shop.pk, **answers(masks_worn=False), "note": "口罩未戴"}
    response = api.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 201, response.content
    data = response.json()
    assert (data["outcome"], data["failed"], data["group"]) == ("reminder", ["masks_worn"], 1)
    assert data["rectify_by"] == str(START + timedelta(days=2))
    assert Shop.objects.get(pk=shop.pk).reminders == 1
    listed = api.get("/api/v1/inspections/", {"shop": shop.pk}).json()["results"]
    assert [row["id"] for row in listed] == [data["id"]]


def test_a_missing_answer_is_a_400_per_field_and_stores_nothing(sweep, api, on_day_one):
    api.force_authenticate(sweep["users"]["market"])
    body = {"shop": first_share(sweep).pk, **answers()}
    del body["visitors_registered"]
    response = api.post("/api/v1/inspections/", body, format="json")
    assert response.status_code == 400
    assert "visitors_registered" in response.json()
    assert not Inspection.objects.exists()


def test_a_shop_of_another_group_is_a_400_naming_the_shop(sweep, api, on_day_one):
    api.force_authenticate(sweep["users"]["market"])
    other = first_share(sweep, 1)
    response = api.post("/api/v1/inspections/", {"shop": other.pk, **answers()}, format="json")
    assert response.status_code == 400
    assert "shop" in response.json()
    assert not Inspection.objects.exists()


def test_a_reinspection_before_the_three_days_is_refused(sweep, api, on_day_one):
    shop = first_share(sweep)
    Shop.objects.filter(pk=shop.pk).update(
        placard="red", state="closed", reinspection_due=START + timedelta(days=3)
    )
    api.force_authenticate(sweep["users"]["grid_worker"])
    response = api.post("/api/v1/inspections/", {"shop": shop.pk, **answers()}, format="json")
    assert response.status_code == 400
    assert str(START + timedelta(days=3)) in response.json()["shop"][0]
    assert not Inspection.objects.exists()


def test_photos_are_checked_by_content_and_size(sweep, api, on_day_one, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    api.force_authenticate(sweep["users"]["market"])
    shop = first_share(sweep)

    def post(name, content):
        body = {"shop": shop.pk, **answers(), "photo": io.BytesIO(content)}
        body["photo"].name = name
        return api.post("/api/v1/inspections/", body, format="multipart")

    refused = post("fake.jpg", b"%PDF-1.4 not an image")
    assert refused.status_code == 400 and "photo" in refused.json()
    # a 20000 x 20000 PNG of a few dozen bytes: a field error, not a server error
    bomb = post("bomb.png", png_header(20000, 20000))
    assert bomb.status_code == 400 and "photo" in bomb.json()
    assert post("fake.jpg", b"\xff\xd8\xff\xe0<html></html>").status_code == 400
    with override_settings(SHOP_PHOTO_MAX_BYTES=10):
        assert post("big.png", png_bytes()).status_code == 400
    assert not Inspection.objects.exists()
    accepted = post("shop.png", png_bytes())
    assert accepted.status_code == 201, accepted.content
    assert accepted.json()["photo"] is True


def test_a_retry_with_the_same_token_records_once(sweep, api, on_day_one):
    shop = first_share(sweep)
    api.force_authenticate(sweep["users"]["market"])
    body = {"shop": shop.pk, **answers(masks_worn=False), "token": str(uuid.uuid4())}
    created = api.post("/api/v1/inspections/", body, format="json")
    assert created.status_code == 201, created.content

    again = api.post("/api/v1/inspections/", body, format="json")

    assert again.status_code == 200
    assert again.json() == created.json()
    assert Inspection.objects.count() == 1
    assert Shop.objects.get(pk=shop.pk).reminders == 1
    # without a token, a second post is another inspection: the day's repeat
    del body["token"]
    repeat = api.post("/api/v1/inspections/", body, format="json")
    assert (repeat.status_code, repeat.json()["outcome"]) == (201, "repeat")


def test_a_bad_token_is_a_400_in_chinese_and_stores_nothing(sweep, api, on_day_one):
    shop, other = sweep["share"][:2]
    api.force_authenticate(sweep["users"]["market"])
    earlier = {"shop": other.pk, **answers(), "token": str(uuid.uuid4())}
    assert api.post("/api/v1/inspections/", earlier, format="json").status_code == 201

    malformed = api.post(
        "/api/v1/inspections/", {"shop": shop.pk, **answers(), "token": "12"}, format="json"
    )
    reused = api.post(
        "/api/v1/inspections/", {**earlier, "shop": shop.pk, "masks_worn": False}, format="json"
    )

    assert (malformed.status_code, malformed.json()) == (400, {"token": ["令牌必须是UUID。"]})
    assert (reused.status_code, reused.json()) == (
        400,
        {"token": ["该检查清单已用于另一次检查：请重新打开检查清单。"]},
    )
    assert not Inspection.objects.filter(shop=shop).exists()
    assert Shop.objects.get(pk=shop.pk).reminders == 0


def test_an_outsider_cannot_replay_a_token_nor_read_the_inspection(sweep, api, on_day_one):
    shop = first_share(sweep)
    body = {"shop": shop.pk, **answers(), "token": str(uuid.uuid4())}
    api.force_authenticate(sweep["users"]["market"])
    inspection = api.post("/api/v1/inspections/", body, format="json").json()
    api.force_authenticate(sweep["users"]["outsider_grid_worker"])
    assert api.post("/api/v1/inspections/", body, format="json").status_code == 400
    assert api.get(f"/api/v1/inspections/{inspection['id']}/").status_code == 404
    assert Inspection.objects.count() == 1


def test_anonymous_callers_are_refused(api):
    assert api.get("/api/v1/shops/").status_code in (401, 403)


def test_an_api_photo_is_stored_under_a_name_of_our_own(sweep, api, on_day_one, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api.force_authenticate(sweep["users"]["market"])
    photo = io.BytesIO(png_bytes())
    photo.name = "evil.html"
    body = {"shop": first_share(sweep).pk, **answers(), "photo": photo}
    assert api.post("/api/v1/inspections/", body, format="multipart").status_code == 201
    stored = Inspection.objects.get().photo.name
    assert stored.endswith(".png") and "evil" not in stored
