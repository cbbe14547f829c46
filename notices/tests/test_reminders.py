"""The producers: who gets which reminder, and a second run creates nothing new."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import FollowUp, User
from communities.tests.factories import ResidentFactory, UserFactory
from notices import reminders, texts
from notices.models import Notice

from .factories import TODAY, appeal, measure, pending_test

Kind, Channel = Notice.Kind, Notice.Channel
TOMORROW = TODAY + timedelta(days=1)
YESTERDAY = TODAY - timedelta(days=1)


def recipients(kind) -> set[tuple[str, str]]:
    """(channel, username or phone) of every notice of `kind`."""
    return {
        (n.channel, n.recipient.username if n.recipient_id else n.phone)
        for n in Notice.objects.filter(kind=kind).select_related("recipient")
    }


def twice(producer, **kwargs) -> int:
    """Run a producer; a second run must create nothing new. Returns the first count."""
    created = producer(**kwargs)
    total = Notice.objects.count()
    assert producer(**kwargs) == 0
    assert Notice.objects.count() == total == created
    return created


@pytest.fixture
def grid_b_worker(world):
    """A grid worker placed at grid B itself (not through the grids they serve)."""
    return UserFactory(role=User.Role.GRID_WORKER, jurisdiction=world["nodes"]["grid_b"])


def test_tests_due_tomorrow_text_the_resident_and_tell_their_grid_workers(world, grid_b_worker):
    residents, users = world["residents"], world["users"]
    pending_test(residents["grid_a"], due=TOMORROW)
    pending_test(residents["grid_b"], due=TOMORROW)
    pending_test(residents["other_grid"], due=TOMORROW + timedelta(days=1))  # not yet
    done = pending_test(residents["other_grid"], due=TOMORROW, kind="followup")
    done.result = "negative"
    done.save()
    assert twice(reminders.test_due_tomorrow) == 4
    assert recipients(Kind.TEST_DUE_TOMORROW) == {
        ("sms", residents["grid_a"].phone),
        ("sms", residents["grid_b"].phone),
        ("inapp", users["grid_worker"].username),
        ("inapp", grid_b_worker.username),
    }
    sms = Notice.objects.get(channel="sms", phone=residents["grid_a"].phone)
    assert sms.text == texts.sms_text(Kind.TEST_DUE_TOMORROW, city="太原市", due=TOMORROW)
    assert sms.resident == residents["grid_a"] and sms.state == Notice.State.PENDING
    assert "太原市" in sms.text


def test_an_overdue_test_is_reminded_once_a_day_while_it_stays_overdue(world):
    residents, users = world["residents"], world["users"]
    pending_test(residents["grid_a"], due=YESTERDAY)
    pending_test(residents["grid_b"], due=TODAY)  # due today: not overdue yet
    assert twice(reminders.test_overdue) == 2
    assert recipients(Kind.TEST_OVERDUE) == {
        ("sms", residents["grid_a"].phone),
        ("inapp", users["grid_worker"].username),
    }
    tomorrow = timezone.now() + timedelta(days=1)
    # A day later: grid A's two again, and grid B's resident (whose grid has no worker).
    assert reminders.test_overdue(now=tomorrow) == 3
    # After the first days overdue, the residents are no longer texted.
    later = timezone.now() + timedelta(days=reminders.OVERDUE_REMIND_DAYS + 1)
    assert reminders.test_overdue(now=later) == 0


def test_a_missing_followup_is_told_to_the_grid_worker_only_for_residents_under_a_measure(world):
    residents, users = world["residents"], world["users"]
    measure(residents["grid_a"], start=TODAY - timedelta(days=3), days=7)
    recorded = ResidentFactory(grid=world["nodes"]["grid_a"])
    followed = measure(recorded, start=TODAY - timedelta(days=3), days=7)
    FollowUp.objects.create(
        resident=recorded,
        measure=followed,
        day=TODAY,
        temperature=Decimal("36.5"),
        recorded_by=users["grid_worker"],
    )
    ended = ResidentFactory(grid=world["nodes"]["grid_a"])
    measure(ended, start=TODAY - timedelta(days=7), days=7)  # its last day was yesterday
    measure(residents["other_grid"], start=TODAY, days=7)
    assert twice(reminders.followup_missing) == 2
    assert set(Notice.objects.values_list("resident", "recipient__username", "channel")) == {
        (residents["grid_a"].pk, users["grid_worker"].username, "inapp"),
        (residents["other_grid"].pk, users["outsider_grid_worker"].username, "inapp"),
    }


def test_a_measure_ending_tomorrow_is_texted_to_the_resident(world):
    residents = world["residents"]
    ending = measure(residents["grid_a"], start=TOMORROW - timedelta(days=6), days=7)
    measure(residents["grid_b"], start=TODAY - timedelta(days=6), days=7)  # ends today
    assert twice(reminders.measure_ends_tomorrow) == 1
    (notice,) = Notice.objects.all()
    assert (notice.channel, notice.phone, notice.kind) == (
        "sms",
        residents["grid_a"].phone,
        Kind.MEASURE_ENDS_TOMORROW,
    )
    assert notice.text == texts.sms_text(
        Kind.MEASURE_ENDS_TOMORROW, city="太原市", end=ending.end, release=ending.release_due
    )


@pytest.fixture
def other_district_office(world):
    return UserFactory(
        role=User.Role.DISTRICT_OFFICE, jurisdiction=world["nodes"]["other_district"]
    )


def test_an_appeal_20_hours_old_goes_to_the_district_above_in_app_and_by_email(
    world, other_district_office
):
    residents, users, now = world["residents"], world["users"], timezone.now()
    appeal(residents["grid_a"], filed=now - timedelta(hours=21))
    appeal(residents["grid_b"], filed=now - timedelta(hours=10))  # not yet
    appeal(residents["other_grid"], filed=now - timedelta(hours=20, minutes=5))
    appeal(ResidentFactory(grid=world["nodes"]["grid_a"]), filed=now - timedelta(hours=25))
    resolved = ResidentFactory(grid=world["nodes"]["grid_a"])
    appeal(resolved, filed=now - timedelta(hours=21), state="resolved")
    assert twice(reminders.appeal_20h) == 4
    assert recipients(Kind.APPEAL_20H) == {
        ("inapp", users["district_office"].username),
        ("email", users["district_office"].username),
        ("inapp", other_district_office.username),
        ("email", other_district_office.username),
    }


def test_an_overdue_appeal_is_escalated_to_the_city_office(world):
    residents, users, now = world["residents"], world["users"], timezone.now()
    appeal(residents["grid_a"], filed=now - timedelta(hours=25))
    appeal(residents["grid_b"], filed=now - timedelta(hours=21))  # 20 h: the district's
    assert twice(reminders.appeal_overdue) == 2
    assert recipients(Kind.APPEAL_OVERDUE) == {
        ("inapp", users["city_office"].username),
        ("email", users["city_office"].username),
    }
    assert Notice.objects.filter(resident=residents["grid_a"]).count() == 2


def queries(producer) -> int:
    Notice.objects.all().delete()
    with CaptureQueriesContext(connection) as captured:
        producer()
    return len(captured)


@pytest.mark.parametrize(
    ("producer", "make"),
    [
        (reminders.test_due_tomorrow, lambda r: pending_test(r, due=TOMORROW)),
        (reminders.test_overdue, lambda r: pending_test(r, due=YESTERDAY)),
        (reminders.followup_missing, lambda r: measure(r, start=TODAY, days=7)),
        (reminders.measure_ends_tomorrow, lambda r: measure(r, start=TOMORROW, days=1)),
        (reminders.appeal_20h, lambda r: appeal(r, filed=timezone.now() - timedelta(hours=21))),
        (reminders.appeal_overdue, lambda r: appeal(r, filed=timezone.now() - timedelta(days=2))),
        (reminders.street_digest, lambda r: pending_test(r, due=YESTERDAY)),
    ],
)
def test_a_producer_issues_as_many_queries_for_twenty_rows_as_for_two(world, producer, make):
    grids = [world["nodes"]["grid_a"], world["nodes"]["other_grid"]]
    for grid in grids:
        make(ResidentFactory(grid=grid))
    few = queries(producer)
    for n in range(18):
        make(ResidentFactory(grid=grids[n % 2]))
    assert queries(producer) == few
