"""Plausible input for an arrival (DOMAIN.md section 2, "Plausible input only"): pure, the
caller passes `today`. Each problem is a code (with the field at fault, for a journey);
validators.py holds the words.

- someone who did not travel is not an arrival: at least one stay, or days of first-entry
  quarantine (from abroad);
- the arrival date lies between EARLIEST_ARRIVAL and today;
- a stay ends on or before the arrival date and starts at most STAY_DAYS_BEFORE days
  before it.
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

EARLIEST_ARRIVAL = date(2020, 1, 1)  # the epidemic's control measures began in 2020
STAY_DAYS_BEFORE = 60


@dataclass(frozen=True)
class Problem:
    """`field` is "stays" (the list as a whole), or "start"/"end" of the stay at index
    `stay` of the stays given."""

    field: str
    code: str
    stay: int | None = None


def arrival_date_problem(arrival_date: date, *, today: date) -> str | None:
    """Why nobody arrived on `arrival_date`, seen on `today`; None when they may have."""
    if arrival_date < EARLIEST_ARRIVAL:
        return "arrival_too_early"
    if arrival_date > today:
        return "arrival_future"
    return None


def journey_problems(
    *,
    arrival_date: date,
    stays: Sequence[Mapping],
    abroad_quarantine_days: int | None,
    needs_travel: bool = True,
) -> list[Problem]:
    """What makes the stays of an arrival on `arrival_date` implausible, in the order of
    the form; none for a plausible journey. `stays` are mappings with `start` and `end`
    dates. `needs_travel` False: the caller files no arrival without stays (a push
    verified as "did not travel")."""
    problems = []
    if needs_travel and not stays and abroad_quarantine_days is None:
        problems.append(Problem("stays", "no_travel"))
    earliest_start = arrival_date - timedelta(days=STAY_DAYS_BEFORE)
    for index, stay in enumerate(stays):
        if stay["start"] > arrival_date:
            # then it ends after arrival too: one problem for the stay, not two
            problems.append(Problem("start", "stay_starts_after_arrival", index))
            continue
        if stay["start"] < earliest_start:
            problems.append(Problem("start", "stay_starts_too_early", index))
        if stay["end"] > arrival_date:
            problems.append(Problem("end", "stay_ends_after_arrival", index))
    return problems
