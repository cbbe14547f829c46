"""Sending notices, one at a time, and the dispatcher's claim of those that are due. A
notice is sent at most once (the claim); a channel that fails is retried with backoff. The
tasks run these; services.py creates the notices and queues their tasks."""

import logging
from datetime import datetime, timedelta

from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Case, F, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.sms import send_sms

from . import registry, texts
from .models import Notice

log = logging.getLogger(__name__)

State = Notice.State
Channel = Notice.Channel

BATCH = 500  # ids per dispatch run and rows per insert
MAX_ATTEMPTS = 5
FIRST_BACKOFF = timedelta(minutes=1)  # then 2, 4, 8 minutes
# Leases: while a send task waits in the queue or runs, dispatch does not look at its row.
# When a lease lapses the task is taken as lost: a queued one is queued again, a sending
# one (its worker died; longer than the send task's hard time limit) counts as a failed
# attempt. Only a worker dying between the gateway's answer and the next statement can
# then send a notice twice.
QUEUED_LEASE = timedelta(minutes=10)
SENDING_LEASE = timedelta(minutes=5)


class PermanentFailure(Exception):
    """No retry can deliver this notice (a user without an e-mail address)."""


def backoff(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: 1, 2, 4, 8 minutes."""
    return FIRST_BACKOFF * 2 ** (attempts - 1)


def _deliver(notice: Notice) -> None:
    """Hand the notice to its channel; raises when the channel fails."""
    if notice.channel == Channel.INAPP:
        if notice.recipient_id is None:
            raise PermanentFailure(_("An in-app notice needs a staff recipient."))
        return  # the row is the message: the inbox shows it once it is sent
    if notice.channel == Channel.EMAIL:
        address = notice.recipient.email if notice.recipient_id else ""
        if not address:
            raise PermanentFailure(_("The recipient has no e-mail address."))
        send_mail(
            subject=texts.email_subject(notice.kind),
            message=notice.text,
            from_email=None,
            recipient_list=[address],
        )
        return
    phone = notice.phone or (notice.recipient.phone if notice.recipient_id else "")
    if not phone:
        raise PermanentFailure(_("There is no phone number to send the text message to."))
    send_sms(phone=phone, text=notice.text)


def _record_failure(notice: Notice, error: str, *, permanent: bool) -> None:
    attempts = notice.attempts + 1
    if permanent or attempts >= MAX_ATTEMPTS:
        outcome = {"state": State.FAILED}
    else:
        outcome = {"state": State.PENDING, "next_attempt_at": timezone.now() + backoff(attempts)}
    Notice.objects.filter(pk=notice.pk, state=State.SENDING).update(
        attempts=attempts, last_error=error[:2000], **outcome
    )


def notice_send(*, notice_id: int) -> bool:
    """Send one pending notice on its channel; returns whether this call sent it.

    1. Claim the row, pending → sending, with a conditional update; only the caller that
       changed exactly one row goes on, so two workers never send the same notice.
    2. Ask the check registered for its kind whether it is still true (a booster recorded
       since the reminder was made): if not, it is cancelled, not sent.
    3. Send.
    4. Record the outcome: sent; pending again after a backoff (1, 2, 4, 8 minutes);
       failed after five attempts, or at once when no retry can help.
    Each step is its own statement, not one transaction: the claim must be visible to
    other workers before sending, and a gateway call must not hold a row lock for up to
    its timeout.
    """
    claimed = Notice.objects.filter(pk=notice_id, state=State.PENDING).update(
        state=State.SENDING, next_attempt_at=timezone.now() + SENDING_LEASE
    )
    if claimed != 1:
        return False
    notice = Notice.objects.select_related("recipient").get(pk=notice_id)
    check = registry.SEND_CHECKS.get(notice.kind)
    reason = check(notice) if check is not None else None
    if reason:
        Notice.objects.filter(pk=notice.pk, state=State.SENDING).update(
            state=State.CANCELLED, last_error=str(reason)[:2000]
        )
        return False
    try:
        _deliver(notice)
    except PermanentFailure as error:
        _record_failure(notice, str(error), permanent=True)
        return False
    except Exception as error:  # any failure of a channel (SMTP, HTTP, a backend) is retried
        log.warning(
            "notice %s: %s attempt %s failed: %r",
            notice.pk,
            notice.channel,
            notice.attempts + 1,
            error,
        )
        _record_failure(notice, f"{type(error).__name__}: {error}", permanent=False)
        return False
    Notice.objects.filter(pk=notice.pk, state=State.SENDING).update(
        state=State.SENT, sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
    )
    return True


def _recover_lost_sends(now: datetime) -> None:
    """Sends whose worker died (still sending past the lease) count as a failed attempt."""
    lost = Notice.objects.filter(state=State.SENDING, next_attempt_at__lte=now)
    error = _("The worker stopped while sending.")
    lost.filter(attempts__gte=MAX_ATTEMPTS - 1).update(
        state=State.FAILED, attempts=F("attempts") + 1, last_error=error
    )
    lost.update(
        state=State.PENDING,
        attempts=F("attempts") + 1,
        last_error=error,
        next_attempt_at=Case(
            *(When(attempts=n, then=Value(now + backoff(n + 1))) for n in range(MAX_ATTEMPTS)),
            default=Value(now),
        ),
    )


@transaction.atomic
def notices_due_claim(*, now: datetime | None = None, limit: int = BATCH) -> tuple[list[int], bool]:
    """Up to `limit` ids of pending notices whose time has come, oldest first, hidden
    from the next dispatch for QUEUED_LEASE because their send tasks are about to be
    queued; and whether more are due."""
    now = now or timezone.now()
    _recover_lost_sends(now)
    # SKIP LOCKED (PostgreSQL; ignored by SQLite): two dispatchers at once take different
    # rows instead of queuing the same ones twice.
    due = list(
        Notice.objects.select_for_update(skip_locked=True)
        .filter(state=State.PENDING, next_attempt_at__lte=now)
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[: limit + 1]
    )
    ids = due[:limit]
    Notice.objects.filter(pk__in=ids, state=State.PENDING).update(
        next_attempt_at=now + QUEUED_LEASE
    )
    return ids, len(due) > limit
