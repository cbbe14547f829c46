"""Creating notices. A notice is created at most once (its dedupe key) and queued for
sending once the transaction commits; sending.py sends it."""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.utils import timezone

from . import access
from .models import Notice
from .sending import BATCH
from .tasks import notice_send_task, notices_dispatch_task

State = Notice.State

# --- Creating ------------------------------------------------------------------------------


@transaction.atomic
def notice_create(
    *,
    kind: str,
    text: str,
    channel: str,
    dedupe_key: str,
    recipient=None,
    phone: str = "",
    resident=None,
    due_at: datetime | None = None,
) -> tuple[Notice, bool]:
    """One notice, queued for sending after commit; a second call with the same dedupe
    key changes nothing and returns the first notice with created False."""
    notice, created = Notice.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            "text": text,
            "channel": channel,
            "recipient": recipient,
            "phone": phone,
            "resident": resident,
            "due_at": due_at,
        },
    )
    if created:
        # robust: a broker that is down must not fail the request that saved the data;
        # dispatch, run every minute by beat, picks the notice up later.
        transaction.on_commit(lambda: notice_send_task.delay(notice.pk), robust=True)
    return notice, created


@transaction.atomic
def notices_create(*, notices: Iterable[Notice], dispatch: bool = True) -> int:
    """Store the notices whose dedupe keys are new (in batches; a concurrent insert of
    the same key is ignored by the unique index) and return how many were new. Unless
    told not to, queues a dispatch after commit."""
    notices = list(notices)
    created = 0
    for start in range(0, len(notices), BATCH):
        batch = {n.dedupe_key: n for n in notices[start : start + BATCH]}
        existing = set(
            Notice.objects.filter(dedupe_key__in=list(batch)).values_list("dedupe_key", flat=True)
        )
        new = [n for key, n in batch.items() if key not in existing]
        Notice.objects.bulk_create(new, ignore_conflicts=True)
        created += len(new)
    if created and dispatch:
        transaction.on_commit(lambda: notices_dispatch_task.delay(), robust=True)
    return created


# --- Sending again ------------------------------------------------------------------------


@transaction.atomic
def notices_retry(*, ids: Iterable[int]) -> int:
    """Give failed notices five more attempts, from now (the admin's action)."""
    count = Notice.objects.filter(pk__in=list(ids), state=State.FAILED).update(
        state=State.PENDING, attempts=0, next_attempt_at=timezone.now()
    )
    if count:
        transaction.on_commit(lambda: notices_dispatch_task.delay(), robust=True)
    return count


# --- The inbox -----------------------------------------------------------------------------


@transaction.atomic
def notices_mark_read(*, user, pk: int | None = None) -> int:
    """Mark the user's unread in-app notices read (only the one given by `pk`, if any);
    returns how many changed."""
    notices = access.notices_for(user).filter(read_at__isnull=True)
    if pk is not None:
        notices = notices.filter(pk=pk)
    return notices.update(read_at=timezone.now())
