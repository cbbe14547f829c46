"""The placard rules of DOMAIN.md §6, without the database."""

from dataclasses import asdict
from datetime import date, timedelta

import pytest

from shops import rules

Outcome, Placard = rules.Outcome, rules.Placard
TODAY = date(2022, 3, 28)
LIMITS = rules.Limits(max_reminders=2, rectify_days=2, closure_days=3)


@pytest.mark.parametrize(
    ("failed", "reminders_so_far", "max_reminders", "expected"),
    [
        ([], 0, 2, Outcome.GREEN),
        ([], 2, 2, Outcome.GREEN),
        (["masks_worn"], 0, 2, Outcome.REMINDER),
        (["masks_worn"], 1, 2, Outcome.REMINDER),
        (["masks_worn"], 2, 2, Outcome.RED),
        (["masks_worn", "codes_checked"], 3, 2, Outcome.RED),
        (["masks_worn"], 0, 0, Outcome.RED),
        (["masks_worn"], 1, 1, Outcome.RED),
        (list(rules.CHECKS), 0, 2, Outcome.REMINDER),
    ],
)
def test_placard_after(failed, reminders_so_far, max_reminders, expected):
    outcome = rules.placard_after(
        failed=failed, reminders_so_far=reminders_so_far, max_reminders=max_reminders
    )
    assert outcome == expected


def judge(failed=(), *, counted_today=False, today=TODAY, **before):
    return rules.inspection_result(
        failed=list(failed),
        before=rules.Standing(**before),
        counted_today=counted_today,
        today=today,
        limits=LIMITS,
    )


def test_green_placard_when_every_item_passes_resets_the_reminders():
    assert judge(reminders=1) == rules.Result(Outcome.GREEN, Placard.GREEN, False, 0, None, None)


def test_a_failure_gives_a_reminder_with_a_deadline_and_takes_down_a_green_placard():
    result = judge(["venue_code_used"], placard=Placard.GREEN)
    assert result.outcome == Outcome.REMINDER
    assert result.placard == Placard.NONE
    assert result.reminders == 1
    assert result.rectify_by == TODAY + timedelta(days=2)
    assert not result.closed


def test_red_placard_after_the_last_reminders_deadline_closes_the_shop_for_three_days():
    result = judge(["supplies_in_place"], reminders=2, rectify_by=TODAY - timedelta(days=1))
    assert result.outcome == Outcome.RED
    assert result.placard == Placard.RED
    assert result.closed
    assert result.reinspection_due == date(2022, 3, 31)
    assert result.rectify_by is None


@pytest.mark.parametrize(
    ("failed", "outcome", "placard", "closed"),
    [([], Outcome.GREEN, Placard.GREEN, False), (["masks_worn"], Outcome.RED, Placard.RED, True)],
)
def test_reinspection_removes_or_keeps_the_red_placard(failed, outcome, placard, closed):
    result = judge(failed, placard=Placard.RED, closed=True, reinspection_due=TODAY)
    assert (result.outcome, result.placard, result.closed) == (outcome, placard, closed)
    if closed:  # another closure starts
        assert result.reinspection_due == TODAY + timedelta(days=3)


DEADLINE = TODAY + timedelta(days=2)  # a reminder given on TODAY


@pytest.mark.parametrize(
    ("rectify_by", "today", "running"),
    [
        (None, TODAY, False),  # never reminded, or passed since
        (DEADLINE, TODAY, True),  # the reminder's own day
        (DEADLINE, DEADLINE - timedelta(days=1), True),
        (DEADLINE, DEADLINE, True),  # the deadline day is still the shop's
        (DEADLINE, DEADLINE + timedelta(days=1), False),  # from the next day a failure counts
        (DEADLINE, DEADLINE + timedelta(days=9), False),
    ],
)
def test_a_deadline_runs_to_the_end_of_its_day(rectify_by, today, running):
    assert rules.deadline_running(rectify_by=rectify_by, today=today) is running


AFTER = DEADLINE + timedelta(days=1)


@pytest.mark.parametrize(
    ("failed", "reminders", "rectify_by", "today", "outcome", "reminders_after", "rectify_after"),
    [
        # the first failure: reminder 1 with a deadline
        (["masks_worn"], 0, None, TODAY, Outcome.REMINDER, 1, DEADLINE),
        # failures before the deadline has passed: recorded, the same reminder and deadline
        (["masks_worn"], 1, DEADLINE, TODAY, Outcome.IN_PERIOD, 1, DEADLINE),
        (["codes_checked"], 1, DEADLINE, DEADLINE, Outcome.IN_PERIOD, 1, DEADLINE),
        (list(rules.CHECKS), 2, DEADLINE, DEADLINE, Outcome.IN_PERIOD, 2, DEADLINE),  # never red
        # after the deadline: reminder 2 with a new deadline, then red
        (["masks_worn"], 1, DEADLINE, AFTER, Outcome.REMINDER, 2, AFTER + timedelta(days=2)),
        (["masks_worn"], 2, DEADLINE, AFTER, Outcome.RED, 2, None),
        # a shop reminded without a deadline on record: its failures count
        (["masks_worn"], 2, None, TODAY, Outcome.RED, 2, None),
        # passing within the period earns green at once and ends the period
        ([], 2, DEADLINE, TODAY + timedelta(days=1), Outcome.GREEN, 0, None),
        ([], 1, DEADLINE, DEADLINE, Outcome.GREEN, 0, None),
    ],
)
def test_escalation_follows_the_reminders_deadlines(
    failed, reminders, rectify_by, today, outcome, reminders_after, rectify_after
):
    result = judge(failed, today=today, reminders=reminders, rectify_by=rectify_by)
    assert (result.outcome, result.reminders, result.rectify_by) == (
        outcome,
        reminders_after,
        rectify_after,
    )
    assert result.closed is (outcome == Outcome.RED)
    if outcome == Outcome.IN_PERIOD:
        assert result.placard == Placard.NONE


@pytest.mark.parametrize(
    "before",
    [
        rules.Standing(),
        rules.Standing(reminders=1, rectify_by=DEADLINE),
        rules.Standing(reminders=2, rectify_by=TODAY - timedelta(days=1)),  # a failure would be red
        rules.Standing(placard=Placard.GREEN),
        rules.Standing(placard=Placard.RED, closed=True, reinspection_due=TODAY),
    ],
)
@pytest.mark.parametrize("failed", [[], ["masks_worn"]])
def test_a_second_inspection_on_a_day_is_recorded_and_changes_nothing(before, failed):
    result = rules.inspection_result(
        failed=failed, before=before, counted_today=True, today=TODAY, limits=LIMITS
    )
    assert result == rules.Result(Outcome.REPEAT, **asdict(before))


@pytest.mark.parametrize(
    ("placard", "due", "today", "refused"),
    [
        (Placard.RED, date(2022, 3, 31), date(2022, 3, 30), True),
        (Placard.RED, date(2022, 3, 31), date(2022, 3, 31), False),
        (Placard.RED, date(2022, 3, 31), date(2022, 4, 5), False),
        (Placard.GREEN, None, date(2022, 3, 30), False),
        (Placard.NONE, None, date(2022, 3, 30), False),
    ],
)
def test_reinspection_only_from_the_due_day(placard, due, today, refused):
    refusal = rules.reinspection_refusal(placard_now=placard, reinspection_due=due, today=today)
    assert (refusal is not None) == refused


def test_missing_and_failed_items_in_checklist_order():
    answers = {item: True for item in rules.CHECKS}
    answers.update(masks_worn=False, temperature_taken=False)
    del answers["supplies_in_place"]
    assert rules.missing_items(answers) == ["supplies_in_place"]
    answers["supplies_in_place"] = True
    assert rules.failed_items(answers) == ["temperature_taken", "masks_worn"]
