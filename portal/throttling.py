"""The API's allowance per caller (issue 15): a signed-in user and an anonymous address each
get so many requests a minute (API_USER_RATE, API_ANON_RATE), then a 429 in the caller's
language with Retry-After. Read from the settings at each request (DRF's own classes read
them once, at import), counted in the default cache (Redis in production)."""

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


class UserThrottle(UserRateThrottle):
    def get_rate(self):
        return settings.API_USER_RATE


class AnonThrottle(AnonRateThrottle):
    def get_rate(self):
        return settings.API_ANON_RATE
