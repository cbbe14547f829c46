"""Background jobs of communities. Thin: ids in, a service call, done."""

import logging
from datetime import date, timedelta

from celery import group, shared_task
from django.utils import timezone

from . import impact, recompute
from .models import Announcement, RecomputeRun

log = logging.getLogger(__name__)


def _fan_out(run: RecomputeRun) -> None:
    """One task per chunk, as a group: more workers on more machines finish sooner."""
    ids = list(run.chunks.values_list("pk", flat=True))
    if ids:
        group(recompute_chunk_task.s(chunk_id) for chunk_id in ids).apply_async()


@shared_task(soft_time_limit=120, time_limit=180)
def recompute_after_announcement_task(announcement_id: int) -> int:
    """Re-assess the residents a newly published announcement may affect."""
    run = recompute.run_start(
        kind=RecomputeRun.Kind.ANNOUNCEMENT,
        today=timezone.localdate(),
        announcement_id=announcement_id,
    )
    _fan_out(run)
    return run.pk


@shared_task(soft_time_limit=120, time_limit=180)
def nightly_release_task(today: str | None = None) -> int:
    """Release everyone whose measure ended (no open anomaly); queued by beat at night."""
    day = date.fromisoformat(today) if today else timezone.localdate()
    run = recompute.run_start(kind=RecomputeRun.Kind.NIGHTLY, today=day)
    _fan_out(run)
    return run.pk


@shared_task(bind=True, acks_late=True, soft_time_limit=300, time_limit=360, max_retries=3)
def recompute_chunk_task(self, chunk_id: int) -> int:
    """One chunk of a run. Safe to run twice (acks_late redelivers a chunk whose worker
    died): its writes are conditional on the state it read."""
    try:
        return recompute.chunk_run(chunk_id=chunk_id)
    except Exception as error:
        if self.request.retries < self.max_retries:
            raise self.retry(exc=error, countdown=30 * 2**self.request.retries) from error
        run_id = recompute.chunk_run_id(chunk_id=chunk_id)
        recompute.run_fail(run_id=run_id, error=f"chunk {chunk_id}: {error!r}")
        log.exception("recompute chunk %s failed", chunk_id)
        raise


MISSED_AFTER = timedelta(minutes=2)  # a run normally starts within seconds
MISSED_WITHIN = timedelta(days=2)


@shared_task(soft_time_limit=120, time_limit=180)
def recompute_missed_task() -> int:
    """Beat's safety net: an announcement whose recompute was never queued (the broker was
    down when it was published) gets its run now. Returns how many were started."""
    now = timezone.now()
    missed = Announcement.objects.filter(
        runs__isnull=True,
        published_at__lte=now - MISSED_AFTER,
        published_at__gte=now - MISSED_WITHIN,
    ).values_list("pk", flat=True)
    started = 0
    for announcement_id in missed:
        recompute_after_announcement_task.run(announcement_id)
        started += 1
    return started


@shared_task(bind=True, acks_late=True, soft_time_limit=120, time_limit=180)
def impact_preview_task(self, preview_id: int) -> bool:
    """The dry run of a candidate announcement (impact.preview_run). It writes nothing but
    its own row, so running it twice is harmless (a redelivered task starts it again)."""
    try:
        return impact.preview_run(preview_id=preview_id)
    except Exception as error:
        impact.preview_fail(preview_id=preview_id, error=repr(error))
        log.exception("impact preview %s failed", preview_id)
        raise
