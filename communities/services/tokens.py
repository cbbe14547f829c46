"""API tokens: a lifetime, a new one at sign-in once expired, none left after a password
change or a deactivation (issue 11)."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from rest_framework.authtoken.models import Token

from ..models import User


def token_is_expired(token: Token) -> bool:
    """Whether the token is older than API_TOKEN_DAYS."""
    return token.created <= timezone.now() - timedelta(days=settings.API_TOKEN_DAYS)


@transaction.atomic
def token_issue(*, user: User) -> Token:
    """The user's token for a sign-in: the current one while it lasts, else a new one."""
    token = Token.objects.select_for_update().filter(user=user).first()
    if token is not None and not token_is_expired(token):
        return token
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


@transaction.atomic
def token_revoke(*, user: User) -> None:
    """Delete the user's token (a password change, a deactivation): the API refuses it at
    once, and the next sign-in issues a new one."""
    Token.objects.filter(user=user).delete()
