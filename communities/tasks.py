from celery import shared_task

from . import services


@shared_task(soft_time_limit=1800, time_limit=1900, acks_late=True)
def recompute_after_announcement_task(announcement_id: int) -> int:
    """Re-assess the residents a newly published announcement may affect."""
    return services.residents_reassess()
