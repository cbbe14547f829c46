"""Pure rules of vaccination (issue 16): a resident's status follows from their doses,
never typed; a booster is due at an age and an interval after the full course. No Django,
no clock: the policy (the products' primary courses, the booster age and interval) and the
day are given.

The seed: "18岁以上人群完成全程接种后满半年的尽快接种加强针" — 18 or older, half a year (180
days, the city office's to change) after the full course.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from communities.rules.identity import years_before


class Status(StrEnum):
    NONE = "not_vaccinated"
    INCOMPLETE = "incomplete"
    FULL = "full_course"
    BOOSTER = "booster"


@dataclass(frozen=True)
class Dose:
    """One dose as recorded: the day, the product's code, and whether it was given as a
    booster (a dose of the primary course otherwise)."""

    day: date
    product: str
    booster: bool = False


@dataclass(frozen=True)
class Policy:
    """The city office's: each product's primary course (doses), the age from which a
    booster is due and the days after the full course."""

    courses: Mapping[str, int]
    booster_age: int = 18
    booster_after_days: int = 180


@dataclass(frozen=True)
class State:
    status: Status
    full_course_on: date | None = None
    booster_on: date | None = None


def state_of(doses: Iterable[Dose], policy: Policy) -> State:
    """The status the doses give, in the order given by their days:
    1. the primary course is complete with as many primary doses as the course of the
       product of its first dose (a course finished with another product counts);
    2. a booster counts once the course is complete, on or after its day; so does a dose
       given after the course without the booster flag (a third dose of an inactivated
       vaccine entered as dose 3, or a site's file without the booster column);
    3. a dose of a product not in the table counts as one dose of a one-dose course
       (never a reason to call a vaccinated person unvaccinated)."""
    ordered = sorted(doses, key=lambda d: (d.day, d.booster))
    primary = [d for d in ordered if not d.booster]
    if not ordered:
        return State(Status.NONE)
    full_on, beyond = None, []
    if primary:
        needed = policy.courses.get(primary[0].product, 1)
        if len(primary) >= needed:
            full_on, beyond = primary[needed - 1].day, primary[needed:]
    if full_on is None:
        return State(Status.INCOMPLETE)
    flagged = [d.day for d in ordered if d.booster and d.day >= full_on]
    boosters = sorted([*flagged, *(d.day for d in beyond)])
    if boosters:
        return State(Status.BOOSTER, full_course_on=full_on, booster_on=boosters[0])
    return State(Status.FULL, full_course_on=full_on)


def age_on(birth: date, day: date) -> int:
    """Whole years from `birth` to `day` (a birthday on 29 February is reached on 1 March
    of a common year)."""
    years = day.year - birth.year
    if (day.month, day.day) < (birth.month, birth.day):
        years -= 1
    return years


def booster_due_on(state: State, *, birth: date, policy: Policy) -> date | None:
    """The day from which a booster is due, or None when none will be (no full course
    yet, or a booster already given): the later of the interval after the full course
    and the birthday of the booster age."""
    if state.status != Status.FULL or state.full_course_on is None:
        return None
    after_course = state.full_course_on + timedelta(days=policy.booster_after_days)
    try:
        of_age = birth.replace(year=birth.year + policy.booster_age)
    except ValueError:  # born on 29 February: of age on 1 March
        of_age = date(birth.year + policy.booster_age, 3, 1)
    return max(after_course, of_age)


def booster_due(state: State, *, birth: date, policy: Policy, today: date) -> bool:
    """Whether a booster is due today."""
    due_on = booster_due_on(state, birth=birth, policy=policy)
    return due_on is not None and today >= due_on


def born_by(day: date, years: int) -> date:
    """The latest birth date of a person aged `years` or more on `day` (age_on's
    inverse: someone born on 29 February is of age on 1 March of a common year, so on
    28 February of a common year the latest birth date is that day's, 28 February)."""
    return years_before(day, years)


@dataclass(frozen=True)
class Band:
    """An age band of the coverage figures: from `low` years to `high` years included
    (None: no upper bound)."""

    key: str
    low: int
    high: int | None


# The bands the coverage is counted in (residents under 3 are not offered the vaccine).
BANDS = (
    Band("3_17", 3, 17),
    Band("18_59", 18, 59),
    Band("60_79", 60, 79),
    Band("80", 80, None),
)
# Every band together: the residents the coverage counts.
ALL_BANDS = Band("all", BANDS[0].low, None)


def band_births(band: Band, day: date) -> tuple[date | None, date]:
    """(exclusive lower bound, inclusive upper bound) of the birth dates of the band's
    people on `day`: born after the first (None: no bound) and on or before the second."""
    after = None if band.high is None else born_by(day, band.high + 1)
    return after, born_by(day, band.low)


def booster_cutoffs(policy: Policy, day: date) -> tuple[date, date]:
    """(latest full-course day, latest birth date) of a person due a booster on `day`
    whose status is a full course: the same decision as booster_due, as two bounds a query
    can use (tests check that the two agree)."""
    return day - timedelta(days=policy.booster_after_days), born_by(day, policy.booster_age)
