"""The hotels' pages: the district's rooms beside its target with the chart, its hotels
only (another district's a 404), the city's every district; placing from the waiting list
in the browser's forms (bad input in Chinese, nothing stored); the hotel staff's day; the
roles without hotels refused; the city office's targets; query counts pinned."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from hotels import selectors
from hotels.models import Hotel, Placement, ReserveTarget

from .conftest import hotel_with_rooms, red_arrival


def signed_in(client, user):
    client.force_login(user)
    return client


def test_the_district_sees_its_rooms_beside_the_target_and_the_chart(client, world):
    nodes = world["nodes"]
    ReserveTarget.objects.create(district=nodes["district"], rooms=10)
    hotel_with_rooms(nodes["district"], "汉庭", rooms=4, state=Hotel.State.ACCEPTED)
    selectors.occupancy_refresh(timezone.now() - timedelta(days=1))
    selectors.occupancy_refresh()
    page = signed_in(client, world["users"]["district_office"]).get(reverse("hotels:hotel-list"))
    assert page.status_code == 200
    [row] = page.context["rows"]
    assert (row.in_use, row.free, row.standby, row.target, row.ready, row.short) == (
        3,
        3,
        4,
        10,
        7,
        3,
    )
    assert [h.name for h in page.context["hotels"]] == ["锦江之星", "汉庭"]
    assert len(page.context["chart"]["labels"]) == 2  # yesterday and today
    html = page.content.decode()
    assert "维也纳" not in html and 'id="occupancy-chart"' in html


def test_the_city_sees_every_district_side_by_side(client, world):
    page = signed_in(client, world["users"]["city_office"]).get(reverse("hotels:hotel-list"))
    assert {r.district.name for r in page.context["rows"]} == {"小店区", "尖草坪区"}


def test_another_districts_hotel_is_a_404(client, world):
    signed_in(client, world["users"]["outsider_district"])
    mine = world["hotels"]["mine"]
    assert client.get(reverse("hotels:hotel-detail", args=[mine.pk])).status_code == 404
    resident = world["residents"]["grid_a"]
    assert client.get(reverse("hotels:place", args=[resident.pk])).status_code == 404


@pytest.mark.parametrize(
    "role", ["grid_worker", "community_staff", "street_supervisor", "inspector"]
)
def test_roles_without_hotels_are_refused(client, world, role):
    signed_in(client, world["users"][role])
    assert client.get(reverse("hotels:hotel-list")).status_code == 403
    assert client.get(reverse("hotels:to-place")).status_code == 403
    mine = world["hotels"]["mine"]
    assert client.get(reverse("hotels:hotel-detail", args=[mine.pk])).status_code == 404


def test_the_district_places_from_the_waiting_list(client, world):
    resident = world["residents"]["grid_a"]
    red_arrival(resident)
    signed_in(client, world["users"]["district_office"])
    waiting = client.get(reverse("hotels:to-place"))
    assert f'data-testid="place-{resident.pk}"' in waiting.content.decode()
    form = client.get(reverse("hotels:place", args=[resident.pk]))
    assert form.status_code == 200
    data = {
        "hotel": world["hotels"]["mine"].pk,
        "transfer_from": "通达街1号",
        "transfer_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "transfer_by": "晋A·12345 转运组",
    }
    bad = client.post(
        reverse("hotels:place", args=[resident.pk]), {**data, "hotel": world["hotels"]["theirs"].pk}
    )
    assert bad.status_code == 200 and "选择" in bad.content.decode()
    late = client.post(
        reverse("hotels:place", args=[resident.pk]),
        {
            **data,
            "transfer_at": (timezone.localtime() + timedelta(hours=3)).strftime("%Y-%m-%dT%H:%M"),
        },
    )
    assert "转运时间不能在未来" in late.content.decode()
    assert not Placement.objects.exists()
    response = client.post(reverse("hotels:place", args=[resident.pk]), data)
    assert response.status_code == 302
    placement = Placement.objects.get()
    detail = client.get(reverse("hotels:hotel-detail", args=[placement.hotel_id]))
    assert resident.name in detail.content.decode()
    assert 'data-testid="room-201"' in detail.content.decode()


def test_the_city_office_sets_a_districts_target(client, world):
    signed_in(client, world["users"]["city_office"])
    district = world["nodes"]["district"]
    response = client.post(reverse("hotels:targets"), {"district": district.pk, "rooms": "120"})
    assert response.status_code == 302
    assert ReserveTarget.objects.get(district=district).rooms == 120
    client.post(reverse("hotels:targets"), {"district": district.pk, "rooms": "-3"})
    assert ReserveTarget.objects.get(district=district).rooms == 120
    signed_in(client, world["users"]["district_office"])
    assert client.get(reverse("hotels:targets")).status_code == 403


def test_a_hotel_is_added_on_standby_and_rooms_by_range(client, world):
    signed_in(client, world["users"]["district_office"])
    response = client.post(
        reverse("hotels:hotel-create"),
        {
            "district": world["nodes"]["district"].pk,
            "name": "格林豪泰",
            "address": "学府街102号",
            "contact_name": "李经理",
            "contact_phone": "13503510002",
        },
    )
    hotel = Hotel.objects.get(name="格林豪泰")
    assert response.status_code == 302 and hotel.state == Hotel.State.STANDBY
    client.post(
        reverse("hotels:rooms-add", args=[hotel.pk]), {"floor": "3", "numbers": "301-310, 312"}
    )
    assert hotel.rooms.count() == 11
    other = client.post(
        reverse("hotels:hotel-create"),
        {
            "district": world["nodes"]["other_district"].pk,
            "name": "外区",
            "address": "某街",
            "contact_name": "李",
            "contact_phone": "13503510003",
        },
    )
    assert other.status_code == 200 and not Hotel.objects.filter(name="外区").exists()


def test_the_list_pages_query_counts_do_not_grow_with_the_hotels(
    client, world, django_assert_max_num_queries
):
    for n in range(6):
        hotel_with_rooms(world["nodes"]["district"], f"酒店{n}", rooms=5)
    signed_in(client, world["users"]["district_office"])
    with django_assert_max_num_queries(24):
        assert client.get(reverse("hotels:hotel-list")).status_code == 200


def test_the_hotel_staffs_home_and_menu_hold_their_hotel_only(client, world):
    signed_in(client, world["users"]["hotel_staff"])
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="menu-checklist"' in html
    assert 'data-testid="count-shops"' not in html
    assert reverse("shops:shop-list") not in html
    assert 'data-testid="menu-hotels"' not in html
