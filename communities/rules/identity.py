"""Pure rules about people and places: no ORM, no clock.

GB 11643-1999 defines the citizen identity number: 6 digits of the issuing county
(GB/T 2260), 8 of the birth date, 3 of sequence and a check character computed with
ISO 7064 MOD 11-2.
"""

import re
from collections.abc import Mapping
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
# Mainland mobile numbers: 11 digits starting with 1 and a second digit of 3-9.
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")
MAX_AGE_YEARS = 120  # a birth date further back is a typing error (DOMAIN.md section 2)
# What identifies a person besides the ID number: filing for a registered ID number with
# other values of these asks the filer to confirm that it is the same person.
IDENTITY_FIELDS = ("name", "phone")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def birth_date_of(id_number: str) -> date:
    """The birth date an 18-digit identity number holds (digits 7 to 14); ValueError when
    they are no date."""
    return date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))


def id_number_problem(value: str, *, today: date) -> str | None:
    """Why `value` is not a plausible 18-digit identity number on `today`, or None if it
    is: its format, its birth date (a real date, not after today, at most MAX_AGE_YEARS
    before it) and its check character."""
    value = normalize_id_number(value)
    if not ID_PATTERN.match(value):
        return "format"
    try:
        birth = birth_date_of(value)
    except ValueError:
        return "birth_date"
    if id_check_char(value[:17]) != value[17]:
        return "checksum"
    if birth > today:
        return "born_future"
    if birth < years_before(today, MAX_AGE_YEARS):
        return "born_too_long_ago"
    return None


def make_id_number(county_code: str, birth: date, sequence: int) -> str:
    """A valid identity number (used to seed demo and benchmark data)."""
    first17 = f"{county_code}{birth:%Y%m%d}{sequence % 1000:03d}"
    return first17 + id_check_char(first17)


def is_mobile(value: str) -> bool:
    return bool(MOBILE_PATTERN.match(value.strip()))


def mask_id_number(value: str) -> str:
    """140105********1234: region kept, birth date and sequence hidden."""
    if len(value) < 10:
        return "*" * len(value)
    return value[:6] + "*" * (len(value) - 10) + value[-4:]


def mask_phone(value: str) -> str:
    """138****5678."""
    if len(value) < 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_name(value: str) -> str:
    """张*, 欧阳*华: the first and (from three characters) the last character kept."""
    if len(value) < 2:
        return "*" * len(value)
    if len(value) == 2:
        return value[0] + "*"
    return value[0] + "*" * (len(value) - 2) + value[-1]


IDENTITY_MASKS = {"name": mask_name, "phone": mask_phone}


def identity_differences(registered: Mapping, typed: Mapping) -> dict[str, tuple[str, str]]:
    """The identity fields whose typed value is not the registered one (white space
    around a value does not count): {field: (registered, typed)}."""
    return {
        field: (registered[field], typed[field])
        for field in IDENTITY_FIELDS
        if registered[field].strip() != typed[field].strip()
    }


def identity_differences_masked(differences: Mapping) -> dict[str, dict[str, str]]:
    """The differences as a filer may see them: the registered values masked as lists
    mask them, the typed values as typed."""
    return {
        field: {"registered": IDENTITY_MASKS[field](registered), "typed": typed}
        for field, (registered, typed) in differences.items()
    }


def identity_change_rows(changes: Mapping, *, full: bool = False) -> list[tuple[str, str, str]]:
    """An IdentityChange's {"field": [before, after]} as (field, before, after) rows,
    masked as lists mask them unless `full`."""
    masks = {} if full else IDENTITY_MASKS
    return [
        (field, *(masks.get(field, str)(value) for value in (before, after)))
        for field, (before, after) in changes.items()
    ]
