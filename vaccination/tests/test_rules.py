"""The rules of vaccination without the database (issue 16's "done when": tables of dose
histories and birth dates, boundaries included: 17 years 364 days, 179 and 180 days)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from vaccination.rules import (
    BANDS,
    Dose,
    Policy,
    State,
    Status,
    age_on,
    band_births,
    booster_cutoffs,
    booster_due,
    booster_due_on,
    born_by,
    state_of,
)

POLICY = Policy(courses={"inactivated": 2, "adenovirus": 1, "protein": 3})
TODAY = date(2022, 4, 1)


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


@pytest.mark.parametrize(
    ("doses", "expected"),
    [
        ([], State(Status.NONE)),
        ([Dose(days_ago(30), "inactivated")], State(Status.INCOMPLETE)),
        (
            [Dose(days_ago(60), "inactivated"), Dose(days_ago(30), "inactivated")],
            State(Status.FULL, full_course_on=days_ago(30)),
        ),
        (
            # a third dose entered without the booster flag (dose 3, a file without the
            # booster column): after the full course, it is the booster
            [
                Dose(days_ago(300), "inactivated"),
                Dose(days_ago(270), "inactivated"),
                Dose(days_ago(10), "inactivated"),
            ],
            State(Status.BOOSTER, full_course_on=days_ago(270), booster_on=days_ago(10)),
        ),
        ([Dose(days_ago(10), "adenovirus")], State(Status.FULL, full_course_on=days_ago(10))),
        (
            [Dose(days_ago(90), "protein"), Dose(days_ago(60), "protein")],
            State(Status.INCOMPLETE),
        ),
        (
            [Dose(days_ago(d), "protein") for d in (90, 60, 30)],
            State(Status.FULL, full_course_on=days_ago(30)),
        ),
        (  # the order recorded does not matter, the days do
            [Dose(days_ago(30), "inactivated"), Dose(days_ago(60), "inactivated")],
            State(Status.FULL, full_course_on=days_ago(30)),
        ),
        (  # a course finished with another product counts
            [Dose(days_ago(60), "inactivated"), Dose(days_ago(30), "protein")],
            State(Status.FULL, full_course_on=days_ago(30)),
        ),
        (
            [
                Dose(days_ago(300), "inactivated"),
                Dose(days_ago(270), "inactivated"),
                Dose(days_ago(5), "protein", booster=True),
            ],
            State(Status.BOOSTER, full_course_on=days_ago(270), booster_on=days_ago(5)),
        ),
        (  # a "booster" before the course is complete is no booster
            [Dose(days_ago(60), "inactivated", booster=True), Dose(days_ago(30), "inactivated")],
            State(Status.INCOMPLETE),
        ),
        ([Dose(days_ago(30), "unlisted")], State(Status.FULL, full_course_on=days_ago(30))),
    ],
)
def test_the_status_follows_from_the_doses(doses, expected):
    assert state_of(doses, POLICY) == expected


ADULT = date(1980, 5, 6)


@pytest.mark.parametrize(
    ("full_course_days_ago", "birth", "due"),
    [
        (179, ADULT, False),  # the day before half a year
        (180, ADULT, True),  # half a year to the day
        (400, ADULT, True),
        (400, date(2004, 4, 2), False),  # 17 years 364 days today
        (400, date(2004, 4, 1), True),  # 18 today
        (179, date(2004, 4, 1), False),  # 18, but the interval not yet over
    ],
)
def test_a_booster_is_due_at_18_and_180_days_after_the_full_course(
    full_course_days_ago, birth, due
):
    state = State(Status.FULL, full_course_on=days_ago(full_course_days_ago))
    assert booster_due(state, birth=birth, policy=POLICY, today=TODAY) is due


def test_no_booster_is_due_without_a_full_course_or_after_a_booster():
    for state in (
        State(Status.NONE),
        State(Status.INCOMPLETE),
        State(Status.BOOSTER, full_course_on=days_ago(400), booster_on=days_ago(10)),
    ):
        assert booster_due_on(state, birth=ADULT, policy=POLICY) is None
        assert not booster_due(state, birth=ADULT, policy=POLICY, today=TODAY)


def test_the_policy_is_the_city_offices():
    state = State(Status.FULL, full_course_on=days_ago(100))
    assert not booster_due(state, birth=ADULT, policy=POLICY, today=TODAY)
    shorter = Policy(courses=POLICY.courses, booster_after_days=90)
    assert booster_due(state, birth=ADULT, policy=shorter, today=TODAY)
    younger = Policy(courses=POLICY.courses, booster_age=16)
    teen = State(Status.FULL, full_course_on=days_ago(200))
    assert booster_due(teen, birth=date(2005, 1, 1), policy=younger, today=TODAY)
    assert not booster_due(teen, birth=date(2005, 1, 1), policy=POLICY, today=TODAY)


@pytest.mark.parametrize(
    ("birth", "day", "age"),
    [
        (date(2004, 4, 2), date(2022, 4, 1), 17),
        (date(2004, 4, 1), date(2022, 4, 1), 18),
        (date(2004, 2, 29), date(2022, 2, 28), 17),
        (date(2004, 2, 29), date(2022, 3, 1), 18),
    ],
)
def test_age_in_whole_years(birth, day, age):
    assert age_on(birth, day) == age


def test_a_leap_day_birth_is_of_age_on_the_first_of_march():
    state = State(Status.FULL, full_course_on=date(2021, 1, 1))
    assert booster_due_on(state, birth=date(2004, 2, 29), policy=POLICY) == date(2022, 3, 1)


# --- Bounds for queries: they must agree with the rules ---------------------------------------

DAYS = st.dates(min_value=date(1920, 1, 1), max_value=date(2040, 12, 31))


@given(birth=DAYS, day=DAYS, years=st.integers(min_value=0, max_value=100))
def test_born_by_is_the_inverse_of_age_on(birth, day, years):
    if birth > day:
        return
    assert (age_on(birth, day) >= years) == (birth <= born_by(day, years))


@given(
    birth=DAYS,
    full_on=DAYS,
    day=DAYS,
    age=st.integers(min_value=0, max_value=30),
    interval=st.integers(min_value=1, max_value=400),
)
def test_the_query_bounds_of_a_due_booster_agree_with_booster_due(
    birth, full_on, day, age, interval
):
    policy = Policy(courses={}, booster_age=age, booster_after_days=interval)
    state = State(Status.FULL, full_course_on=full_on)
    latest_course, latest_birth = booster_cutoffs(policy, day)
    by_bounds = full_on <= latest_course and birth <= latest_birth
    assert by_bounds == booster_due(state, birth=birth, policy=policy, today=day)


@given(birth=DAYS, day=DAYS)
def test_a_person_of_3_or_more_is_in_exactly_one_band(birth, day):
    if birth > day:
        return
    inside = [
        band.key
        for band in BANDS
        if (band_births(band, day)[0] is None or birth > band_births(band, day)[0])
        and birth <= band_births(band, day)[1]
    ]
    age = age_on(birth, day)
    assert len(inside) == (1 if age >= 3 else 0)
    if inside:
        band = next(b for b in BANDS if b.key == inside[0])
        assert band.low <= age and (band.high is None or age <= band.high)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 2, 29), 18, date(2006, 2, 28)),
        (date(2026, 2, 28), 18, date(2008, 2, 28)),
        (date(2026, 3, 1), 18, date(2008, 3, 1)),
        (date(2022, 4, 1), 18, date(2004, 4, 1)),
    ],
)
def test_born_by_on_the_days_around_29_february(day, years, expected):
    assert born_by(day, years) == expected
