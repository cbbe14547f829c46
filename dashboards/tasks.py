"""Background jobs of the dashboards. Thin: a service call, done."""

from celery import shared_task

from . import summary


@shared_task(soft_time_limit=240, time_limit=300, expires=300)
def refresh_task() -> int:
    """Today's summary rows of every node (beat: every 5 minutes)."""
    return summary.refresh()
