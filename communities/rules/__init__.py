"""Pure rules: no ORM, no clock. Identity numbers and masks (identity), health-code
assessment (codes) and the policy it reads (policy)."""

from .identity import (
    id_check_char,
    id_number_problem,
    is_mobile,
    make_id_number,
    mask_id_number,
    mask_phone,
    normalize_id_number,
)

__all__ = [
    "id_check_char",
    "id_number_problem",
    "is_mobile",
    "make_id_number",
    "mask_id_number",
    "mask_phone",
    "normalize_id_number",
]
