"""Pure rules about people and places: no ORM, no clock.

GB 11643-1999 defines the citizen identity number: 6 digits of the issuing county
(GB/T 2260), 8 of the birth date, 3 of sequence and a check character computed with
ISO 7064 MOD 11-2.
"""

import re
from datetime import date

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK_CHARS = "10X98765432"
ID_PATTERN = re.compile(r"^\d{17}[\dX]$")
# Mainland mobile numbers: 11 digits starting with 1 and a second digit of 3-9.
MOBILE_PATTERN = re.compile(r"^1[3-9]\d{9}$")


def id_check_char(first17: str) -> str:
    """The GB 11643 check character of the first 17 digits."""
    total = sum(int(d) * w for d, w in zip(first17, ID_WEIGHTS, strict=True))
    return ID_CHECK_CHARS[total % 11]


def normalize_id_number(value: str) -> str:
    return value.strip().upper()


def id_number_problem(value: str) -> str | None:
    """Why `value` is not a valid 18-digit identity number, or None if it is."""
    value = normalize_id_number(value)
    if not ID_PATTERN.match(value):
        return "format"
    try:
        date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return "birth_date"
    if id_check_char(value[:17]) != value[17]:
        return "checksum"
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
