"""The booster reminder: once a resident (SMS to the resident, in the inbox of the grid's
workers), and not at all when a booster was recorded before it was sent (its check reads
the status again just before sending)."""

from datetime import timedelta

import pytest
from django.utils import timezone

from notices import registry, sending
from notices.models import Notice
from vaccination import reminders, services
from vaccination.models import VaccinationState

from .conftest import born, full_course, give, person

Kind, Channel, State = Notice.Kind, Notice.Channel, Notice.State


@pytest.fixture
def due(world):
    """A resident of grid_a due a booster (full course 200 days ago, 40 years old)."""
    resident = person(world["nodes"]["grid_a"], born(40), name="待加强", phone="13912345678")
    full_course(resident, days_ago=200)
    return resident


def sent_to(resident) -> list[tuple[str, str]]:
    return sorted(
        (n.channel, n.state)
        for n in Notice.objects.filter(kind=Kind.BOOSTER_DUE, resident=resident)
    )


def send_all() -> None:
    for pk in Notice.objects.filter(state=State.PENDING).values_list("pk", flat=True):
        sending.notice_send(notice_id=pk)


def test_the_reminder_goes_to_the_resident_and_the_grid_worker_once(world, due):

    assert reminders.booster_due() == 2
    notices = Notice.objects.filter(kind=Kind.BOOSTER_DUE)
    assert {(n.channel, n.phone or n.recipient.username) for n in notices} == {
        (Channel.SMS, "13912345678"),
        (Channel.INAPP, world["users"]["grid_worker"].username),
    }
    sms = notices.get(channel=Channel.SMS)
    assert sms.text.startswith("【太原市疫情防控】")
    assert "加强针" in sms.text
    assert VaccinationState.objects.get(resident=due).reminded_at is not None
    # a second run, and a run on the next days: nothing new
    assert reminders.booster_due() == 0
    assert reminders.booster_due(now=timezone.now() + timedelta(days=3)) == 0
    send_all()
    assert sent_to(due) == [(Channel.INAPP, State.SENT), (Channel.SMS, State.SENT)]
    assert reminders.booster_due() == 0


def test_a_booster_recorded_before_sending_cancels_the_reminder(world, due):
    reminders.booster_due()
    give(due, days_ago=0, booster=True, number=3)
    send_all()
    assert sent_to(due) == [(Channel.INAPP, State.CANCELLED), (Channel.SMS, State.CANCELLED)]
    cancelled = Notice.objects.filter(kind=Kind.BOOSTER_DUE).first()
    assert cancelled.sent_at is None
    assert cancelled.last_error


def test_no_reminder_at_all_when_the_booster_came_first(world, due):
    give(due, days_ago=0, booster=True, number=3)
    assert reminders.booster_due() == 0
    assert not Notice.objects.filter(kind=Kind.BOOSTER_DUE).exists()


def test_a_stricter_policy_before_sending_cancels_it_and_the_new_day_reminds(world, due):
    reminders.booster_due()
    services.policy_set(
        effective=timezone.localdate(),
        booster_age=18,
        booster_after_days=365,
        by=world["users"]["city_office"],
    )
    send_all()
    assert {state for _channel, state in sent_to(due)} == {State.CANCELLED}
    assert VaccinationState.objects.get(resident=due).reminded_at is None
    assert reminders.booster_due() == 0  # not due under the policy
    later = timezone.now() + timedelta(days=170)  # 370 days after the full course
    assert reminders.booster_due(now=later) == 2
    assert reminders.booster_due(now=later) == 0


@pytest.mark.parametrize(
    ("age", "age_days", "course_days_ago"),
    [(17, 364, 300), (40, 0, 179)],
)
def test_not_due_is_not_reminded(world, age, age_days, course_days_ago):
    resident = person(world["nodes"]["grid_a"], born(age, age_days))
    full_course(resident, days_ago=course_days_ago)
    assert reminders.booster_due() == 0


def test_the_check_is_registered_for_the_kind():
    assert registry.SEND_CHECKS[Kind.BOOSTER_DUE] is reminders.booster_still_due
    assert registry.PRODUCERS[Kind.BOOSTER_DUE] is reminders.booster_due
