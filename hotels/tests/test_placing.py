"""Placing (issue 16's "done when"): a red R1 resident placed in a room of their district
on arrival, the transfer recorded; the room frees when the phase ends (cleaning, then
free) or the measure is released; a full hotel refuses with a clear message; a family
shares a room only when chosen; who has no room on the phase's first day is late."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from communities.models import ControlMeasure
from communities.tests.factories import ResidentFactory
from hotels import selectors, services
from hotels.models import Hotel, Placement, Room

from .conftest import place, red_arrival


def room_states(hotel) -> dict[str, str]:
    return dict(hotel.rooms.values_list("number", "state"))


def test_a_red_r1_resident_is_placed_on_arrival_and_the_room_frees_when_the_phase_ends(world):
    resident, hotel = world["residents"]["grid_a"], world["hotels"]["mine"]
    district = world["users"]["district_office"]
    red_arrival(resident, by=world["users"]["grid_worker"])
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R1")
    today = timezone.localdate()
    waiting = selectors.to_place(district, today=today)
    assert [m.resident_id for m in waiting] == [resident.pk]

    placement = place(resident, hotel, by=district)
    measure = ControlMeasure.objects.get(resident=resident, state="active")
    window = services.centralized_window(measure)
    assert placement.due_out == window.last == today + timedelta(days=13)
    assert (placement.transfer_from, placement.transfer_by) == ("通达街1号", "晋A·12345 转运组")
    assert room_states(hotel)["201"] == Room.State.OCCUPIED
    assert not selectors.to_place(district, today=today).exists()

    # the phase's last day: still in; the day after: out, the room to cleaning
    assert services.placements_end(today=window.last) == 0
    assert services.placements_end(today=window.last + timedelta(days=1)) == 1
    assert services.placements_end(today=window.last + timedelta(days=1)) == 0  # twice
    placement.refresh_from_db()
    assert placement.left_on == window.last + timedelta(days=1)
    assert room_states(hotel)["201"] == Room.State.CLEANING
    services.room_cleaned(room=placement.room, by=district)
    assert room_states(hotel)["201"] == Room.State.FREE


def test_a_released_measure_frees_the_room_at_once(world):
    resident, hotel = world["residents"]["grid_a"], world["hotels"]["mine"]
    red_arrival(resident)
    placement = place(resident, hotel, by=world["users"]["district_office"])
    ControlMeasure.objects.filter(pk=placement.measure_id).update(state="released")
    assert services.placements_end() == 1
    placement.refresh_from_db()
    assert placement.left_reason and room_states(hotel)["201"] == Room.State.CLEANING


def test_a_replaced_measure_still_in_centralized_quarantine_keeps_the_room(world):
    resident, hotel = world["residents"]["grid_a"], world["hotels"]["mine"]
    red_arrival(resident, days_ago=3)
    placement = place(resident, hotel, by=world["users"]["district_office"])
    old = ControlMeasure.objects.get(pk=placement.measure_id)
    old.state = "replaced"
    old.save()
    today = timezone.localdate()
    new = ControlMeasure.objects.create(
        resident=resident,
        rule="R1",
        phases=[{"kind": "centralized_quarantine", "days": 14}],
        start=today,
        end=today + timedelta(days=13),
        release_due=today + timedelta(days=14),
    )
    assert services.placements_end() == 0
    placement.refresh_from_db()
    assert (placement.measure_id, placement.left_on) == (new.pk, None)
    assert placement.due_out == today + timedelta(days=13)


def test_a_full_hotel_refuses_with_a_clear_message(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    people = [ResidentFactory(grid=world["nodes"]["grid_a"]) for _ in range(4)]
    for person in people:
        red_arrival(person)
    for person in people[:3]:
        place(person, hotel, by=district)
    with pytest.raises(ValidationError) as refused:
        place(people[3], hotel, by=district)
    assert "锦江之星" in str(refused.value) and "3" in str(refused.value)
    assert not Placement.objects.filter(resident=people[3]).exists()


def test_a_family_shares_a_room_only_when_chosen(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    one, two, three = (ResidentFactory(grid=world["nodes"]["grid_a"]) for _ in range(3))
    for person in (one, two, three):
        red_arrival(person)
    first = place(one, hotel, by=district)
    alone = place(two, hotel, by=district)
    together = place(three, hotel, by=district, with_family=first)
    assert alone.room_id != first.room_id  # not chosen: a room of their own
    assert together.room_id == first.room_id
    # the first leaves: the room stays occupied for the family member
    ControlMeasure.objects.filter(pk=first.measure_id).update(state="released")
    services.placements_end()
    assert Room.objects.get(pk=first.room_id).state == Room.State.OCCUPIED


@pytest.mark.parametrize(
    ("case", "field"),
    [
        ("no_measure", None),
        ("other_district", "hotel"),
        ("not_in_use", "hotel"),
        ("twice", None),
        ("future_transfer", "transfer_at"),
    ],
)
def test_what_cannot_be_placed_is_refused_and_nothing_stored(world, case, field):
    resident, district = world["residents"]["grid_a"], world["users"]["district_office"]
    hotel = world["hotels"]["mine"]
    changes = {}
    if case != "no_measure":
        red_arrival(resident)
    if case == "other_district":
        hotel = world["hotels"]["theirs"]
    if case == "not_in_use":
        Hotel.objects.filter(pk=hotel.pk).update(state=Hotel.State.ACCEPTED)
    if case == "twice":
        place(resident, hotel, by=district)
    if case == "future_transfer":
        changes["transfer_at"] = timezone.now() + timedelta(hours=2)
    before = Placement.objects.count()
    with pytest.raises(ValidationError) as refused:
        place(resident, hotel, by=district, **changes)
    if field:
        assert field in refused.value.message_dict
    assert Placement.objects.count() == before


def test_a_hotel_with_guests_cannot_be_withdrawn_and_states_follow_their_order(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    resident = world["residents"]["grid_a"]
    red_arrival(resident)
    place(resident, hotel, by=district)
    with pytest.raises(ValidationError):
        services.hotel_state_set(hotel=hotel, state=Hotel.State.WITHDRAWN, by=district)
    standby = Hotel.objects.create(
        district=world["nodes"]["district"],
        name="格林豪泰",
        address="学府街",
        contact_name="李",
        contact_phone="13503510001",
    )
    with pytest.raises(ValidationError):
        services.hotel_state_set(hotel=standby, state=Hotel.State.IN_USE, by=district)
    services.hotel_accept(hotel=standby, on=timezone.localdate(), inspector="张检查员", by=district)
    services.hotel_state_set(hotel=standby, state=Hotel.State.IN_USE, by=district)
    assert Hotel.objects.get(pk=standby.pk).state == Hotel.State.IN_USE


def test_rooms_are_added_once(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    assert services.rooms_add(hotel=hotel, floor=3, numbers=["301", "302"], by=district) == 2
    with pytest.raises(ValidationError):
        services.rooms_add(hotel=hotel, floor=3, numbers=["302", "303"], by=district)
    assert hotel.rooms.count() == 5


def test_a_centralized_quarantine_that_has_not_begun_is_not_placed_yet(world):
    resident, district = world["residents"]["grid_a"], world["users"]["district_office"]
    today = timezone.localdate()
    central = today + timedelta(days=3)
    ControlMeasure.objects.create(
        resident=resident,
        rule="R5a",
        phases=[  # as the services store them: each phase with its days
            {
                "kind": "home_quarantine",
                "days": 3,
                "start": str(today),
                "end": str(central - timedelta(days=1)),
            },
            {
                "kind": "centralized_quarantine",
                "days": 7,
                "start": str(central),
                "end": str(today + timedelta(days=9)),
            },
        ],
        start=today,
        end=today + timedelta(days=9),
        release_due=today + timedelta(days=10),
    )
    with pytest.raises(ValidationError) as refused:
        place(resident, world["hotels"]["mine"], by=district)
    assert (today + timedelta(days=3)).isoformat() in str(refused.value)
    assert not Placement.objects.exists()
    assert not selectors.to_place(district, today=today).exists()
    assert selectors.to_place(district, today=today + timedelta(days=3)).exists()


def test_a_replacing_measure_whose_centralized_quarantine_comes_later_keeps_the_room(world):
    resident, hotel = world["residents"]["grid_a"], world["hotels"]["mine"]
    red_arrival(resident)
    placement = place(resident, hotel, by=world["users"]["district_office"])
    ControlMeasure.objects.filter(pk=placement.measure_id).update(state="replaced")
    today = timezone.localdate()
    new = ControlMeasure.objects.create(
        resident=resident,
        rule="R5a",
        phases=[
            {"kind": "home_quarantine", "days": 1},
            {"kind": "centralized_quarantine", "days": 7},
        ],
        start=today,
        end=today + timedelta(days=7),
        release_due=today + timedelta(days=8),
    )
    assert services.placements_end() == 0
    placement.refresh_from_db()
    assert (placement.measure_id, placement.due_out, placement.left_on) == (
        new.pk,
        today + timedelta(days=7),
        None,
    )
    assert room_states(hotel)["201"] == Room.State.OCCUPIED
