"""What of the quarantine hotels a user may see and do. Views, APIs, exports and imports of
hotels start here; built only from communities.access's public primitives (role_of,
is_citywide, scope_filter, jurisdictions_for), as shops/access.py is.

The district office runs its district's hotels (the city office every district's, and
sets the reserve targets); a hotel's staff see the hotels whose roster they are on."""

from django.db.models import Q, QuerySet
from django.utils import timezone

from communities.access import is_citywide, jurisdictions_for, role_of, scope_filter
from communities.models import Jurisdiction, User

from .models import Certificate, Checklist, Hotel, Placement, Room, RosterEntry, StaffMember

Role = User.Role


def can_manage_hotels(user) -> bool:
    return bool(is_citywide(user) or role_of(user) == Role.DISTRICT_OFFICE)


def can_set_targets(user) -> bool:
    return is_citywide(user)


def is_hotel_staff(user) -> bool:
    return role_of(user) == Role.HOTEL_STAFF


def districts_for(user) -> QuerySet[Jurisdiction]:
    """The districts whose hotels the user runs."""
    if not can_manage_hotels(user):
        return Jurisdiction.objects.none()
    return jurisdictions_for(user).filter(level=Jurisdiction.Level.DISTRICT)


def on_duty(user) -> QuerySet[RosterEntry]:
    """The user's open roster entries while they hold a certificate valid today (the
    hourly job takes an expired one off; until it runs, an expired one counts for
    nothing)."""
    valid = Certificate.objects.valid_on(timezone.localdate())
    return RosterEntry.objects.filter(
        staff__user=user, until__isnull=True, staff__in=valid.values("staff_id")
    )


def _rostered(user) -> Q:
    """The hotels on whose roster the user (a staff member with a sign-in) is today."""
    return Q(pk__in=on_duty(user).values("hotel_id"))


def hotels_for(user) -> QuerySet[Hotel]:
    """The hotels the user sees: their districts' (the offices), those they are rostered
    on (hotel staff); none for anyone else."""
    if not user.is_authenticated or not user.is_active:
        return Hotel.objects.none()
    if can_manage_hotels(user):
        scope = scope_filter(user, prefix="district__")
        return Hotel.objects.all() if scope is None else Hotel.objects.filter(scope)
    if is_hotel_staff(user):
        return Hotel.objects.filter(_rostered(user))
    return Hotel.objects.none()


def rooms_for(user) -> QuerySet[Room]:
    return Room.objects.filter(hotel__in=hotels_for(user))


def placements_for(user) -> QuerySet[Placement]:
    return Placement.objects.filter(hotel__in=hotels_for(user))


def checklists_for(user) -> QuerySet[Checklist]:
    return Checklist.objects.filter(hotel__in=hotels_for(user))


def staff_for(user) -> QuerySet[StaffMember]:
    """The staff of the districts the user runs."""
    if not can_manage_hotels(user):
        return StaffMember.objects.none()
    scope = scope_filter(user, prefix="district__")
    return StaffMember.objects.all() if scope is None else StaffMember.objects.filter(scope)


def can_tick(user, hotel: Hotel) -> bool:
    """The day's checklist is ticked by the hotel's staff on its roster."""
    return on_duty(user).filter(hotel=hotel).exists()
