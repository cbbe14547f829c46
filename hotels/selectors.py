"""Reads of the quarantine hotels: each district's rooms beside its reserve target, the
occupancy by day, the people waiting for a room, the checklists missing, the
certificates expiring; each from a user's scope (access.py)."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import access as core_access
from communities.models import ControlMeasure, Jurisdiction
from communities.rules.policy import MeasureKind
from communities.selectors_care import in_phase_today

from . import access, rules
from .models import Checklist, Hotel, OccupancyDay, Placement, ReserveTarget, Room, StaffMember

State = Hotel.State
RoomState = Room.State
HISTORY_DAYS = 30
# The figures of a district's day, as Rooms holds them and OccupancyDay keeps them.
OCCUPANCY = ("in_use", "occupied", "free", "cleaning", "standby", "target", "placed")


@dataclass
class Rooms:
    """A district's rooms today: of its hotels in use, by state; of its accepted
    hotels held in reserve; its target; the people placed and those waiting."""

    district: Jurisdiction
    in_use: int = 0
    occupied: int = 0
    free: int = 0
    cleaning: int = 0
    out_of_service: int = 0
    standby: int = 0
    target: int = 0
    placed: int = 0

    @property
    def ready(self) -> int:
        """Rooms ready to take people: free in hotels in use, and the reserve's."""
        return self.free + self.standby

    @property
    def short(self) -> int:
        return max(self.target - self.ready, 0)


def rooms_by_district(districts: list[Jurisdiction]) -> list[Rooms]:
    """Each district's Rooms: two grouped queries over the rooms and the placements."""
    out = {d.pk: Rooms(district=d) for d in districts}
    rows = (
        Room.objects.filter(hotel__district__in=list(out))
        .exclude(hotel__state__in=[State.STANDBY, State.WITHDRAWN])
        .values_list("hotel__district_id", "hotel__state", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for district_id, hotel_state, room_state, n in rows:
        rooms = out[district_id]
        if hotel_state == State.ACCEPTED:
            rooms.standby += n if room_state == RoomState.FREE else 0
            continue
        rooms.in_use += n
        setattr(rooms, room_state, getattr(rooms, room_state) + n)
    for district_id, rooms in ReserveTarget.objects.filter(district__in=list(out)).values_list(
        "district_id", "rooms"
    ):
        out[district_id].target = rooms
    placed = (
        Placement.objects.filter(left_on__isnull=True, hotel__district__in=list(out))
        .values_list("hotel__district_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for district_id, n in placed:
        out[district_id].placed = n
    return list(out.values())


def history(districts: list[Jurisdiction], today: date) -> list[dict]:
    """The last HISTORY_DAYS days of the districts together: {day, occupied, free,
    standby, target, placed} (a day without a row is left out)."""
    since = today - timedelta(days=HISTORY_DAYS - 1)
    totals: dict[date, dict] = defaultdict(lambda: defaultdict(int))
    rows = OccupancyDay.objects.filter(district__in=districts, day__gte=since).order_by("day")
    for row in rows:
        for name in OCCUPANCY:
            totals[row.day][name] += getattr(row, name)
    return [{"day": day, **values} for day, values in sorted(totals.items())]


@transaction.atomic
def occupancy_refresh(now: datetime | None = None) -> int:
    """Write today's OccupancyDay of every district (a row replaced); returns how many."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    districts = list(Jurisdiction.objects.filter(level=Jurisdiction.Level.DISTRICT))
    rows = [
        OccupancyDay(
            district=r.district,
            day=today,
            refreshed_at=now,
            **{name: getattr(r, name) for name in OCCUPANCY},
        )
        for r in rooms_by_district(districts)
    ]
    OccupancyDay.objects.bulk_create(
        rows,
        update_conflicts=True,
        unique_fields=["district", "day"],
        update_fields=["refreshed_at", *OCCUPANCY],
    )
    return len(rows)


def to_place(user, *, today: date, node: Jurisdiction | None = None) -> QuerySet:
    """待安置: the active measures of the user's residents whose centralized quarantine runs
    today and who have no room: each late (the room is due on the phase's first day)."""
    if not access.can_manage_hotels(user):
        return ControlMeasure.objects.none()
    measures = core_access.measures_for(user).filter(state=ControlMeasure.State.ACTIVE)
    if node is not None:
        measures = measures.filter(resident__grid__path__startswith=node.path)
    placed = Placement.objects.filter(resident=OuterRef("resident"), left_on__isnull=True)
    return (
        in_phase_today(measures, kind=MeasureKind.CENTRALIZED_QUARANTINE, today=today)
        .exclude(Exists(placed))
        .select_related("resident__grid__parent")
        .order_by("start", "pk")
    )


@dataclass
class Missing:
    hotel: Hotel
    day: date
    items: list[str] = field(default_factory=list)


def checklists_missing(hotels: QuerySet[Hotel], *, now: datetime) -> list[Missing]:
    """The checklists of hotels in use missing by their time: today's items past their
    time and not ticked, and yesterday's unfinished."""
    local = timezone.localtime(now).replace(tzinfo=None)
    today = local.date()
    in_use = list(hotels.filter(state=State.IN_USE).select_related("district"))
    days = (today - timedelta(days=1), today)
    ticked = {
        (c.hotel_id, c.day): c.ticks
        for c in Checklist.objects.filter(hotel__in=in_use, day__in=days)
    }
    out = []
    for hotel in in_use:
        since = (
            timezone.localtime(hotel.in_use_since).replace(tzinfo=None)
            if hotel.in_use_since
            else None
        )
        for day in days:
            items = rules.missing_items(ticked.get((hotel.pk, day), {}), day=day, now=local)
            if since is not None:  # nothing was due before the hotel went into use
                items = [key for key in items if datetime.combine(day, rules.DUE_AT[key]) > since]
            if items:
                out.append(Missing(hotel=hotel, day=day, items=items))
    return out


CERTIFICATE_LABELS = {
    rules.Certificate.NONE: _("No certificate"),
    rules.Certificate.NOT_YET: _("Certificate not valid yet"),
    rules.Certificate.VALID: _("Certificate valid"),
    rules.Certificate.EXPIRING: _("Certificate expiring within 14 days"),
    rules.Certificate.EXPIRED: _("Certificate expired"),
}


@dataclass
class StaffRow:
    staff: StaffMember
    certificate: rules.Certificate
    valid_until: date | None
    hotels: list[str]

    @property
    def label(self) -> str:
        return CERTIFICATE_LABELS[self.certificate]


def staff_rows(staff: QuerySet[StaffMember], *, today: date) -> list[StaffRow]:
    """Each staff member with their best certificate's state and their rosters."""
    rows = []
    for member in staff.prefetch_related("certificates", "rosters__hotel"):
        best, until = rules.best_certificate(
            [(c.issued, c.valid_until) for c in member.certificates.all()], today=today
        )
        hotels = [e.hotel.name for e in member.rosters.all() if e.until is None]
        rows.append(StaffRow(staff=member, certificate=best, valid_until=until, hotels=hotels))
    return rows


def expiring(staff: QuerySet[StaffMember], *, today: date) -> list[StaffRow]:
    return [
        r for r in staff_rows(staff, today=today) if r.certificate == rules.Certificate.EXPIRING
    ]


def due_out(hotel: Hotel) -> QuerySet[Placement]:
    """Who is in the hotel, by the day they are due out."""
    return (
        hotel.placements.filter(left_on__isnull=True)
        .select_related("resident", "room")
        .order_by("due_out", "room__number")
    )


def room_counts(hotels) -> dict[int, dict[str, int]]:
    """{hotel id: {"total", and each room state: count}} in one grouped query."""
    out: dict[int, dict[str, int]] = {}
    rows = (
        Room.objects.filter(hotel__in=hotels)
        .values_list("hotel_id", "state")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for hotel_id, state, n in rows:
        counts = out.setdefault(hotel_id, dict.fromkeys(["total", *RoomState.values], 0))
        counts[state] += n
        counts["total"] += n
    return out
