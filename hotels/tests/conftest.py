from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone

from communities.models import User
from communities.tests.conftest import world_build
from communities.tests.factories import UserFactory, announcement_publish, arrival_file
from hotels import services
from hotels.models import Hotel, Room, StaffMember

ANNOUNCEMENT = (
    Path(__file__).resolve().parents[2] / "communities" / "fixtures" / "demo_announcement.json"
)
FENGMAN = ("吉林省", "吉林市", "丰满区")  # a high-risk county: red, R1, 14 days centralized


def hotel_with_rooms(district, name, *, rooms=3, state=Hotel.State.IN_USE):
    today = timezone.localdate()
    hotel = Hotel.objects.create(
        district=district,
        name=name,
        address="长风街88号",
        contact_name="王经理",
        contact_phone="13503510000",
        state=state,
        accepted_on=None if state == Hotel.State.STANDBY else today - timedelta(days=5),
        accepted_by="" if state == Hotel.State.STANDBY else "张检查员",
    )
    for n in range(1, rooms + 1):
        Room.objects.create(hotel=hotel, floor=2, number=f"2{n:02d}")
    return hotel


@pytest.fixture
def world(db):
    """communities' world (two districts: 小店区 with one user per role, 尖草坪区 with the
    outsiders), the demo announcement, a hotel in use with three rooms in each district,
    and a hotel staff member with a sign-in in 小店区."""
    base = world_build()
    announcement_publish(ANNOUNCEMENT)
    nodes, users = base["nodes"], base["users"]
    hotels = {
        "mine": hotel_with_rooms(nodes["district"], "锦江之星"),
        "theirs": hotel_with_rooms(nodes["other_district"], "维也纳"),
    }
    users["hotel_staff"] = UserFactory(role=User.Role.HOTEL_STAFF, jurisdiction=nodes["district"])
    users["outsider_district"] = UserFactory(
        role=User.Role.DISTRICT_OFFICE, jurisdiction=nodes["other_district"]
    )
    return {**base, "hotels": hotels}


def red_arrival(resident, *, days_ago=0, by=None):
    """An arrival from a high-risk county (R1): a measure starting with 14 days of
    centralized quarantine."""
    return arrival_file(resident, place=FENGMAN, days_ago=days_ago, by=by)


def place(resident, hotel, *, by, **changes):
    return services.placement_create(
        resident=resident,
        hotel=hotel,
        by=by,
        transfer_from=changes.pop("transfer_from", "通达街1号"),
        transfer_at=changes.pop("transfer_at", timezone.now()),
        transfer_by=changes.pop("transfer_by", "晋A·12345 转运组"),
        **changes,
    )


def staff(district, name="王丽", *, user=None):
    return StaffMember.objects.create(
        district=district, name=name, phone="13903510001", post="护士", user=user
    )
