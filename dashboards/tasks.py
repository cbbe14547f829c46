"""Background jobs of the dashboards. Thin: a service call, done."""

from datetime import date, timedelta

from celery import shared_task
from django.utils import timezone

from . import reports, summary


@shared_task(soft_time_limit=240, time_limit=300, expires=300)
def refresh_task() -> int:
    """Today's summary rows of every node (beat: every 5 minutes)."""
    return summary.refresh()


@shared_task(soft_time_limit=240, time_limit=300)
def daily_reports_task(day: str | None = None) -> int:
    """The reports of the day before (beat: 06:00), or of `day` (YYYY-MM-DD)."""
    when = date.fromisoformat(day) if day else timezone.localdate() - timedelta(days=1)
    return reports.build(when)
