"""The one read of the public status page (no sign-in): where a self-report or an appeal
stands, found by its reference and the last four digits of its phone. What it returns holds
nothing personal but a masked name: no ID number, phone, place, code or staff note."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from . import access, references, rules
from .models import Appeal, ArrivalReport, GridTask
from .selectors_appeals import Countdown, appeal_countdown

SELF_REPORT, APPEAL = "self_report", "appeal"

# A self-report's stages as the person reads them. A report still submitted whose task
# names a resident was handed to the grid that keeps that person's record
# (services.self_report_hand_over); a state this table does not know shows its own label.
SUBMITTED, HANDED_OVER, VERIFIED = "submitted", "handed_over", "verified"
SELF_REPORT_STAGES = {
    SUBMITTED: (
        ArrivalReport.State.SUBMITTED.label,
        _(
            "Your community verifies the report within 24 hours and will contact you; "
            "please keep your phone on."
        ),
    ),
    HANDED_OVER: (
        _("Handed over"),
        _(
            "You are registered with another community: the report was handed to it, and "
            "it verifies the report within 24 hours."
        ),
    ),
    VERIFIED: (
        _("Verified"),
        _(
            "Your community verified the report. It tells you your health code and any "
            "measure; please follow its instructions."
        ),
    ),
}
OTHER_NOTE = _("For the details, please contact your community.")
APPEAL_NOTES = {
    Appeal.State.FILED: _("Your community's grid worker verifies the appeal."),
    Appeal.State.VERIFIED: _("The district prevention office reviews the appeal."),
    Appeal.State.REVIEWED: _("The city prevention office decides the appeal."),
}
OUTCOME_NOTES = {
    Appeal.Outcome.RELEASED: _("Your health code was released to green."),
    Appeal.Outcome.UPHELD: _(
        "Your health code stays as it is. Your community's grid worker can tell you why."
    ),
}


@dataclass(frozen=True)
class Step:
    label: str
    at: datetime | None  # None: not reached yet


@dataclass(frozen=True)
class PublicStatus:
    kind: str  # SELF_REPORT or APPEAL
    reference: str
    masked_name: str
    filed_at: datetime
    stage: str
    stage_label: str
    note: str
    due_at: datetime | None = None  # while it waits: verification, or the 24-hour deadline
    countdown: Countdown | None = None
    outcome: str = ""
    steps: tuple[Step, ...] = ()


def public_status_get(*, reference: str, phone_last4: str, now: datetime) -> PublicStatus | None:
    """Where the self-report or appeal of this reference stands; None when the reference
    is unknown or malformed or the phone does not end in these digits (one answer for all,
    so that the page tells nothing about a reference alone)."""
    stored = references.reference_normalize(reference)
    if stored is None:
        return None
    if stored.startswith(references.APPEAL_PREFIX):
        qs = access.appeals_for_reference(stored, phone_last4).select_related("resident")
        appeal = qs.first()
        return _appeal_status(appeal, now=now) if appeal else None
    tasks = GridTask.objects.filter(kind=GridTask.Kind.VERIFY_SELF_REPORT).order_by("-pk")
    qs = access.arrivals_for_reference(stored, phone_last4).prefetch_related(
        Prefetch("tasks", queryset=tasks, to_attr="verify_tasks")
    )
    arrival = qs.first()
    return _self_report_status(arrival) if arrival else None


def _self_report_status(arrival: ArrivalReport) -> PublicStatus:
    task = arrival.verify_tasks[0] if arrival.verify_tasks else None
    if arrival.state == ArrivalReport.State.SUBMITTED:
        stage = HANDED_OVER if task and task.resident_id else SUBMITTED
    elif arrival.state == ArrivalReport.State.ASSESSED:
        stage = VERIFIED
    else:
        stage = arrival.state
    label, note = SELF_REPORT_STAGES.get(stage, (arrival.get_state_display(), OTHER_NOTE))
    waiting = bool(task and task.state == GridTask.State.OPEN and stage in {SUBMITTED, HANDED_OVER})
    return PublicStatus(
        kind=SELF_REPORT,
        reference=arrival.reference,
        masked_name=rules.mask_name(arrival.name),
        filed_at=arrival.created_at,
        stage=stage,
        stage_label=label,
        note=note,
        due_at=task.due_at if waiting else None,
    )


def _appeal_status(appeal: Appeal, *, now: datetime) -> PublicStatus:
    countdown = appeal_countdown(appeal, now=now)
    if appeal.state == Appeal.State.RESOLVED:
        note = OUTCOME_NOTES.get(appeal.outcome, OTHER_NOTE)
    else:
        note = APPEAL_NOTES.get(appeal.state, OTHER_NOTE)
    state = Appeal.State
    return PublicStatus(
        kind=APPEAL,
        reference=appeal.reference,
        masked_name=rules.mask_name(appeal.resident.name),
        filed_at=appeal.created_at,
        stage=appeal.state,
        stage_label=appeal.get_state_display(),
        note=note,
        due_at=appeal.due_at if countdown else None,
        countdown=countdown,
        outcome=appeal.get_outcome_display() if appeal.outcome else "",
        steps=(
            Step(state.FILED.label, appeal.created_at),
            Step(state.VERIFIED.label, appeal.verified_at),
            Step(state.REVIEWED.label, appeal.reviewed_at),
            Step(state.RESOLVED.label, appeal.resolved_at),
        ),
    )
