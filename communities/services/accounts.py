"""Passwords (issue 11): a temporary one from the district office, a reset by e-mail, a
change by the user. Each ends the user's API token."""

from axes.utils import reset as axes_reset
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.crypto import get_random_string
from django.utils.translation import gettext_noop

from .. import access
from ..models import User
from .tokens import token_revoke

# The admin's history of an account shows these, translated when shown, as changed fields.
RESET_BY_OFFICE = gettext_noop("password (temporary, to be changed at the next sign-in)")
RESET_BY_EMAIL = gettext_noop("password (reset by e-mail)")
# Nothing to misread when it is read out over the phone (no 0/o, 1/l/i).
TEMPORARY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def password_generate() -> str:
    """A temporary password to read out: three groups of four (about 59 bits)."""
    return "-".join(get_random_string(4, TEMPORARY_ALPHABET) for _group in range(3))


def _password_reset_record(*, user: User, by: User, what: str) -> None:
    """After a reset: the API token ends, the username's sign-in lock-out is lifted (the
    reset is the way back in), and the admin's history of the account records it."""
    token_revoke(user=user)
    axes_reset(username=user.get_username())
    LogEntry.objects.log_actions(
        user_id=by.pk,
        queryset=[user],
        action_flag=CHANGE,
        change_message=[{"changed": {"fields": [what]}}],
        single_object=True,
    )


@transaction.atomic
def password_reset_by_office(*, account: User, by: User, password: str = "") -> str:
    """Give `account` a temporary password, `password` or else a generated one, and
    return it; the user must set their own at the next sign-in. PermissionDenied for an
    account outside access.accounts_to_reset_for(by); ValidationError for a password the
    policy (AUTH_PASSWORD_VALIDATORS) refuses."""
    if not access.accounts_to_reset_for(by).filter(pk=account.pk).exists():
        raise PermissionDenied
    password = password or password_generate()
    validate_password(password, account)
    account.set_password(password)
    account.must_change_password = True
    account.save(update_fields=["password", "must_change_password"])
    _password_reset_record(user=account, by=by, what=RESET_BY_OFFICE)
    return password


@transaction.atomic
def password_changed(*, user: User) -> None:
    """After the user set their own password (the password page): the API token ends,
    and a temporary password no longer waits to be changed."""
    token_revoke(user=user)
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False


@transaction.atomic
def password_reset_by_email(*, user: User) -> None:
    """After the user set a new password from the e-mailed link (Django's form saved it):
    the API token ends, the lock-out is lifted, a temporary password no longer waits to be
    changed, and the admin's history of the account records the reset."""
    User.objects.filter(pk=user.pk).update(must_change_password=False)
    user.must_change_password = False
    _password_reset_record(user=user, by=user, what=RESET_BY_EMAIL)
