"""Form and model validators built on the pure rules."""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import rules
from .rules.journey import EARLIEST_ARRIVAL, STAY_DAYS_BEFORE, Problem

ID_NUMBER_MESSAGES = {
    "format": _("An ID number has 17 digits followed by a digit or X."),
    "birth_date": _("The birth date inside this ID number is not a real date."),
    "checksum": _("This ID number fails the GB 11643 check digit; please check it again."),
    "born_future": _("The birth date inside this ID number is in the future."),
    "born_too_long_ago": _(
        "The birth date inside this ID number is more than %(years)s years ago."
    ),
}

# The refusals of rules.journey, by problem code; each names its field.
JOURNEY_MESSAGES = {
    "arrival_too_early": _("The arrival date cannot be before %(day)s."),
    "arrival_future": _("The arrival date cannot be after today."),
    "no_travel": _(
        "An arrival needs at least one stay of the 14 days before arrival, or the days "
        "quarantined at the first entry point (from abroad)."
    ),
    "stay_starts_after_arrival": _("A stay starts after the arrival date."),
    "stay_starts_too_early": _("A stay cannot start more than %(days)s days before arrival."),
    "stay_ends_after_arrival": _("A stay cannot end after the arrival date."),
}
MESSAGE_PARAMS = {
    "born_too_long_ago": {"years": rules.identity.MAX_AGE_YEARS},
    "arrival_too_early": {"day": EARLIEST_ARRIVAL.isoformat()},
    "stay_starts_too_early": {"days": STAY_DAYS_BEFORE},
}


def _message(messages: dict, code: str) -> str:
    params = MESSAGE_PARAMS.get(code)
    return messages[code] % params if params else messages[code]


def id_number_message(problem: str) -> str:
    """The words for a problem of rules.id_number_problem."""
    return _message(ID_NUMBER_MESSAGES, problem)


def journey_message(problem: Problem) -> str:
    """The words for a problem of rules.journey_problems."""
    return _message(JOURNEY_MESSAGES, problem.code)


def validate_arrival_date(value) -> None:
    problem = rules.arrival_date_problem(value, today=timezone.localdate())
    if problem:
        raise ValidationError(_message(JOURNEY_MESSAGES, problem), code=problem)


def validate_id_number(value: str) -> None:
    problem = rules.id_number_problem(value, today=timezone.localdate())
    if problem:
        raise ValidationError(id_number_message(problem), code=f"id_number_{problem}")


def validate_mobile(value: str) -> None:
    if not rules.is_mobile(value):
        raise ValidationError(
            _("Enter an 11-digit mainland mobile number, such as 13812345678."),
            code="mobile",
        )


class UsernameNotInPasswordValidator:
    """A password validator (AUTH_PASSWORD_VALIDATORS): the username, in any case, is not
    part of the password ("grid3grid3", "Grid3-2022!")."""

    def validate(self, password: str, user=None) -> None:
        username = (getattr(user, "username", "") or "").casefold()
        if username and username in password.casefold():
            raise ValidationError(
                _("The password cannot contain the username."), code="password_has_username"
            )

    def get_help_text(self) -> str:
        return _("Your password cannot contain your username.")
