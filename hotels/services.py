"""Every write of the quarantine hotels: a hotel's acceptance and state, its rooms,
placing a resident for the centralized quarantine of their measure and their leaving,
the staff's trainings, certificates and rosters, the day's checklist, the reserve
targets. Each refusal is a ValidationError with a message in the user's language."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import ControlMeasure, Jurisdiction, Resident, User

from . import rules
from .models import (
    Certificate,
    Checklist,
    Hotel,
    Placement,
    ReserveTarget,
    Room,
    RosterEntry,
    StaffMember,
    Training,
)

State = Hotel.State
RoomState = Room.State

# The states a hotel may go to from each (检查验收 first, withdrawn at the end).
MOVES = {
    State.STANDBY: {State.ACCEPTED, State.WITHDRAWN},
    State.ACCEPTED: {State.IN_USE, State.WITHDRAWN},
    State.IN_USE: {State.ACCEPTED, State.WITHDRAWN},
    State.WITHDRAWN: set(),
}


# --- Hotels and rooms --------------------------------------------------------------------------


@transaction.atomic
def hotel_accept(*, hotel: Hotel, on: date, inspector: str, by: User) -> Hotel:
    """检查验收: a standby hotel checked and accepted on a day by an inspector."""
    if hotel.state != State.STANDBY:
        raise ValidationError(_("Only a hotel on standby is checked and accepted."))
    if on > timezone.localdate():
        raise ValidationError({"on": _("The check cannot be in the future.")})
    hotel.state, hotel.accepted_on, hotel.accepted_by = State.ACCEPTED, on, inspector.strip()
    hotel.save(update_fields=["state", "accepted_on", "accepted_by"])
    return hotel


@transaction.atomic
def hotel_state_set(*, hotel: Hotel, state: str, by: User) -> Hotel:
    """Put an accepted hotel in use, back in reserve, or withdraw a hotel without guests."""
    hotel = Hotel.objects.select_for_update().get(pk=hotel.pk)
    if state not in MOVES[hotel.state]:
        raise ValidationError(
            _("A hotel that is %(now)s cannot become %(then)s.")
            % {"now": hotel.get_state_display(), "then": State(state).label}
        )
    if state != State.IN_USE and hotel.placements.filter(left_on__isnull=True).exists():
        raise ValidationError(_("People are placed in this hotel: it stays in use."))
    hotel.state = state
    if state == State.IN_USE:
        hotel.in_use_since = timezone.now()
    hotel.save(update_fields=["state", "in_use_since"])
    return hotel


@transaction.atomic
def rooms_add(*, hotel: Hotel, floor: int, numbers: list[str], by: User) -> int:
    """Add rooms to a hotel (a number already there is refused)."""
    numbers = [n.strip() for n in numbers if n.strip()]
    taken = set(hotel.rooms.filter(number__in=numbers).values_list("number", flat=True))
    if taken:
        raise ValidationError(
            _("These rooms are already in the hotel: %(rooms)s.")
            % {"rooms": "、".join(sorted(taken))}
        )
    if len(set(numbers)) != len(numbers):
        raise ValidationError(_("A room number is given twice."))
    try:
        with transaction.atomic():
            Room.objects.bulk_create(Room(hotel=hotel, floor=floor, number=n) for n in numbers)
    except IntegrityError:  # added by someone else at the same moment
        raise ValidationError(_("These rooms were added meanwhile: reload the page.")) from None
    return len(numbers)


@transaction.atomic
def _room_move(room: Room, *, before: str, after: str, refused: str) -> Room:
    """The room from `before` to `after` under its lock, or `refused` if it is not."""
    room = Room.objects.select_for_update().get(pk=room.pk)
    if room.state != before:
        raise ValidationError(refused)
    room.state = after
    room.save(update_fields=["state"])
    return room


def room_cleaned(*, room: Room, by: User) -> Room:
    """A room cleaned after its guests left is free again."""
    refused = _("Only a room being cleaned can be marked clean.")
    return _room_move(room, before=RoomState.CLEANING, after=RoomState.FREE, refused=refused)


def room_service_set(*, room: Room, in_service: bool, by: User) -> Room:
    """Take a free room out of service, or put it back."""
    before, after = RoomState.FREE, RoomState.OUT_OF_SERVICE
    if in_service:
        before, after = after, before
    refused = _("Only a free room is taken out of service, and back.")
    return _room_move(room, before=before, after=after, refused=refused)


def reserve_target_set(*, district: Jurisdiction, rooms: int, by: User) -> ReserveTarget:
    target, _created = ReserveTarget.objects.update_or_create(
        district=district, defaults={"rooms": rooms, "set_by": by}
    )
    return target


# --- Placing ------------------------------------------------------------------------------------


def centralized_window(measure: ControlMeasure) -> rules.Window | None:
    return rules.centralized_window(measure.phases or [], measure.start)


@transaction.atomic
def placement_create(
    *,
    resident: Resident,
    hotel: Hotel,
    by: User,
    transfer_from: str,
    transfer_at: datetime,
    transfer_by: str,
    room: Room | None = None,
    with_family: Placement | None = None,
) -> Placement:
    """Place a resident for the centralized quarantine of their active measure:
    1. the measure has a centralized quarantine not over yet, the resident no room yet;
    2. the hotel is in use and in the resident's district;
    3. the room: a family member's (only when chosen), the one chosen if free, else the
       hotel's first free room; a hotel without a free room refuses;
    4. the room is occupied until the phase's last day (the hotel's due-out list)."""
    today = timezone.localdate()
    # the person first (as their arrivals and codes are written): two placings of one
    # person wait for each other, the second then finds the first
    Resident.objects.select_for_update().filter(pk=resident.pk).first()
    measure = ControlMeasure.objects.filter(
        resident=resident, state=ControlMeasure.State.ACTIVE
    ).first()
    window = centralized_window(measure) if measure else None
    if window is None or window.last < today:
        raise ValidationError(_("This person's measure has no centralized quarantine to come."))
    if window.first > today:
        raise ValidationError(
            _("This person's centralized quarantine starts on %(day)s: place them then.")
            % {"day": window.first.isoformat()}
        )
    if Placement.objects.filter(resident=resident, left_on__isnull=True).exists():
        raise ValidationError(_("This person is already placed in a room."))
    hotel = Hotel.objects.select_for_update().get(pk=hotel.pk)
    if hotel.state != State.IN_USE:
        raise ValidationError({"hotel": _("Only a hotel in use takes people.")})
    if not resident.grid.path.startswith(hotel.district.path):
        raise ValidationError({"hotel": _("The hotel is not in this person's district.")})
    if transfer_at > timezone.now():
        raise ValidationError({"transfer_at": _("The transfer cannot be in the future.")})
    if with_family is not None:
        family = Placement.objects.select_for_update().filter(pk=with_family.pk).first()
        if family is None or family.hotel_id != hotel.pk or family.left_on is not None:
            raise ValidationError({"with_family": _("The family member is not in this hotel.")})
        room = Room.objects.select_for_update().get(pk=family.room_id)
        if room.state != RoomState.OCCUPIED:
            raise ValidationError({"with_family": _("The family member is not in this hotel.")})
    elif room is not None:
        room = Room.objects.select_for_update().get(pk=room.pk)
        if room.hotel_id != hotel.pk or room.state != RoomState.FREE:
            raise ValidationError({"room": _("This room is not free.")})
    else:
        room = (
            hotel.rooms.select_for_update(skip_locked=True)
            .filter(state=RoomState.FREE)
            .order_by("floor", "number")
            .first()
        )
        if room is None:
            total = hotel.rooms.count()
            raise ValidationError(
                {
                    "hotel": _(
                        "%(hotel)s has no free room (%(total)s rooms, none free): choose "
                        "another hotel."
                    )
                    % {"hotel": hotel.name, "total": total}
                }
            )
    room.state = RoomState.OCCUPIED
    room.save(update_fields=["state"])
    try:
        with transaction.atomic():
            return Placement.objects.create(
                resident=resident,
                measure=measure,
                hotel=hotel,
                room=room,
                due_out=window.last,
                transfer_from=transfer_from.strip(),
                transfer_at=transfer_at,
                transfer_by=transfer_by.strip(),
                placed_by=by,
            )
    except IntegrityError:  # placed by someone else at the same moment
        raise ValidationError(_("This person is already placed in a room.")) from None


def _leave(placement: Placement, *, on: date, reason: str) -> None:
    # the room first: a family member placed into it meanwhile waits, and is counted
    Room.objects.select_for_update().filter(pk=placement.room_id).first()
    Placement.objects.filter(pk=placement.pk).update(left_on=on, left_reason=reason)
    left = Placement.objects.filter(room_id=placement.room_id, left_on__isnull=True).count()
    Room.objects.filter(pk=placement.room_id).update(state=rules.room_after_leaving(left))


@transaction.atomic
def placements_end(*, today: date | None = None) -> int:
    """End the placements whose centralized quarantine is over: its last day passed, or
    the measure was released (a person's decision, followed, never undone). A measure
    replaced by a stricter one moves the placement to it while the new measure still
    quarantines centrally (today or from a later day: the room is kept). The room goes to
    cleaning when its last guest leaves.
    Returns how many ended; a second run ends nothing more."""
    today = today or timezone.localdate()
    ended = 0
    active = Placement.objects.filter(left_on__isnull=True).select_related("measure")
    due = active.filter(
        Q(due_out__lt=today) | ~Q(measure__state=ControlMeasure.State.ACTIVE)
    ).select_for_update(of=("self",))
    for placement in due:
        measure = placement.measure
        if measure.state == ControlMeasure.State.REPLACED:
            current = ControlMeasure.objects.filter(
                resident_id=placement.resident_id, state=ControlMeasure.State.ACTIVE
            ).first()
            window = centralized_window(current) if current else None
            if window is not None and window.last >= today:  # still (or soon again) central
                Placement.objects.filter(pk=placement.pk).update(
                    measure=current, due_out=window.last
                )
                continue
        if measure.state == ControlMeasure.State.RELEASED:
            reason = _("The measure was released.")
        elif measure.state == ControlMeasure.State.REPLACED:
            reason = _("The new measure has no centralized quarantine.")
        else:
            reason = _("The centralized quarantine is over.")
        _leave(placement, on=today, reason=reason)
        ended += 1
    return ended


# --- Staff --------------------------------------------------------------------------------------


def training_add(
    *, staff: StaffMember, course: str, day: date, trainer: str, passed: bool
) -> Training:
    if day > timezone.localdate():
        raise ValidationError({"day": _("The training cannot be in the future.")})
    return Training.objects.create(
        staff=staff, course=course.strip(), day=day, trainer=trainer.strip(), passed=passed
    )


def certificate_add(
    *, staff: StaffMember, number: str, issued: date, valid_until: date
) -> Certificate:
    """A 上岗证 for a staff member who passed a training by the day it was issued."""
    problems = {}
    if valid_until < issued:
        problems["valid_until"] = _("A certificate is valid until a day after it is issued.")
    if not staff.trainings.filter(passed=True, day__lte=issued).exists():
        problems["issued"] = _("A certificate is issued to someone who passed a training.")
    if Certificate.objects.filter(number=number.strip()).exists():
        problems["number"] = _("A certificate with this number is already recorded.")
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():
            return Certificate.objects.create(
                staff=staff, number=number.strip(), issued=issued, valid_until=valid_until
            )
    except IntegrityError:
        raise ValidationError(
            {"number": _("A certificate with this number is already recorded.")}
        ) from None


def certificate_state_of(staff: StaffMember, today: date) -> rules.Certificate:
    """The state of the certificate that speaks for the staff member today."""
    pairs = staff.certificates.values_list("issued", "valid_until")
    return rules.best_certificate(pairs, today=today)[0]


@transaction.atomic
def roster_add(*, hotel: Hotel, staff: StaffMember, by: User) -> RosterEntry:
    """Put a staff member with a valid certificate on a hotel's roster."""
    today = timezone.localdate()
    if staff.district_id != hotel.district_id:
        raise ValidationError({"staff": _("The staff member works in another district.")})
    if not rules.may_be_rostered(certificate_state_of(staff, today)):
        raise ValidationError(
            {"staff": _("%(name)s has no valid certificate (上岗证).") % {"name": staff.name}}
        )
    if RosterEntry.objects.filter(hotel=hotel, staff=staff, until__isnull=True).exists():
        raise ValidationError({"staff": _("%(name)s is on the roster.") % {"name": staff.name}})
    try:
        with transaction.atomic():
            return RosterEntry.objects.create(hotel=hotel, staff=staff, since=today)
    except IntegrityError:  # put on by someone else at the same moment
        raise ValidationError(
            {"staff": _("%(name)s is on the roster.") % {"name": staff.name}}
        ) from None


def roster_remove(*, entry: RosterEntry, reason: str, by: User) -> RosterEntry:
    RosterEntry.objects.filter(pk=entry.pk, until__isnull=True).update(
        until=timezone.localdate(), removed_reason=reason
    )
    entry.refresh_from_db()
    return entry


@transaction.atomic
def rosters_expire(*, today: date | None = None) -> int:
    """Take off every roster whoever has no valid certificate today (an expired one);
    returns how many. A second run takes off nothing more."""
    today = today or timezone.localdate()
    entries = RosterEntry.objects.filter(until__isnull=True).exclude(
        staff__in=Certificate.objects.valid_on(today).values("staff_id")
    )
    return entries.update(until=today, removed_reason=_("The certificate (上岗证) expired."))


# --- The day's checklist --------------------------------------------------------------------------


@transaction.atomic
def checklist_tick(*, hotel: Hotel, item: str, by: User, note: str = "") -> Checklist:
    """Tick an item of the hotel's checklist of today (the day's report with its text);
    ticking it again changes nothing."""
    if item not in rules.ITEM_KEYS:
        raise ValidationError(_("No such item of the checklist."))
    if hotel.state != State.IN_USE:
        raise ValidationError(_("Only a hotel in use keeps a checklist."))
    if item == "report" and not note.strip():
        raise ValidationError({"note": _("Write the day's report before sending it.")})
    now = timezone.now()
    checklist, _created = Checklist.objects.select_for_update().get_or_create(
        hotel=hotel, day=timezone.localdate(now)
    )
    if item not in checklist.ticks:
        checklist.ticks[item] = {"at": now.isoformat(), "by": by.pk}
        if item == "report":
            checklist.note = note.strip()
        if checklist.completed_at is None and rules.complete(checklist.ticks):
            checklist.completed_at = now
        checklist.save()
    return checklist
