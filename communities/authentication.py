from django.utils.translation import gettext_lazy as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from .services.tokens import token_is_expired


class ExpiringTokenAuthentication(TokenAuthentication):
    """DRF's token, refused (401) once older than API_TOKEN_DAYS; signing in again at
    /api/v1/auth/token/ issues a new one."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_is_expired(token):
            raise AuthenticationFailed(_("Token has expired; sign in again."))
        return user, token
