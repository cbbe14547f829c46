"""The dry run of a candidate announcement (issue 14): requested from the preview pages,
computed by a task (communities/impact.py)."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from .. import policies
from ..models import ImpactPreview, User
from ..tasks import impact_preview_task

# A preview finished this long ago is shown again, not computed again; older, or of
# another day, it is computed afresh (arrivals and decisions have moved on since).
FRESH_FOR = timedelta(minutes=15)
# A preview still queued after this long was lost (the broker was down): queued again.
QUEUED_FOR = timedelta(minutes=2)


@transaction.atomic
def impact_preview_request(*, data: dict, by: User | None) -> ImpactPreview:
    """The preview of a validated, unsaved announcement: the row of its digest if it is
    under way or fresh, otherwise (re)started and queued once the transaction commits."""
    payload = policies.payload_of(data)
    digest = policies.canonical_digest(payload)
    now = timezone.now()
    today = timezone.localdate()
    preview, created = ImpactPreview.objects.get_or_create(
        digest=digest,
        defaults={"payload": payload, "today": today, "requested_by": by},
    )
    if not created and not _stale(preview, now, today):
        return preview
    if not created:
        # Conditional on the state read: of two requests at once, one restarts it.
        restarted = ImpactPreview.objects.filter(pk=preview.pk, state=preview.state).update(
            state=ImpactPreview.State.PENDING,
            today=today,
            requested_by=by,
            requested_at=now,
            chunks_done=0,
            errors="",
        )
        preview.refresh_from_db()
        if not restarted:
            return preview
    transaction.on_commit(lambda: impact_preview_task.delay(preview.pk), robust=True)
    return preview


def _stale(preview: ImpactPreview, now, today: date) -> bool:
    State = ImpactPreview.State
    if preview.state == State.FAILED or preview.today != today:
        return True
    if preview.state == State.PENDING:
        return preview.requested_at < now - QUEUED_FOR
    if preview.state == State.DONE:
        return preview.finished_at is None or preview.finished_at < now - FRESH_FOR
    return False  # running
