"""The hotels' pure rules without the database: certificates (the 14 days' warning and
the last day), the checklist's items by their time, a room after its guests leave, the
days of a measure's centralized quarantine."""

from datetime import date, datetime

import pytest

from hotels.rules import (
    ITEM_KEYS,
    Certificate,
    Room,
    Window,
    best_certificate,
    centralized_window,
    certificate_state,
    complete,
    may_be_rostered,
    missing_items,
    room_after_leaving,
)

TODAY = date(2022, 4, 1)


@pytest.mark.parametrize(
    ("issued", "until", "state"),
    [
        (None, None, Certificate.NONE),
        (date(2022, 4, 2), date(2022, 10, 1), Certificate.NOT_YET),
        (date(2022, 1, 1), date(2022, 3, 31), Certificate.EXPIRED),
        (date(2022, 1, 1), date(2022, 4, 1), Certificate.EXPIRING),  # its last day
        (date(2022, 1, 1), date(2022, 4, 11), Certificate.EXPIRING),  # 10 days left
        (date(2022, 1, 1), date(2022, 4, 15), Certificate.EXPIRING),  # 14 days left
        (date(2022, 1, 1), date(2022, 4, 16), Certificate.VALID),  # 15 days left
    ],
)
def test_a_certificates_state(issued, until, state):
    assert certificate_state(issued, until, today=TODAY) == state


@pytest.mark.parametrize(
    ("state", "allowed"),
    [
        (Certificate.VALID, True),
        (Certificate.EXPIRING, True),
        (Certificate.EXPIRED, False),
        (Certificate.NOT_YET, False),
        (Certificate.NONE, False),
    ],
)
def test_only_a_valid_certificate_puts_a_person_on_a_roster(state, allowed):
    assert may_be_rostered(state) is allowed


def test_the_best_certificate_speaks_for_a_person():
    expired = (date(2021, 1, 1), date(2022, 3, 1))
    renewed = (date(2022, 3, 1), date(2023, 3, 1))
    assert best_certificate([expired, renewed], today=TODAY) == (
        Certificate.VALID,
        date(2023, 3, 1),
    )
    assert best_certificate([expired], today=TODAY) == (Certificate.EXPIRED, date(2022, 3, 1))
    assert best_certificate([], today=TODAY) == (Certificate.NONE, None)


@pytest.mark.parametrize(
    ("ticked", "now", "missing"),
    [
        ((), datetime(2022, 4, 1, 8, 59), []),
        ((), datetime(2022, 4, 1, 9, 0), ["round_1"]),
        (("round_1",), datetime(2022, 4, 1, 10, 30), ["monitor_1"]),
        (ITEM_KEYS[:-1], datetime(2022, 4, 1, 21, 0), ["report"]),
        (ITEM_KEYS, datetime(2022, 4, 2, 9, 0), []),
        (("round_1",), datetime(2022, 4, 2, 0, 1), list(ITEM_KEYS[1:])),  # a past day
    ],
)
def test_the_items_missing_by_their_time(ticked, now, missing):
    assert missing_items(ticked, day=TODAY, now=now) == missing


def test_a_checklist_is_complete_with_every_item():
    assert complete(ITEM_KEYS)
    assert not complete(ITEM_KEYS[:-1])
    assert len(ITEM_KEYS) == 8  # three rounds, two monitorings, two disinfections, a report


def test_a_room_goes_to_cleaning_when_its_last_guest_leaves():
    assert room_after_leaving(0) == Room.CLEANING
    assert room_after_leaving(1) == Room.OCCUPIED


@pytest.mark.parametrize(
    ("phases", "window"),
    [
        (
            [
                {"kind": "centralized_quarantine", "days": 14},
                {"kind": "home_health_monitoring", "days": 7},
            ],
            Window(date(2022, 4, 1), date(2022, 4, 14)),
        ),
        (
            [{"kind": "home_quarantine", "days": 7}, {"kind": "centralized_quarantine", "days": 7}],
            Window(date(2022, 4, 8), date(2022, 4, 14)),
        ),
        (
            [
                {
                    "kind": "centralized_quarantine",
                    "days": 7,
                    "start": "2022-04-03",
                    "end": "2022-04-09",
                }
            ],
            Window(date(2022, 4, 3), date(2022, 4, 9)),
        ),
        ([{"kind": "home_health_monitoring", "days": 7}], None),
        ([], None),
    ],
)
def test_the_days_of_the_centralized_quarantine(phases, window):
    assert centralized_window(phases, TODAY) == window
