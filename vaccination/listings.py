"""Vaccination's lists as their pages filter them, `(user, params)` to the rows the page
shows (scoped by access.py), for the page and its export alike (exports.py): the residents
by status, age band and place, and the booster list."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone

from communities import access as core_access
from communities import selectors as core_selectors
from communities.models import Resident

from . import access, selectors


def _band(params: QueryDict):
    key = params.get("band", "")
    if not key:
        return None
    band = selectors.band_get(key)
    if band is None:
        raise Http404
    return band


def residents(user, params: QueryDict) -> QuerySet[Resident]:
    """接种情况: the user's residents with their status, by status (?status=), age band
    (?band=) and place (?node=)."""
    if not access.can_see_vaccination(user):
        raise PermissionDenied
    node = core_selectors.node_param(user=user, value=params.get("node"))
    return selectors.resident_list(
        core_access.residents_for(user),
        node=node,
        status=params.get("status", ""),
        band=_band(params),
        day=timezone.localdate(),
    )


def due(user, params: QueryDict):
    """加强针应种名单: the user's residents due a booster today, the longest due first, by
    place (?node=) and age band (?band=)."""
    if not access.can_see_vaccination(user):
        raise PermissionDenied
    today = timezone.localdate()
    states = core_selectors.within_node(
        access.states_for(user), user=user, value=params.get("node")
    )
    band = _band(params)
    states = selectors.due_states(
        states.select_related("resident__grid__parent"),
        policy=selectors.policy_on(today),
        day=today,
    )
    return states if band is None else states.filter(selectors.band_filter(band, today))
