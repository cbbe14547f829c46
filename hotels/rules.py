"""Pure rules of the quarantine hotels (issue 16): a staff member's certificate (上岗证) and
what it allows, the day's checklist (三巡查、两监测、两消毒、日报告) and when it is missing, a
room's next state, and the days of a measure's centralized quarantine. No Django, no
clock: the day and the time are given.

The seeds: "开展专业化全流程检查验收，确保备齐备足、严格达标"; the 尖草坪区 training with a
上岗证 for those who pass; "督促在用隔离场所从严落实'标准防护、三巡查、两监测、两消毒、日报告'".
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum

# A certificate expiring within this many days is flagged to the district.
EXPIRY_WARNING_DAYS = 14
CENTRALIZED = "centralized_quarantine"


# --- Certificates ---------------------------------------------------------------------------


class Certificate(StrEnum):
    NONE = "none"  # no certificate on record
    NOT_YET = "not_yet"  # issued after the day
    VALID = "valid"
    EXPIRING = "expiring"  # valid, ending within EXPIRY_WARNING_DAYS
    EXPIRED = "expired"


def certificate_state(issued: date | None, valid_until: date | None, *, today: date) -> Certificate:
    """The state of a certificate on `today` (valid through its last day)."""
    if issued is None or valid_until is None:
        return Certificate.NONE
    if today < issued:
        return Certificate.NOT_YET
    if today > valid_until:
        return Certificate.EXPIRED
    if (valid_until - today).days <= EXPIRY_WARNING_DAYS:
        return Certificate.EXPIRING
    return Certificate.VALID


# Which of a person's certificates speaks for them: the most useful state first.
_PREFERENCE = (
    Certificate.VALID,
    Certificate.EXPIRING,
    Certificate.NOT_YET,
    Certificate.EXPIRED,
    Certificate.NONE,
)


def best_certificate(
    certificates: Iterable[tuple[date, date]], *, today: date
) -> tuple[Certificate, date | None]:
    """(state, valid until) of the certificate that speaks for a person with these
    (issued, valid until) certificates: a valid one before one not yet valid before an
    expired one; among the same state, the one valid longest."""
    found = [
        (certificate_state(issued, until, today=today), until) for issued, until in certificates
    ]
    if not found:
        return Certificate.NONE, None
    return min(found, key=lambda f: (_PREFERENCE.index(f[0]), -f[1].toordinal()))


def may_be_rostered(state: Certificate) -> bool:
    """Only a valid certificate puts a person on a hotel's roster (one expiring soon is
    still valid: it is flagged, not refused)."""
    return state in {Certificate.VALID, Certificate.EXPIRING}


# --- The day's checklist ----------------------------------------------------------------------


@dataclass(frozen=True)
class Item:
    key: str
    due: time  # by when it is done on its day


# 三巡查 (three rounds), 两监测 (two monitorings of temperature and symptoms), 两消毒 (two
# disinfections), 日报告 (the day's report to the district), each by its time.
ITEMS = (
    Item("round_1", time(9, 0)),
    Item("monitor_1", time(10, 0)),
    Item("disinfect_1", time(11, 0)),
    Item("round_2", time(15, 0)),
    Item("monitor_2", time(16, 0)),
    Item("disinfect_2", time(17, 0)),
    Item("round_3", time(20, 0)),
    Item("report", time(21, 0)),
)
ITEM_KEYS = tuple(item.key for item in ITEMS)
DUE_AT = {item.key: item.due for item in ITEMS}
# The checklist is missing when an item is not ticked by its time; the whole day's is
# due by the last item's time.
CHECKLIST_DUE = max(item.due for item in ITEMS)


def missing_items(ticked: Iterable[str], *, day: date, now: datetime) -> list[str]:
    """The items of `day`'s checklist not ticked whose time has passed at `now` (a naive
    local time, as the day's): every unticked item for a past day."""
    done = set(ticked)
    return [
        item.key
        for item in ITEMS
        if item.key not in done and datetime.combine(day, item.due) <= now
    ]


def complete(ticked: Iterable[str]) -> bool:
    return set(ITEM_KEYS) <= set(ticked)


# --- Rooms -------------------------------------------------------------------------------------


class Room(StrEnum):
    FREE = "free"
    OCCUPIED = "occupied"
    CLEANING = "cleaning"
    OUT_OF_SERVICE = "out_of_service"


def room_after_leaving(people_left: int) -> Room:
    """A room whose last guest left goes to cleaning; it stays occupied while a family
    member is still in it."""
    return Room.OCCUPIED if people_left > 0 else Room.CLEANING


# --- The centralized quarantine of a measure ---------------------------------------------------


@dataclass(frozen=True)
class Window:
    first: date
    last: date


def centralized_window(phases: Iterable[Mapping], start: date) -> Window | None:
    """The first and last day of the measure's centralized quarantine (phases back to back
    from `start`, or with their own start and end), or None when it has none."""
    for phase in phases:
        first = date.fromisoformat(phase["start"]) if "start" in phase else start
        if "end" in phase:
            last = date.fromisoformat(phase["end"])
        else:
            last = first + timedelta(days=int(phase["days"]) - 1)
        if phase.get("kind") == CENTRALIZED:
            return Window(first, last)
        start = last + timedelta(days=1)
    return None
