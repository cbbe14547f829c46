from datetime import date

import pytest

from communities import rules


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
    assert rules.id_number_problem(value) == problem


def test_made_id_numbers_pass_the_check():
    for seq in range(0, 1000, 37):
        number = rules.make_id_number("140105", date(1990, 5, 17), seq)
        assert rules.id_number_problem(number) is None


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
