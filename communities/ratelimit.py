"""Abuse limits of the public forms, kept in the shared cache so that they hold across web
workers: a sliding window of slots per key (an IP address, a hashed ID number)."""

from datetime import timedelta

from django.core.cache import cache
from django.utils.crypto import salted_hmac


def slot_claim(key: str, limit: int, window: timedelta) -> str | None:
    """Claim one of `limit` slots of `key`, each held for `window`; None when all are
    taken. Slots rather than a counter: each slot keeps its own expiry, so the window
    slides, whereas `cache.incr` on the file cache resets the expiry to the default.
    `cache.add` is atomic on Redis (SET NX); on the file cache two requests at the same
    instant may share a slot, which a rate limit can afford."""
    for n in range(limit):
        slot = f"{key}:{n}"
        if cache.add(slot, 1, timeout=int(window.total_seconds())):
            return slot
    return None


def slots_release(*slots: str | None) -> None:
    """Give slots back (the submission was not stored after all)."""
    cache.delete_many([slot for slot in slots if slot])


def ip_key(form: str, request) -> str:
    # REMOTE_ADDR: behind a reverse proxy, the proxy must pass the client address there.
    return f"{form}:ip:" + request.META.get("REMOTE_ADDR", "")


def id_key(form: str, id_number: str) -> str:
    # Hashed: the cache is no place for identity numbers.
    return f"{form}:id:" + salted_hmac(form, id_number).hexdigest()
