"""The hotels' lists as their pages show them, for the page and its export alike."""

from django.core.exceptions import PermissionDenied
from django.db.models import Case, IntegerField, QuerySet, Value, When
from django.http import QueryDict
from django.utils import timezone

from . import access, rules, selectors
from .models import Hotel, Placement

# In use first, then the reserve, the hotels not yet accepted, the withdrawn.
STATE_ORDER = (Hotel.State.IN_USE, Hotel.State.ACCEPTED, Hotel.State.STANDBY, Hotel.State.WITHDRAWN)


def _manager(user) -> None:
    if not access.can_manage_hotels(user):
        raise PermissionDenied


def hotels(user, params: QueryDict) -> QuerySet[Hotel]:
    """The hotels of the user's districts, by district, state and name."""
    _manager(user)
    order = Case(
        *(When(state=state, then=Value(n)) for n, state in enumerate(STATE_ORDER)),
        output_field=IntegerField(),
    )
    return (
        access.hotels_for(user).select_related("district").order_by("district__name", order, "name")
    )


def placements(user, params: QueryDict) -> QuerySet[Placement]:
    """Who is placed now, by the day they are due out."""
    _manager(user)
    return (
        access.placements_for(user)
        .filter(left_on__isnull=True)
        .select_related("resident__grid__parent", "hotel", "room")
        .order_by("due_out", "hotel__name", "room__number")
    )


def staff(user, params: QueryDict) -> list[selectors.StaffRow]:
    """The staff and their certificates (?certificate= a state narrows them)."""
    _manager(user)
    rows = selectors.staff_rows(
        access.staff_for(user).select_related("district"), today=timezone.localdate()
    )
    wanted = params.get("certificate", "")
    if wanted in {state.value for state in rules.Certificate}:
        rows = [r for r in rows if r.certificate == wanted]
    return rows
