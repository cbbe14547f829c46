"""Sign-in lock-out (django-axes) with two limits (issue 11).

Axes compares one count with one limit: the largest count over AXES_LOCKOUT_PARAMETERS
against AXES_FAILURE_LIMIT. Locking a username alone let anyone lock the city office out
with five requests; locking an address alone would lock a whole office behind one NAT
after one person's typos. So the pair (username, address) counts against
AXES_FAILURE_LIMIT, and the address alone, across usernames, against the higher
AXES_ADDRESS_FAILURE_LIMIT.
"""

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_parameters, get_client_username, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import Sum

PAIR = frozenset({"username", "ip_address"})
ADDRESS = frozenset({"ip_address"})


class PairAndAddressHandler(AxesDatabaseHandler):
    """Axes' database handler, counting as above: the pair's failures, or the failure
    limit itself once the address's failures reach the address limit (which locks every
    username at that address)."""

    def __init__(self):
        super().__init__()
        params = settings.AXES_LOCKOUT_PARAMETERS
        found = {frozenset([p] if isinstance(p, str) else p) for p in params}
        if not {PAIR, ADDRESS} <= found:
            raise ImproperlyConfigured(
                'PairAndAddressHandler needs AXES_LOCKOUT_PARAMETERS = [["username", '
                '"ip_address"], "ip_address"].'
            )

    def _failures(self, request, credentials) -> dict[frozenset, int]:
        """Recent failures by lockout parameter: {PAIR: n, ADDRESS: m}."""
        username = get_client_username(request, credentials)
        params = get_client_parameters(
            username, request.axes_ip_address, request.axes_user_agent, request, credentials
        )
        # get_user_attempts builds its querysets from the same parameters, in this order
        attempts = self.get_user_attempts(request, credentials)
        return {
            frozenset(filters): qs.aggregate(n=Sum("failures_since_start"))["n"] or 0
            for filters, qs in zip(params, attempts, strict=True)
        }

    def get_failures(self, request, credentials=None) -> int:
        failures = self._failures(request, credentials)
        if failures[ADDRESS] >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return max(failures[PAIR], get_failure_limit(request, credentials))
        return failures[PAIR]

    def reset_user_attempts(self, request, credentials=None) -> int:
        """A sign-in clears its own username's failures at its address, and no more.
        Axes' default clears every combination, the address's included: one account of
        one's own would then wipe out the failures with everyone else's."""
        username = get_client_username(request, credentials)
        count, _by_model = AccessAttempt.objects.filter(
            username=username, ip_address=request.axes_ip_address
        ).delete()
        return count
