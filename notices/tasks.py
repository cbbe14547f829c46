"""Thin tasks: ids in, a call of sending.py or a registered producer, a number out. Any of
them may run twice."""

from celery import shared_task

from . import registry, sending


@shared_task(soft_time_limit=30, time_limit=60, acks_late=True)
def notice_send_task(notice_id: int) -> bool:
    """Send one notice. No autoretry: a failed send is rescheduled by sending.py and
    queued again by dispatch, so the backoff lives in the database, not in the broker."""
    return sending.notice_send(notice_id=notice_id)


@shared_task(soft_time_limit=60, time_limit=90, acks_late=True)
def notices_dispatch_task() -> int:
    """Queue a send task for each of up to BATCH due notices; queue itself again while
    more are due. Beat runs it every minute."""
    ids, more = sending.notices_due_claim(limit=sending.BATCH)
    for notice_id in ids:
        notice_send_task.delay(notice_id)
    if more:
        notices_dispatch_task.delay()
    return len(ids)


@shared_task(soft_time_limit=600, time_limit=660, acks_late=True)
def reminders_task(kind: str) -> int:
    """Run the registered producer of one kind of reminder (beat passes the kind), then
    dispatch."""
    created = registry.PRODUCERS[kind]()
    if created:
        notices_dispatch_task.delay()
    return created
