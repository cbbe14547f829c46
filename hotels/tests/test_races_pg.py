"""Placing under real concurrent transactions (PostgreSQL): two district officers
placing two people into a hotel's last free room at once, and the same person twice at
once; the room never takes two strangers and nobody gets a 500."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from communities.tests.factories import ResidentFactory
from hotels.models import Placement, Room

from .conftest import place, red_arrival

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def at_once(*calls) -> list:
    """Run the calls in threads started together; each one's result or exception."""
    start, results = threading.Barrier(len(calls)), [None] * len(calls)

    def run(index, call):
        try:
            start.wait()
            results[index] = call()
        except Exception as error:  # the test asserts on what each got
            results[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


def test_the_last_free_room_goes_to_one_person(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    Room.objects.filter(hotel=hotel).exclude(number="201").update(state="out_of_service")
    one, two = (ResidentFactory(grid=world["nodes"]["grid_a"]) for _ in range(2))
    red_arrival(one)
    red_arrival(two)
    results = at_once(
        lambda: place(one, hotel, by=district), lambda: place(two, hotel, by=district)
    )
    placed = [r for r in results if isinstance(r, Placement)]
    refused = [r for r in results if isinstance(r, ValidationError)]
    assert len(placed) == 1 and len(refused) == 1, results
    assert Placement.objects.filter(room__number="201", left_on__isnull=True).count() == 1


def test_the_same_person_placed_twice_at_once_is_placed_once(world):
    hotel, district = world["hotels"]["mine"], world["users"]["district_office"]
    resident = world["residents"]["grid_a"]
    red_arrival(resident)
    results = at_once(
        lambda: place(resident, hotel, by=district), lambda: place(resident, hotel, by=district)
    )
    assert sorted(type(r).__name__ for r in results) == ["Placement", "ValidationError"], results
    assert Placement.objects.filter(resident=resident).count() == 1
    assert Room.objects.filter(hotel=hotel, state="occupied").count() == 1
