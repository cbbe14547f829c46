"""The hotels' jobs: thin wrappers over the services and selectors."""

from celery import shared_task

from . import selectors, services


@shared_task(soft_time_limit=240, time_limit=300)
def placements_end_task() -> int:
    """End the placements whose centralized quarantine is over (beat, every hour): the
    room goes to cleaning. Running it twice ends nothing more."""
    return services.placements_end()


@shared_task(soft_time_limit=240, time_limit=300)
def rosters_expire_task() -> int:
    """Take staff whose certificate expired off the rosters (beat, 00:05)."""
    return services.rosters_expire()


@shared_task(soft_time_limit=240, time_limit=300)
def occupancy_refresh_task() -> int:
    """Today's occupancy of every district, the chart's history (beat, every 15 minutes)."""
    return selectors.occupancy_refresh()
