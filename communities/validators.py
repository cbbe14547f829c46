"""Form and model validators built on the pure rules."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from . import rules

ID_NUMBER_MESSAGES = {
    "format": _("An ID number has 17 digits followed by a digit or X."),
    "birth_date": _("The birth date inside this ID number is not a real date."),
    "checksum": _("This ID number fails the GB 11643 check digit; please check it again."),
}


def validate_id_number(value: str) -> None:
    problem = rules.id_number_problem(value)
    if problem:
        raise ValidationError(ID_NUMBER_MESSAGES[problem], code=f"id_number_{problem}")


def validate_mobile(value: str) -> None:
    if not rules.is_mobile(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, such as 13812345678."),
            code="mobile",
        )
