"""The placard rules of DOMAIN.md §6, without the database."""

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


def test_green_placard_when_every_item_passes_resets_the_reminders():
    result = rules.inspection_result(
        failed=[], placard_now=Placard.NONE, reminders_so_far=1, today=TODAY, limits=LIMITS
    )
    assert result == rules.Result(Outcome.GREEN, Placard.GREEN, False, 0, None, None)


def test_a_failure_gives_a_reminder_with_a_deadline_and_takes_down_a_green_placard():
    result = rules.inspection_result(
        failed=["venue_code_used"],
        placard_now=Placard.GREEN,
        reminders_so_far=0,
        today=TODAY,
        limits=LIMITS,
    )
    assert result.outcome == Outcome.REMINDER
    assert result.placard == Placard.NONE
    assert result.reminders == 1
    assert result.rectify_by == TODAY + timedelta(days=2)
    assert not result.closed


def test_red_placard_after_the_reminders_closes_the_shop_for_three_days():
    result = rules.inspection_result(
        failed=["supplies_in_place"],
        placard_now=Placard.NONE,
        reminders_so_far=2,
        today=TODAY,
        limits=LIMITS,
    )
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
    result = rules.inspection_result(
        failed=failed, placard_now=Placard.RED, reminders_so_far=0, today=TODAY, limits=LIMITS
    )
    assert (result.outcome, result.placard, result.closed) == (outcome, placard, closed)
    if closed:  # another closure starts
        assert result.reinspection_due == TODAY + timedelta(days=3)


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
