"""Abuse limits of the public forms, kept in the shared cache so that they hold across web
workers: a sliding window of slots per key (an IP address, a hashed ID number)."""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.utils.crypto import salted_hmac

log = logging.getLogger(__name__)
UNCHECKED = "unchecked"  # the slot given when the cache cannot be reached


def slot_claim(key: str, limit: int, window: timedelta) -> str | None:
    """Claim one of `limit` slots of `key`, each held for `window`; None when all are
    taken. Slots rather than a counter: each slot keeps its own expiry, so the window
    slides, whereas `cache.incr` on the file cache resets the expiry to the default.
    `cache.add` is atomic on Redis (SET NX); on the file cache two requests at the same
    instant may share a slot, which a rate limit can afford."""
    try:
        for n in range(limit):
            slot = f"{key}:{n}"
            if cache.add(slot, 1, timeout=int(window.total_seconds())):
                return slot
    except Exception:
        # The cache is Redis in production: with Redis down, people can still report
        # (fail open) rather than meet an error page; the limit resumes with Redis.
        log.warning("rate limit %s not checked: the cache is unreachable", key, exc_info=True)
        return UNCHECKED
    return None


def slots_release(*slots: str | None) -> None:
    """Give slots back (the submission was not stored after all)."""
    held = [slot for slot in slots if slot and slot != UNCHECKED]
    try:
        cache.delete_many(held)
    except Exception:
        log.warning("rate-limit slots not released: the cache is unreachable", exc_info=True)


def ip_key(form: str, request) -> str:
    # REMOTE_ADDR: behind a reverse proxy, the proxy must pass the client address there.
    return f"{form}:ip:" + request.META.get("REMOTE_ADDR", "")


def id_key(form: str, id_number: str) -> str:
    # Hashed: the cache is no place for identity numbers.
    return f"{form}:id:" + salted_hmac(form, id_number).hexdigest()


def user_key(form: str, user) -> str:
    return f"{form}:user:{user.pk}"


def venue_report_slot(user) -> str | None:
    """One of the user's venue reports of the hour (VENUE_REPORTS_PER_HOUR), or None."""
    return slot_claim(
        user_key("venue-report", user), settings.VENUE_REPORTS_PER_HOUR, timedelta(hours=1)
    )
