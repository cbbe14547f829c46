"""The lists as their pages filter them, one function a list: `(user, params)` to the
queryset the page shows (scoped by access.py, filtered by the page's query string, in the
page's order). The page and its export (communities/exports.py) both call it, so that an
export holds exactly the rows of the list. A place outside the user's is a 404 and a list
the role may not open a 403, as on the page."""

from datetime import date, timedelta

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404, QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import access, selectors, selectors_appeals, selectors_care, selectors_review
from .models import (
    Anomaly,
    Appeal,
    CodeChangeProposal,
    ControlMeasure,
    DecisionReview,
    GridTask,
    HealthCode,
    HealthCodeEvent,
    NucleicAcidTest,
    RecomputeRun,
    Resident,
    User,
)
from .rules.policy import MeasureKind
from .selectors_care import ENDING_DAYS

UNSET = object()


def id_value(params: QueryDict, name: str) -> int:
    """The id in `name`; anything but a number is a 404, not a 500."""
    value = params.get(name, "")
    if not value.isdigit():
        raise Http404
    return int(value)


def day_value(params: QueryDict, name: str = "day") -> date | None:
    """A day (YYYY-MM-DD) in `name`, or None when absent or no date."""
    try:
        return date.fromisoformat(params.get(name, ""))
    except ValueError:
        return None


def residents(user: User, params: QueryDict, *, node=UNSET) -> QuerySet[Resident]:
    """居民: by name prefix, ID number or phone (?q=), code (?code=) and place (?node=)."""
    if node is UNSET:
        node = selectors.node_param(user=user, value=params.get("node"))
    return selectors.resident_list(
        user=user, query=params.get("q", ""), code=params.get("code", ""), node=node
    )


def arrivals(user: User, params: QueryDict):
    """返（抵）并报备记录: by place (?node=) and arrival day (?day=)."""
    if not access.can_file_arrivals(user):
        raise PermissionDenied
    reports = selectors.arrival_list(user=user)
    reports = selectors.within_node(
        reports, user=user, value=params.get("node"), prefix="community__"
    )
    day = day_value(params)
    return reports if day is None else reports.filter(arrival_date=day)


# The dashboards' counts of pending tests, as filters of the list (?due=).
DUE_FILTERS = {
    "today": lambda today: Q(due=today),
    "overdue": lambda today: Q(due__lt=today),
    "sampled": lambda today: Q(sampled_at__isnull=False),
}


def tests(user: User, params: QueryDict) -> QuerySet[NucleicAcidTest]:
    """核酸检测: pending tests due today or before, by place (?node=) and ?due=."""
    today = timezone.localdate()
    pending = selectors_care.pending_test_list(user=user, today=today)
    pending = selectors.within_node(pending, user=user, value=params.get("node"))
    due = params.get("due", "")
    return pending.filter(DUE_FILTERS[due](today)) if due in DUE_FILTERS else pending


def measures(user: User, params: QueryDict) -> QuerySet[ControlMeasure]:
    """管控措施 (the follow-up list): active measures, by ?missing=today, place (?node=),
    phase today (?kind=) and ?ending=3."""
    today = timezone.localdate()
    active = selectors_care.measure_list(user=user)
    if params.get("missing") == "today":
        active = selectors.missing_today(active, today=today)
    active = selectors.within_node(active, user=user, value=params.get("node"))
    kind = params.get("kind", "")
    if kind in set(MeasureKind):
        active = selectors_care.in_phase_today(active, kind=kind, today=today)
    if params.get("ending") == str(ENDING_DAYS):
        active = active.filter(end__gte=today, end__lt=today + timedelta(days=ENDING_DAYS))
    return active


def anomalies(user: User, params: QueryDict) -> QuerySet[Anomaly]:
    """异常待处置: the open anomalies, by place (?node=)."""
    if not access.can_resolve_anomalies(user):
        raise PermissionDenied
    queue = selectors_care.anomaly_queue(user=user)
    return selectors.within_node(queue, user=user, value=params.get("node"))


def tasks(user: User, params: QueryDict) -> QuerySet[GridTask]:
    """待办任务: the open tasks the user covers, by place (?node=), ?late=1, a grid
    worker's (?worker=) or nobody's (?unassigned=1)."""
    worker = None
    if params.get("worker"):
        workers = access.users_for(user).filter(role=User.Role.GRID_WORKER)
        worker = get_object_or_404(workers, pk=id_value(params, "worker"))
    open_tasks = selectors.open_tasks(
        user=user,
        late=params.get("late") == "1",
        worker=worker,
        unassigned=params.get("unassigned") == "1",
    )
    return selectors.within_node(
        open_tasks, user=user, value=params.get("node"), prefix="community__"
    )


def appeals(user: User, params: QueryDict) -> QuerySet[Appeal]:
    """申诉: by state (?state=, one of selectors_appeals.STATE_FILTERS) and place."""
    state = params.get("state", "")
    if state not in selectors_appeals.STATE_FILTERS:
        state = ""
    found = selectors_appeals.appeal_list(user=user, state=state)
    return selectors.within_node(found, user=user, value=params.get("node"))


def proposal_cards(user: User) -> QuerySet[CodeChangeProposal]:
    """The user's proposals with what a card shows: the people, and the resident's open
    anomalies (a release waits for them)."""
    return (
        access.proposals_for(user)
        .select_related("resident__grid__parent", "proposed_by", "decided_by")
        .prefetch_related(
            Prefetch(
                "resident__anomalies", queryset=Anomaly.objects.open(), to_attr="open_anomalies"
            )
        )
    )


def proposals(user: User, params: QueryDict) -> QuerySet[CodeChangeProposal]:
    """赋码变更提议: pending first, by state (?state=, pending unless given) and place."""
    found = proposal_cards(user).order_by("-state", "-proposed_at")
    state = params.get("state", CodeChangeProposal.State.PENDING)
    if state in CodeChangeProposal.State.values:
        found = found.filter(state=state)
    return selectors.within_node(found, user=user, value=params.get("node"))


def reviews(user: User, params: QueryDict) -> QuerySet[DecisionReview]:
    """待复核: by state (?state=, open unless given) and place."""
    if not access.can_see_reviews(user):
        raise PermissionDenied
    state = params.get("state", DecisionReview.State.OPEN)
    found = selectors_review.decision_review_list(user=user, state=state)
    return selectors.within_node(found, user=user, value=params.get("node"))


def code_events(user: User, params: QueryDict) -> QuerySet[HealthCodeEvent]:
    """赋码记录: every change of the user's residents' codes, the latest first; by place
    (?node=), the code changed to (?to=), the kind (?kind=) and the local day (?day=)."""
    if not access.works_with_residents(user):
        raise PermissionDenied
    events = (
        access.code_events_for(user)
        .select_related("resident__grid__parent", "actor")
        .order_by("-created_at", "-pk")
    )
    events = selectors.within_node(events, user=user, value=params.get("node"))
    if params.get("to") in HealthCode.values:
        events = events.filter(to_code=params["to"])
    if params.get("kind") in HealthCodeEvent.Kind.values:
        events = events.filter(kind=params["kind"])
    day = day_value(params)
    if day is not None:
        start, end = selectors.day_bounds(day)
        events = events.filter(created_at__gte=start, created_at__lt=end)
    return events


def runs(user: User, params: QueryDict) -> QuerySet[RecomputeRun]:
    """重算记录: the city office's, the latest first."""
    if not access.is_citywide(user):
        raise PermissionDenied
    return RecomputeRun.objects.select_related("announcement").order_by("-started_at", "-pk")
