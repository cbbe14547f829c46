"""The day's checklist: ticked by the hotel's rostered staff (on a phone), the day's report
with its text; an item not ticked by its time makes the checklist missing, an overdue
item for the district (its inbox and dashboard); the day's checklists in its report."""

from datetime import datetime, time, timedelta
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from communities import access as core_access
from dashboards import reports
from dashboards.models import DailyReport
from hotels import access, panels, rules, selectors, services
from hotels.models import Certificate, Checklist, Hotel, RosterEntry
from shops import access as shop_access

from .conftest import hotel_with_rooms, staff
from .test_staff import certified


@pytest.fixture
def on_duty(world):
    """The hotel staff sign-in, on the roster of 锦江之星."""
    member = staff(world["nodes"]["district"], user=world["users"]["hotel_staff"])
    certified(member, days_left=100)
    services.roster_add(
        hotel=world["hotels"]["mine"], staff=member, by=world["users"]["district_office"]
    )
    return world["users"]["hotel_staff"]


def at(hour: int, minute: int = 0, days: int = 0):
    day = timezone.localdate() + timedelta(days=days)
    return datetime.combine(day, time(hour, minute), tzinfo=timezone.get_current_timezone())


def test_the_staff_tick_the_day_on_a_phone_and_the_report_needs_its_text(world, on_duty, client):
    hotel = world["hotels"]["mine"]
    client.force_login(on_duty)
    page = client.get(reverse("hotels:checklist"))
    assert 'data-testid="tick-round_1"' in page.content.decode()
    for item in rules.ITEM_KEYS[:-1]:
        client.post(reverse("hotels:checklist-tick", args=[hotel.pk]), {"item": item})
    client.post(reverse("hotels:checklist-tick", args=[hotel.pk]), {"item": "report", "note": ""})
    checklist = Checklist.objects.get(hotel=hotel)
    assert set(checklist.ticks) == set(rules.ITEM_KEYS[:-1]) and checklist.completed_at is None
    client.post(
        reverse("hotels:checklist-tick", args=[hotel.pk]),
        {"item": "report", "note": "在隔离人员体温正常。"},
    )
    checklist.refresh_from_db()
    assert checklist.completed_at and checklist.note == "在隔离人员体温正常。"
    assert checklist.ticks["round_1"]["by"] == on_duty.pk


def test_only_the_rostered_staff_tick(world, on_duty, client):
    client.force_login(world["users"]["district_office"])
    hotel = world["hotels"]["mine"]
    response = client.post(reverse("hotels:checklist-tick", args=[hotel.pk]), {"item": "round_1"})
    assert response.status_code == 403
    client.force_login(on_duty)
    theirs = world["hotels"]["theirs"]
    response = client.post(reverse("hotels:checklist-tick", args=[theirs.pk]), {"item": "round_1"})
    assert response.status_code == 404
    with pytest.raises(ValidationError):
        services.checklist_tick(hotel=hotel, item="nothing", by=on_duty)
    assert not Checklist.objects.exists()


def test_a_checklist_not_ticked_in_time_is_overdue_for_the_district(world, on_duty):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    hotels = access.hotels_for(district)
    morning = selectors.checklists_missing(hotels, now=at(8, 30))
    assert [m.hotel for m in morning if m.day == timezone.localdate()] == []
    services.checklist_tick(hotel=hotel, item="round_1", by=on_duty)
    late = selectors.checklists_missing(hotels, now=at(10, 30))
    today = [m for m in late if m.day == timezone.localdate() and m.hotel == hotel]
    assert today and today[0].items == ["monitor_1"]
    waiting = {w.testid: w.count for w in panels.district_waiting(district)}
    assert waiting["hotels-checklists-missing"] >= 1  # yesterday's is missing as well


def test_the_district_dashboard_and_daily_report_carry_the_hotels(world, on_duty, client):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    for item in rules.ITEM_KEYS:
        services.checklist_tick(hotel=hotel, item=item, note="正常", by=on_duty)
    selectors.occupancy_refresh()
    client.force_login(district)
    page = client.get(reverse("dashboards:node", args=[world["nodes"]["district"].pk]))
    html = page.content.decode()
    assert 'data-testid="rooms-by-district"' in html
    assert 'data-testid="dashboard-checklists-missing"' in html
    today = timezone.localdate()
    reports.build(today)
    report = DailyReport.objects.get(node=world["nodes"]["district"], day=today)
    assert report.figures["hotel_checklists_done"] == 1
    assert report.figures["hotel_rooms_in_use"] == 3
    city = DailyReport.objects.get(node=world["nodes"]["city"], day=today)
    assert city.figures["hotel_rooms_in_use"] == 6  # both districts
    assert city.figures["hotel_checklists_missing"] == 1  # 维也纳 ticked nothing
    assert report.figures["hotel_day_reports"] == "锦江之星：正常"


def test_a_hotel_put_in_use_this_evening_owes_nothing_before(world, on_duty):
    district = world["users"]["district_office"]
    hotel = world["hotels"]["mine"]
    Hotel.objects.filter(pk=hotel.pk).update(state=Hotel.State.ACCEPTED)
    evening = at(19, 0)
    with mock.patch("django.utils.timezone.now", return_value=evening):
        services.hotel_state_set(hotel=hotel, state=Hotel.State.IN_USE, by=district)
    missing = selectors.checklists_missing(
        access.hotels_for(district).filter(pk=hotel.pk), now=at(19, 30)
    )
    assert missing == []
    later = selectors.checklists_missing(
        access.hotels_for(district).filter(pk=hotel.pk), now=at(21, 5)
    )
    assert [m.items for m in later] == [["round_3", "report"]]


def test_an_expired_certificate_stops_the_ticking_before_the_job_runs(world, on_duty, client):
    hotel = world["hotels"]["mine"]
    Certificate.objects.filter(staff__user=on_duty).update(
        valid_until=timezone.localdate() - timedelta(days=1)
    )
    assert RosterEntry.objects.filter(staff__user=on_duty, until__isnull=True).exists()
    client.force_login(on_duty)
    response = client.post(reverse("hotels:checklist-tick", args=[hotel.pk]), {"item": "round_1"})
    assert response.status_code == 404  # no hotel of theirs any more
    assert not Checklist.objects.exists()


def test_the_checklist_page_queries_do_not_grow_with_the_hotels(
    world, client, django_assert_max_num_queries
):
    for n in range(5):
        hotel_with_rooms(world["nodes"]["district"], f"酒店{n}")
    client.force_login(world["users"]["district_office"])
    with django_assert_max_num_queries(12):
        assert client.get(reverse("hotels:checklist")).status_code == 200


def test_hotel_staff_see_nothing_of_the_district_but_their_hotels(world, on_duty, client):
    assert list(core_access.users_for(on_duty)) == [on_duty]
    assert not shop_access.shops_for(on_duty).exists()
    assert not core_access.jurisdictions_for(on_duty).exists()
    assert list(access.hotels_for(on_duty)) == [world["hotels"]["mine"]]
