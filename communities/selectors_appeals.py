"""Reads of appeals (误赋码申诉). Staff reads start from access.appeals_for; the one public
read finds the person by ID number and phone together."""

from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from . import access
from .models import APPEAL_REMIND_AFTER, Appeal, Resident, User

# DOMAIN.md §5: an appeal is resolved within 24 hours of filing (APPEAL_DEADLINE); the
# staff are reminded at 20 hours, so from then on an open appeal is shown as a warning.

# The state filter of the list: "open" is every state but resolved; "overdue" the open
# ones past their 24 hours (escalated to the district).
OPEN = "open"
OVERDUE = "overdue"
LATE = "late"  # open and filed 20 hours ago or more (the staff are reminded then)
STATE_FILTERS = (OPEN, OVERDUE, LATE, *Appeal.State.values)


@dataclass(frozen=True)
class Countdown:
    """The time left to an appeal's deadline, or how long it is overdue, in whole minutes."""

    overdue: bool
    warning: bool  # open and filed more than APPEAL_REMIND_AFTER ago
    hours: int
    minutes: int


def appeal_countdown(appeal: Appeal, *, now: datetime) -> Countdown | None:
    """None for a resolved appeal: its clock has stopped."""
    if appeal.state == Appeal.State.RESOLVED:
        return None
    overdue = now >= appeal.due_at
    span = now - appeal.due_at if overdue else appeal.due_at - now
    minutes = int(span.total_seconds()) // 60
    return Countdown(
        overdue=overdue,
        warning=now - appeal.created_at >= APPEAL_REMIND_AFTER,
        hours=minutes // 60,
        minutes=minutes % 60,
    )


def appeal_list(*, user: User, state: str = "") -> QuerySet[Appeal]:
    """The user's appeals: open ones first, soonest due first; then the resolved ones,
    most recently due first. `state` is one of STATE_FILTERS, or empty for all."""
    resolved = Appeal.State.RESOLVED
    qs = access.appeals_for(user).select_related("resident__grid__parent")
    if state == OPEN:
        qs = qs.exclude(state=resolved)
    elif state == OVERDUE:
        qs = qs.exclude(state=resolved).filter(due_at__lte=timezone.now())
    elif state == LATE:
        qs = qs.exclude(state=resolved).filter(created_at__lte=timezone.now() - APPEAL_REMIND_AFTER)
    elif state in Appeal.State.values:
        qs = qs.filter(state=state)
    return qs.order_by(
        Case(When(state=resolved, then=Value(1)), default=Value(0), output_field=IntegerField()),
        # Within the open group the first key decides; for resolved rows it is NULL for
        # all of them, so the second key orders those.
        Case(When(~Q(state=resolved), then=F("due_at"))).asc(),
        F("due_at").desc(),
        "pk",
    )


def appeal_get(*, user: User, pk) -> Appeal:
    """One appeal within the user's scope (a 404 outside it), with everyone who acted."""
    qs = access.appeals_for(user).select_related(
        "resident__grid__parent", "filed_by", "verified_by", "reviewed_by", "resolved_by"
    )
    return get_object_or_404(qs, pk=pk)


def resident_for_appeal(*, id_number: str, phone: str) -> Resident | None:
    """The person filing a public appeal, found only by ID number and phone together, so
    that the public form reveals nothing about an ID number alone."""
    return access.residents_to_match().filter(id_number=id_number, phone=phone).first()


def evidence_file(appeal: Appeal) -> FileResponse:
    """The appeal's negative test report as a download (never a media URL): the page's
    and the API's. No file, or one gone from the disk, is a 404."""
    if not appeal.evidence:
        raise Http404
    try:
        file = appeal.evidence.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    extension = PurePath(appeal.evidence.name).suffix.lower()
    return FileResponse(file, as_attachment=True, filename=f"appeal-{appeal.pk}{extension}")
