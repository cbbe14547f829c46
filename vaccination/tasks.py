"""Vaccination's jobs: thin wrappers (ids in, a module's function out)."""

from celery import shared_task

from . import coverage, states


@shared_task(soft_time_limit=240, time_limit=300)
def states_of_product_task(product_id: int, after: int = 0) -> int | None:
    """The status of the residents given a product whose course changed, a batch a run,
    re-queued while some are left (running twice writes the same statuses)."""
    last = states.states_of_product(product_id=product_id, after=after)
    if last is not None:
        states_of_product_task.delay(product_id, last)
    return last


@shared_task(soft_time_limit=540, time_limit=600)
def coverage_refresh_task() -> int:
    """Today's coverage rows of every node (beat, every hour)."""
    return coverage.refresh()
