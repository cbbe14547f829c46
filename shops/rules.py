"""Pure rules of the street sweep (DOMAIN.md §6): the checklist, the placard an inspection
earns and when a re-inspection may happen. No models, no clock: callers pass `today`.

Escalation follows the reminders' deadlines, not the number of visits: a failure while a
reminder's deadline is running is recorded but is not another reminder; the red placard
comes only from a failure found after the last reminder's deadline; and only the first
inspection of a shop on a day counts."""

from dataclasses import asdict, dataclass
from datetime import date, timedelta
from enum import StrEnum

# The checklist, in the order the inspector walks it. The three elements (三要素: temperature,
# the two codes, masks), the venue code (场所码) posted and used, visitors registered,
# prevention supplies, and no outdated notices or recordings (the seed's 扫街行动).
CHECKS = (
    "temperature_taken",
    "codes_checked",
    "masks_worn",
    "venue_code_posted",
    "venue_code_used",
    "visitors_registered",
    "supplies_in_place",
    "no_outdated_notices",
)


class Outcome(StrEnum):
    GREEN = "green"  # every item passed: green placard (表扬)
    REMINDER = "reminder"  # a failure: a rectification reminder with a deadline
    RED = "red"  # a failure after the reminders, or a failed re-inspection: red placard (警告)
    IN_PERIOD = "in_period"  # a failure before the reminder's deadline: recorded, no change
    REPEAT = "repeat"  # the shop's second inspection of a day: recorded, not counted


class Placard(StrEnum):
    NONE = "none"
    GREEN = "green"
    RED = "red"


@dataclass(frozen=True)
class Limits:
    """The campaign's numbers (settings SHOP_MAX_REMINDERS, SHOP_RECTIFY_DAYS,
    SHOP_CLOSURE_DAYS)."""

    max_reminders: int = 2
    rectify_days: int = 2
    closure_days: int = 3


@dataclass(frozen=True)
class Standing:
    """Where a shop stands in the sweep when an inspection finds it."""

    placard: Placard = Placard.NONE
    closed: bool = False
    reminders: int = 0  # reminders since the shop last passed
    rectify_by: date | None = None  # the last reminder's deadline
    reinspection_due: date | None = None  # the day a red placard may be re-inspected


@dataclass(frozen=True)
class Result:
    """What an inspection does to the shop: its outcome and where the shop stands after."""

    outcome: Outcome
    placard: Placard
    closed: bool
    reminders: int  # reminders since the shop last passed
    rectify_by: date | None  # the last reminder's deadline
    reinspection_due: date | None  # the day a red placard may be re-inspected


def failed_items(answers: dict[str, bool]) -> list[str]:
    """The checklist items answered "no", in checklist order."""
    return [item for item in CHECKS if not answers[item]]


def missing_items(answers: dict[str, bool | None]) -> list[str]:
    """The checklist items with no answer: every item must be answered yes or no."""
    return [item for item in CHECKS if answers.get(item) is None]


def placard_after(*, failed: list[str], reminders_so_far: int, max_reminders: int) -> Outcome:
    """All pass: green. A failure that counts (no reminder's deadline running): a reminder,
    until `max_reminders` have been given ("提醒多次仍未整改"); the next one: red."""
    if not failed:
        return Outcome.GREEN
    return Outcome.RED if reminders_so_far >= max_reminders else Outcome.REMINDER


def deadline_running(*, rectify_by: date | None, today: date) -> bool:
    """Whether a reminder's deadline still runs on `today`. The shop has the whole of its
    rectify-by day ("rectify by 12-02" is 12月2日前整改完毕, to the end of that day): a
    failure on the deadline day is still within the period, and only a failure from the
    next day on counts (`today > rectify_by`). No deadline (never reminded, or passed
    since): nothing runs."""
    return rectify_by is not None and today <= rectify_by


def inspection_result(
    *,
    failed: list[str],
    before: Standing,
    counted_today: bool,
    today: date,
    limits: Limits,
) -> Result:
    """The shop after an inspection on `today`, found as `before`.

    1. One counted inspection per shop per day: when another was counted today
       (`counted_today`), this one is recorded and changes nothing (REPEAT). The day's
       first visit is its verdict; a double entry by a second member of the group, or a
       pass after rectifying on the spot, cannot move the placard the same day.
    2. A shop under a red placard is closed; its inspection is the re-inspection, which
       removes the red placard when everything passes and otherwise keeps it for another
       closure period.
    3. Everything passes: green, and the reminders are reset, also before a reminder's
       deadline (rectifying early is what the period is for).
    4. A failure while a reminder's deadline runs is recorded but is neither another
       reminder nor red (IN_PERIOD); the deadline stays.
    5. Any other failure: a reminder with a new deadline, or red once `max_reminders`
       reminders have been given (each failure after its predecessor's deadline)."""
    if counted_today:
        return Result(Outcome.REPEAT, **asdict(before))
    placard_now, reminders_so_far = before.placard, before.reminders
    if placard_now == Placard.RED:
        outcome = Outcome.GREEN if not failed else Outcome.RED
    elif failed and deadline_running(rectify_by=before.rectify_by, today=today):
        return Result(Outcome.IN_PERIOD, **asdict(before))
    else:
        outcome = placard_after(
            failed=failed, reminders_so_far=reminders_so_far, max_reminders=limits.max_reminders
        )
    if outcome == Outcome.GREEN:
        return Result(outcome, Placard.GREEN, False, 0, None, None)
    if outcome == Outcome.REMINDER:
        return Result(
            outcome,
            Placard.NONE,  # a green placard comes down when the shop fails
            False,
            reminders_so_far + 1,
            today + timedelta(days=limits.rectify_days),
            None,
        )
    return Result(
        outcome,
        Placard.RED,
        True,
        reminders_so_far,
        None,
        today + timedelta(days=limits.closure_days),
    )


def reinspection_refusal(*, placard_now: Placard, reinspection_due: date | None, today: date):
    """Why the shop cannot be inspected today, or None: a red placard stays up for the
    whole closure (停业整改3天); the group comes back on the due day or later."""
    if placard_now == Placard.RED and reinspection_due is not None and today < reinspection_due:
        return reinspection_due
    return None
