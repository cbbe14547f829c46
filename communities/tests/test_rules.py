from datetime import date

import pytest

from communities import rules
from communities.rules.identity import years_before

TODAY = date(2022, 3, 28)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("11010519491231002X", None),  # the standard's own example
        ("11010519491231002x", None),  # a lower-case x is accepted and normalized
        (" 11010519491231002X ", None),
        ("110105194912310021", "checksum"),
        ("11010519491331002X", "birth_date"),  # month 13
        ("11010519490229002X", "birth_date"),  # 1949 is not a leap year
        ("1101051949123100", "format"),
        ("1101051949123100XX", "format"),
        ("", "format"),
    ],
)
def test_id_number_problem(value, problem):
    assert rules.id_number_problem(value, today=TODAY) == problem


@pytest.mark.parametrize(
    ("birth", "problem"),
    [
        (TODAY, None),  # born today
        (date(2022, 3, 29), "born_future"),
        (date(2030, 1, 1), "born_future"),
        (date(1902, 3, 28), None),  # 120 years old today
        (date(1902, 3, 27), "born_too_long_ago"),
        (date(1850, 6, 1), "born_too_long_ago"),
    ],
)
def test_an_id_number_born_in_the_future_or_over_120_years_ago_is_refused(birth, problem):
    number = rules.make_id_number("140105", birth, 1)
    assert rules.id_number_problem(number, today=TODAY) == problem


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2022, 3, 28), 120, date(1902, 3, 28)),
        (date(2020, 2, 29), 120, date(1900, 2, 28)),  # 1900 was not a leap year
        (date(2024, 2, 29), 4, date(2020, 2, 29)),
    ],
)
def test_years_before(day, years, expected):
    assert years_before(day, years) == expected


def test_made_id_numbers_pass_the_check():
    for seq in range(0, 1000, 37):
        number = rules.make_id_number("140105", date(1990, 5, 17), seq)
        assert rules.id_number_problem(number, today=TODAY) is None


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("13812345678", True),
        ("19912345678", True),
        ("12812345678", False),
        ("1381234567", False),
        ("138123456789", False),
        ("1381234567a", False),
    ],
)
def test_is_mobile(value, ok):
    assert rules.is_mobile(value) is ok


def test_masks_keep_region_and_last_four():
    assert rules.mask_id_number("140105199001011234") == "140105********1234"
    assert rules.mask_phone("13812345678") == "138****5678"


@pytest.mark.parametrize(
    ("name", "masked"),
    [("", ""), ("张", "*"), ("张三", "张*"), ("张三丰", "张*丰"), ("欧阳中华", "欧**华")],
)
def test_a_name_is_masked_but_for_its_first_and_last_character(name, masked):
    assert rules.mask_name(name) == masked


def stay(start: date, end: date) -> dict:
    return {"start": start, "end": end}


ARRIVED = date(2022, 3, 27)


@pytest.mark.parametrize(
    ("arrival_date", "stays", "abroad_days", "problems"),
    [
        (ARRIVED, [stay(date(2022, 3, 20), date(2022, 3, 26))], None, []),
        (ARRIVED, [stay(date(2022, 3, 20), ARRIVED)], None, []),  # left on the arrival day
        (ARRIVED, [], 14, []),  # from abroad, quarantined at the first entry point
        (ARRIVED, [], 0, []),  # from abroad without quarantine: R5's manual review
        (ARRIVED, [stay(date(2022, 1, 26), date(2022, 2, 1))], None, []),  # 60 days before
        (ARRIVED, [], None, [("stays", "no_travel", None)]),
        (
            ARRIVED,
            [stay(date(2022, 1, 25), date(2022, 2, 1))],
            None,
            [("start", "stay_starts_too_early", 0)],
        ),
        (
            ARRIVED,
            [stay(date(2022, 3, 20), date(2022, 3, 28))],
            None,
            [("end", "stay_ends_after_arrival", 0)],
        ),
        (
            ARRIVED,
            [stay(date(2022, 3, 20), date(2022, 3, 25)), stay(date(2022, 3, 28), TODAY)],
            None,
            [("start", "stay_starts_after_arrival", 1)],  # one problem for the stay, not two
        ),
        (
            ARRIVED,
            [stay(date(1, 1, 1), date(9999, 12, 31))],
            None,
            [("start", "stay_starts_too_early", 0), ("end", "stay_ends_after_arrival", 0)],
        ),
    ],
)
def test_journey_problems(arrival_date, stays, abroad_days, problems):
    found = rules.journey_problems(
        arrival_date=arrival_date, stays=stays, abroad_quarantine_days=abroad_days
    )
    assert [(p.field, p.code, p.stay) for p in found] == problems


def test_a_verified_push_without_stays_is_no_arrival_to_refuse():
    found = rules.journey_problems(
        arrival_date=TODAY, stays=[], abroad_quarantine_days=None, needs_travel=False
    )
    assert found == []


@pytest.mark.parametrize(
    ("arrival_date", "problem"),
    [
        (date(2020, 1, 1), None),
        (TODAY, None),
        (date(2019, 12, 31), "arrival_too_early"),
        (date(1, 1, 1), "arrival_too_early"),
        (date(2022, 3, 29), "arrival_future"),
        (date(9999, 12, 31), "arrival_future"),
    ],
)
def test_arrival_date_problem(arrival_date, problem):
    assert rules.arrival_date_problem(arrival_date, today=TODAY) == problem
