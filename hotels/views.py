"""The quarantine hotels' pages: the district's (and the city's) rooms beside the reserve
target with the occupancy chart, a hotel with its rooms, guests, roster and checklist,
placing a person, the staff and their certificates, the reserve targets, and the hotel
staff's checklist of the day on a phone."""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from communities import access as core_access
from communities.listings import id_value
from communities.models import User
from portal.forms import add_service_errors

from . import access, listings, rules, selectors, services
from .exports import with_counts
from .forms import (
    AcceptForm,
    CertificateForm,
    HotelForm,
    PlaceForm,
    RoomsForm,
    RosterForm,
    StaffForm,
    StateForm,
    TargetForm,
    TrainingForm,
)
from .models import Hotel, Room, RosterEntry

ITEM_LABELS = {
    "round_1": _("Round 1"),
    "round_2": _("Round 2"),
    "round_3": _("Round 3"),
    "monitor_1": _("Monitoring 1 (temperature and symptoms)"),
    "monitor_2": _("Monitoring 2 (temperature and symptoms)"),
    "disinfect_1": _("Disinfection 1"),
    "disinfect_2": _("Disinfection 2"),
    "report": _("The day's report to the district"),
}


def _manager(request):
    if not access.can_manage_hotels(request.user):
        raise PermissionDenied
    return request.user


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


@login_required
def hotel_list(request):
    """The districts' rooms beside their reserve target, the chart, the hotels."""
    user = _manager(request)
    today = timezone.localdate()
    districts = list(access.districts_for(user).order_by("name"))
    rows = selectors.rooms_by_district(districts)
    days = selectors.history(districts, today)
    chart = {
        "labels": [f"{d['day']:%m-%d}" for d in days],
        "datasets": [
            {"label": _("Occupied"), "color": "#dc3545", "data": [d["occupied"] for d in days]},
            {"label": _("Free"), "color": "#198754", "data": [d["free"] for d in days]},
            {"label": _("In reserve"), "color": "#0d6efd", "data": [d["standby"] for d in days]},
            {"label": _("Reserve target"), "color": "#6c757d", "data": [d["target"] for d in days]},
        ],
    }
    hotels = list(listings.hotels(user, request.GET))
    with_counts(hotels)
    context = {
        "rows": rows,
        "chart": chart,
        "hotels": hotels,
        "waiting": selectors.to_place(user, today=today).count(),
        "missing": selectors.checklists_missing(access.hotels_for(user), now=timezone.now()),
        "expiring": selectors.expiring(access.staff_for(user), today=today),
        "can_create": bool(districts),
    }
    return render(request, "hotels/hotel_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def hotel_create(request):
    user = _manager(request)
    form = HotelForm(request.POST or None, districts=access.districts_for(user))
    if request.method == "POST" and form.is_valid():
        hotel = form.save()
        messages.success(
            request, _("%(name)s is on standby until it is checked.") % {"name": hotel.name}
        )
        return redirect("hotels:hotel-detail", pk=hotel.pk)
    return render(request, "hotels/hotel_form.html", {"form": form})


@login_required
def hotel_detail(request, pk):
    user = request.user
    hotel = get_object_or_404(access.hotels_for(user).select_related("district"), pk=pk)
    manager = access.can_manage_hotels(user)
    today = timezone.localdate()
    rooms = list(hotel.rooms.all())
    floors: dict[int, list[Room]] = {}
    for room in rooms:
        floors.setdefault(room.floor, []).append(room)
    roster = hotel.roster.filter(until__isnull=True).select_related("staff")
    checklist = hotel.checklists.filter(day=today).first()
    context = {
        "hotel": hotel,
        "manager": manager,
        "floors": sorted(floors.items()),
        "counts": {"total": len(rooms), **Counter(room.state for room in rooms)},
        "placements": selectors.due_out(hotel),
        "roster": roster,
        "checklist": _checklist_rows(checklist),
        "can_tick": access.can_tick(user, hotel),
        "accept_form": AcceptForm(initial={"on": today}) if manager else None,
        "rooms_form": RoomsForm() if manager else None,
        "roster_form": (
            RosterForm(staff=access.staff_for(user).filter(district=hotel.district))
            if manager
            else None
        ),
        "moves": [(s, Hotel.State(s).label) for s in services.MOVES[hotel.state]],
        "today": today,
    }
    return render(request, "hotels/hotel_detail.html", context)


def _checklist_rows(checklist) -> list[dict]:
    ticks = checklist.ticks if checklist else {}
    return [
        {
            "key": item.key,
            "label": ITEM_LABELS[item.key],
            "due": item.due,
            "done": ticks.get(item.key),
        }
        for item in rules.ITEMS
    ]


def _hotel_for_manager(request, pk) -> Hotel:
    hotel = get_object_or_404(access.hotels_for(request.user), pk=pk)
    _manager(request)
    return hotel


@login_required
@require_POST
def hotel_accept(request, pk):
    hotel = _hotel_for_manager(request, pk)
    form = AcceptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the day of the check and the inspector."))
    else:
        try:
            services.hotel_accept(
                hotel=hotel,
                on=form.cleaned_data["on"],
                inspector=form.cleaned_data["inspector"],
                by=request.user,
            )
            messages.success(request, _("%(name)s is checked and accepted.") % {"name": hotel.name})
        except ValidationError as error:
            _refused(request, error)
    return redirect("hotels:hotel-detail", pk=hotel.pk)


@login_required
@require_POST
def hotel_state(request, pk):
    hotel = _hotel_for_manager(request, pk)
    form = StateForm(request.POST)
    if form.is_valid():
        try:
            services.hotel_state_set(hotel=hotel, state=form.cleaned_data["state"], by=request.user)
            messages.success(request, _("The hotel's state is changed."))
        except ValidationError as error:
            _refused(request, error)
    return redirect("hotels:hotel-detail", pk=hotel.pk)


@login_required
@require_POST
def rooms_add(request, pk):
    hotel = _hotel_for_manager(request, pk)
    form = RoomsForm(request.POST)
    if not form.is_valid():
        for problems in form.errors.values():
            for problem in problems:
                messages.error(request, problem)
    else:
        try:
            added = services.rooms_add(hotel=hotel, by=request.user, **form.cleaned_data)
            messages.success(request, _("%(n)s rooms added.") % {"n": added})
        except ValidationError as error:
            _refused(request, error)
    return redirect("hotels:hotel-detail", pk=hotel.pk)


@login_required
@require_POST
def room_clean(request, pk):
    room = get_object_or_404(access.rooms_for(request.user), pk=pk)
    try:
        services.room_cleaned(room=room, by=request.user)
        messages.success(request, _("Room %(room)s is free.") % {"room": room.number})
    except ValidationError as error:
        _refused(request, error)
    return redirect("hotels:hotel-detail", pk=room.hotel_id)


@login_required
@require_POST
def room_service(request, pk):
    room = get_object_or_404(access.rooms_for(request.user), pk=pk)
    _manager(request)
    try:
        services.room_service_set(
            room=room, in_service=request.POST.get("in_service") == "1", by=request.user
        )
    except ValidationError as error:
        _refused(request, error)
    return redirect("hotels:hotel-detail", pk=room.hotel_id)


@login_required
@require_POST
def roster_add(request, pk):
    hotel = _hotel_for_manager(request, pk)
    form = RosterForm(
        request.POST, staff=access.staff_for(request.user).filter(district=hotel.district)
    )
    if not form.is_valid():
        messages.error(request, _("Choose a staff member of the district."))
    else:
        try:
            services.roster_add(hotel=hotel, staff=form.cleaned_data["staff"], by=request.user)
            messages.success(
                request, _("%(name)s is on the roster.") % {"name": form.cleaned_data["staff"].name}
            )
        except ValidationError as error:
            _refused(request, error)
    return redirect("hotels:hotel-detail", pk=hotel.pk)


@login_required
@require_POST
def roster_remove(request, pk):
    entry = get_object_or_404(
        RosterEntry.objects.filter(hotel__in=access.hotels_for(request.user)), pk=pk
    )
    _manager(request)
    services.roster_remove(entry=entry, reason=_("Taken off by the district."), by=request.user)
    return redirect("hotels:hotel-detail", pk=entry.hotel_id)


# --- Placing ------------------------------------------------------------------------------------


@login_required
def to_place_list(request):
    """待安置: who quarantines centrally today without a room, each late."""
    user = _manager(request)
    measures = selectors.to_place(user, today=timezone.localdate())
    return render(
        request,
        "hotels/to_place_list.html",
        {"measures": measures[:200], "count": measures.count()},
    )


@login_required
@require_http_methods(["GET", "POST"])
def place(request, pk):
    user = _manager(request)
    resident = get_object_or_404(core_access.residents_for(user).select_related("grid"), pk=pk)
    hotels = access.hotels_for(user).filter(
        state=Hotel.State.IN_USE, district__in=resident.grid.ancestor_ids
    )
    family = (
        access.placements_for(user)
        .filter(left_on__isnull=True, hotel__in=hotels)
        .select_related("resident", "hotel", "room")
    )
    initial = {"transfer_at": timezone.localtime().replace(second=0, microsecond=0)}
    form = PlaceForm(request.POST or None, hotels=hotels, family=family, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            placement = services.placement_create(resident=resident, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s is placed in %(hotel)s, room %(room)s, until %(day)s.")
                % {
                    "name": resident.name,
                    "hotel": placement.hotel.name,
                    "room": placement.room.number,
                    "day": placement.due_out.isoformat(),
                },
            )
            return redirect("hotels:to-place")
    listed = list(hotels)
    with_counts(listed)
    return render(
        request, "hotels/place_form.html", {"resident": resident, "form": form, "hotels": listed}
    )


# --- Staff ---------------------------------------------------------------------------------------


@login_required
def staff_list(request):
    user = _manager(request)
    return render(request, "hotels/staff_list.html", {"rows": listings.staff(user, request.GET)})


def _accounts(user):
    return core_access.users_for(user).filter(role=User.Role.HOTEL_STAFF, hotel_staff__isnull=True)


@login_required
@require_http_methods(["GET", "POST"])
def staff_create(request):
    user = _manager(request)
    form = StaffForm(
        request.POST or None, districts=access.districts_for(user), accounts=_accounts(user)
    )
    if request.method == "POST" and form.is_valid():
        member = form.save()
        return redirect("hotels:staff-detail", pk=member.pk)
    return render(request, "hotels/staff_form.html", {"form": form})


@login_required
@require_http_methods(["GET", "POST"])
def staff_detail(request, pk):
    user = _manager(request)
    member = get_object_or_404(access.staff_for(user), pk=pk)
    training = TrainingForm(request.POST if "course" in request.POST else None)
    certificate = CertificateForm(request.POST if "number" in request.POST else None)
    form = training if "course" in request.POST else certificate
    if request.method == "POST" and form.is_valid():
        try:
            if form is training:
                services.training_add(staff=member, **form.cleaned_data)
                messages.success(request, _("The training is recorded."))
            else:
                services.certificate_add(staff=member, **form.cleaned_data)
                messages.success(request, _("The certificate is recorded."))
            return redirect("hotels:staff-detail", pk=member.pk)
        except ValidationError as error:
            add_service_errors(form, error)
    [row] = selectors.staff_rows(
        access.staff_for(user).filter(pk=member.pk), today=timezone.localdate()
    )
    context = {
        "member": member,
        "row": row,
        "trainings": member.trainings.all(),
        "certificates": member.certificates.all(),
        "rosters": member.rosters.select_related("hotel"),
        "training_form": training,
        "certificate_form": certificate,
    }
    return render(request, "hotels/staff_detail.html", context)


# --- Reserve targets (the city office) ----------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def targets(request):
    if not access.can_set_targets(request.user):
        raise PermissionDenied
    user = request.user
    districts = list(access.districts_for(user).order_by("name"))
    if request.method == "POST":
        district = get_object_or_404(
            access.districts_for(user), pk=id_value(request.POST, "district")
        )
        form = TargetForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("Give a whole number of rooms, 0 or more."))
        else:
            services.reserve_target_set(
                district=district, rooms=form.cleaned_data["rooms"], by=user
            )
            messages.success(
                request,
                _("The reserve target of %(district)s is saved.") % {"district": district.name},
            )
        return redirect("hotels:targets")
    rows = selectors.rooms_by_district(districts)
    return render(request, "hotels/targets.html", {"rows": rows})


# --- The checklist of the day (hotel staff, on a phone) ------------------------------------------


@login_required
def checklist(request):
    user = request.user
    hotels = access.hotels_for(user).filter(state=Hotel.State.IN_USE)
    if not access.is_hotel_staff(user) and not access.can_manage_hotels(user):
        raise PermissionDenied
    today = timezone.localdate()
    lists = {c.hotel_id: c for c in access.checklists_for(user).filter(day=today)}
    mine = set(access.on_duty(user).values_list("hotel_id", flat=True))
    cards = []
    for hotel in hotels:
        day = lists.get(hotel.pk)
        cards.append(
            {
                "hotel": hotel,
                "rows": _checklist_rows(day),
                "can_tick": hotel.pk in mine,
                "report": day.note if day else "",
            }
        )
    return render(request, "hotels/checklist.html", {"cards": cards, "today": today})


@login_required
@require_POST
def checklist_tick(request, pk):
    hotel = get_object_or_404(access.hotels_for(request.user), pk=pk)
    if not access.can_tick(request.user, hotel):
        raise PermissionDenied
    try:
        services.checklist_tick(
            hotel=hotel,
            item=request.POST.get("item", ""),
            note=request.POST.get("note", ""),
            by=request.user,
        )
    except ValidationError as error:
        _refused(request, error)
    if request.POST.get("next") == "hotel":
        return redirect("hotels:hotel-detail", pk=hotel.pk)
    return redirect("hotels:checklist")
