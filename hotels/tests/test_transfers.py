"""A hotel's rooms through the import path (every problem reported, nothing stored until
a clean file), and the hotels' API: scoped as the pages."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.tests.factories import ResidentFactory, api_for
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


def test_the_placements_export_reads_its_rows_in_a_constant_number_of_queries(
    district, world, django_assert_max_num_queries
):
    people = [world["residents"]["grid_a"]] + [
        ResidentFactory(grid=world["nodes"]["grid_a"]) for _ in range(2)
    ]
    for person in people:
        red_arrival(person)
        place(person, world["hotels"]["mine"], by=world["users"]["district_office"])
    with django_assert_max_num_queries(12):
        response = district.post(
            reverse("transfers:export", args=["placements"]), {"format": "xlsx"}
        )
    rows = list(openpyxl.load_workbook(io.BytesIO(response.content)).active.values)
    assert len(rows) == 4
    assert all(people[0].id_number not in str(cell) for row in rows for cell in row)
