"""A hotel's rooms through the import path (every problem reported, nothing stored until
a clean file), and the hotels' API: scoped as the pages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.tests.factories import api_for
from hotels.models import Room
from transfers.models import Import

from .conftest import place, red_arrival


@pytest.fixture
def district(client, world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(world["users"]["district_office"])
    return client


def upload(client, lines):
    data = ("\r\n".join(lines) + "\r\n").encode("utf-8-sig")
    return client.post(
        reverse("imports:start", args=["hotel-rooms"]),
        {"file": SimpleUploadedFile("rooms.csv", data)},
        follow=True,
    )


def test_rooms_from_a_file_all_or_none(district, world):
    good = ["酒店,楼层,房间号", "锦江之星,3,301", "锦江之星,3,302"]
    bad = [*good, "锦江之星,3,302", "锦江之星,2,201", "维也纳,3,301", "锦江之星,九,303"]
    record = upload(district, bad).context["record"]
    assert record.state == Import.State.REFUSED
    problems = {(p[0], p[1]) for p in record.problems}
    assert problems == {(4, ""), (5, "房间号"), (6, "酒店"), (7, "楼层")}
    assert Room.objects.count() == 6
    record = upload(district, good).context["record"]
    assert record.problem_count == 0
    district.post(reverse("imports:store", args=[record.pk]), follow=True)
    assert set(world["hotels"]["mine"].rooms.values_list("number", flat=True)) == {
        "201",
        "202",
        "203",
        "301",
        "302",
    }


def test_the_api_gives_the_callers_hotels_and_placements(world):
    resident = world["residents"]["grid_a"]
    red_arrival(resident)
    placement = place(resident, world["hotels"]["mine"], by=world["users"]["district_office"])
    mine = api_for(world["users"]["district_office"])
    hotels = mine.get("/api/v1/hotels/").json()["results"]
    assert [(h["name"], h["rooms"]["occupied"]) for h in hotels] == [("锦江之星", 1)]
    one = mine.get(f"/api/v1/hotels/{world['hotels']['mine'].pk}/").json()
    assert one["rooms"]["total"] == 3
    placements = mine.get("/api/v1/placements/?current=true").json()["results"]
    assert [p["resident"] for p in placements] == [resident.pk]
    outsider = api_for(world["users"]["outsider_district"])
    assert outsider.get(f"/api/v1/placements/{placement.pk}/").status_code == 404
    assert [h["name"] for h in outsider.get("/api/v1/hotels/").json()["results"]] == ["维也纳"]
    assert api_for(world["users"]["grid_worker"]).get("/api/v1/hotels/").json()["results"] == []
