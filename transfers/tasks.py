"""Background jobs of the exports. Thin: a service call, done."""

from celery import shared_task
from django.conf import settings

from . import checking, jobs


@shared_task(soft_time_limit=settings.EXPORT_TIME_LIMIT, time_limit=settings.EXPORT_TIME_LIMIT + 60)
def export_run_task(export_id: int) -> bool:
    """Write one large export's file (queued by services.export_start)."""
    return jobs.export_run(export_id=export_id)


@shared_task(soft_time_limit=240, time_limit=300)
def exports_expire_task() -> int:
    """Delete the files kept past their days (beat: 03:30)."""
    return jobs.exports_expire()


@shared_task(soft_time_limit=settings.EXPORT_TIME_LIMIT, time_limit=settings.EXPORT_TIME_LIMIT + 60)
def import_check_task(import_id: int) -> bool:
    """The dry run of a large upload (queued by importing.import_upload)."""
    return checking.import_check(import_id=import_id)


@shared_task(soft_time_limit=settings.EXPORT_TIME_LIMIT, time_limit=settings.EXPORT_TIME_LIMIT + 60)
def import_store_task(import_id: int) -> bool:
    """Store a large confirmed upload, all rows or none (queued by importing.import_confirm)."""
    return checking.import_store(import_id=import_id)
