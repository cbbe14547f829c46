"""Pure rules: no ORM, no clock. Identity numbers and masks (identity), plausible
journeys (journey), health-code assessment (codes) and the policy it reads (policy)."""

from .identity import (
    id_check_char,
    id_number_problem,
    identity_change_rows,
    identity_differences,
    identity_differences_masked,
    is_mobile,
    make_id_number,
    mask_id_number,
    mask_name,
    mask_phone,
    normalize_id_number,
)
from .journey import arrival_date_problem, journey_problems

__all__ = [
    "arrival_date_problem",
    "id_check_char",
    "id_number_problem",
    "identity_change_rows",
    "identity_differences",
    "identity_differences_masked",
    "is_mobile",
    "journey_problems",
    "make_id_number",
    "mask_id_number",
    "mask_name",
    "mask_phone",
    "normalize_id_number",
]
