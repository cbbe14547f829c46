from celery import shared_task

from . import services


@shared_task(bind=True, soft_time_limit=30, time_limit=60)
def heartbeat_task(self) -> int:
    """Beat queues this every minute; the health page shows when a worker last ran it."""
    return services.heartbeat_record(worker=self.request.hostname or "unknown").pk
