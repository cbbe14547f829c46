"""What the apps give notices to run: the reminder producers, by kind, and the figures of
the street supervisor's morning digest. Each app registers its own (notices' in
reminders.py, the shops' re-inspection reminder in shops/reminders.py, both imported by
their AppConfig.ready); tasks.reminders_task and the digest run whatever is registered, so
notices imports no app that builds on it."""

from collections.abc import Callable
from datetime import date

# A producer takes `now` (None: the present) and returns how many notices it created.
Producer = Callable[..., int]
# Per street id, the digest's figures by name, for the streets given on the day given.
PerStreet = Callable[[set[int], date], dict[int, dict[str, int]]]

PRODUCERS: dict[str, Producer] = {}

# A check takes a notice about to be sent and returns why it is no longer true ("" or None:
# it still is, send it): a reminder whose cause went away meanwhile is cancelled.
Check = Callable[..., str | None]
SEND_CHECKS: dict[str, Check] = {}


# The names of the digest text's parameters that a function fills → the function; a street
# it does not name gets 0 for each.
DIGEST_FIGURES: dict[tuple[str, ...], PerStreet] = {}


def producer(kind: str) -> Callable[[Producer], Producer]:
    """Register the decorated function as the producer of reminders of `kind` (the
    argument beat gives tasks.reminders_task)."""

    def register(function: Producer) -> Producer:
        PRODUCERS[kind] = function
        return function

    return register


def digest_figures(*names: str) -> Callable[[PerStreet], PerStreet]:
    """Register the decorated function as what fills `names` in each street's digest."""

    def register(function: PerStreet) -> PerStreet:
        DIGEST_FIGURES[names] = function
        return function

    return register


def send_check(kind: str) -> Callable[[Check], Check]:
    """Register the decorated function as what a notice of `kind` must pass just before
    it is sent (notices.sending.notice_send)."""

    def register(function: Check) -> Check:
        SEND_CHECKS[kind] = function
        return function

    return register
