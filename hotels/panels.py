"""What the hotels add to the pages of the apps they build on: the district office's
waiting items (people without a room, checklists missing, certificates expiring) and the
hotel staff's day on the home page (communities.figures); each district's rooms beside
its target on the dashboards, and the day's figures in the daily report
(dashboards.registry). Imported by HotelsConfig.ready."""

from collections import defaultdict
from datetime import date

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import figures
from communities.figures import Panel, Waiting
from communities.models import Jurisdiction
from communities.selectors import day_bounds
from dashboards import registry

from . import access, rules, selectors
from .models import Checklist, Hotel, OccupancyDay


def district_waiting(user) -> list[Waiting]:
    """The district office's: people waiting for a room (each late), the checklists
    missing by their time, the certificates expiring within 14 days."""
    if not access.can_manage_hotels(user) or access.can_set_targets(user):
        return []
    today = timezone.localdate()
    hotels = reverse("hotels:hotel-list")
    return [
        Waiting(
            _("People in centralized quarantine without a room"),
            selectors.to_place(user, today=today).count(),
            reverse("hotels:to-place"),
            "hotels-to-place",
        ),
        Waiting(
            _("Hotel checklists missing"),
            len(selectors.checklists_missing(access.hotels_for(user), now=timezone.now())),
            hotels + "#missing",
            "hotels-checklists-missing",
        ),
        Waiting(
            _("Certificates (上岗证) expiring within 14 days"),
            len(selectors.expiring(access.staff_for(user), today=today)),
            reverse("hotels:staff-list") + "?certificate=expiring",
            "hotels-certificates-expiring",
        ),
    ]


def staff_day(user) -> Panel | None:
    """A hotel's staff: what is left of today's checklists."""
    if not access.is_hotel_staff(user):
        return None
    hotels = access.hotels_for(user).filter(state=Hotel.State.IN_USE)
    ticked = {
        c.hotel_id: c.ticks for c in access.checklists_for(user).filter(day=timezone.localdate())
    }
    left = sum(len(rules.ITEM_KEYS) - len(ticked.get(h.pk, {})) for h in hotels)
    items = [
        Waiting(
            _("Items of today's checklist to tick"),
            left,
            reverse("hotels:checklist"),
            "hotels-checklist-left",
        )
    ]
    return Panel(key="hotels", title=_("Your hotel today"), items=items)


def _districts_under(node: Jurisdiction, user) -> list[Jurisdiction]:
    districts = access.districts_for(user)
    if node.level == Jurisdiction.Level.DISTRICT:
        districts = districts.filter(pk=node.pk)
    elif node.level == Jurisdiction.Level.CITY:
        districts = districts.filter(path__startswith=node.path)
    else:
        return []
    return list(districts.order_by("name"))


def dashboard_section(user, node, today: date) -> registry.Section | None:
    """A district's or the city's rooms beside the reserve target, the people without a
    room and the checklists missing, each a link to its list."""
    if not access.can_manage_hotels(user):
        return None
    districts = _districts_under(node, user)
    if not districts:
        return None
    rows = selectors.rooms_by_district(districts)
    in_scope = access.hotels_for(user).filter(district__in=districts)
    return registry.Section(
        template="hotels/partials/dashboard.html",
        context={
            "rows": rows,
            "waiting": selectors.to_place(user, today=today, node=node).count(),
            "missing": len(selectors.checklists_missing(in_scope, now=timezone.now())),
            "list_url": reverse("hotels:hotel-list"),
            "to_place_url": reverse("hotels:to-place"),
        },
    )


REPORT_FIGURES = (
    ("hotel_rooms_in_use", _("Quarantine rooms in use")),
    ("hotel_rooms_occupied", _("Quarantine rooms occupied")),
    ("hotel_rooms_ready", _("Quarantine rooms ready (free and in reserve)")),
    ("hotel_reserve_target", _("Reserve target of quarantine rooms")),
    ("hotel_people_placed", _("People in quarantine hotels")),
    ("hotel_checklists_done", _("Hotel checklists complete")),
    ("hotel_checklists_missing", _("Hotel checklists missing")),
    ("hotel_day_reports", _("The hotels' reports of the day")),
)


def report_values(day: date, nodes: dict[int, tuple]) -> dict[int, dict[str, object]]:
    """The day's rooms (its last occupancy refresh), checklists and the hotels' reports
    of each reported district, the city's those of its districts; three queries."""
    rows = list(OccupancyDay.objects.filter(day=day).select_related("district"))
    _start, end = day_bounds(day)
    in_use = dict(  # the hotels in use that day (put in use before its end)
        Hotel.objects.filter(state=Hotel.State.IN_USE)
        .filter(Q(in_use_since__isnull=True) | Q(in_use_since__lt=end))
        .values_list("district_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    done, notes = defaultdict(int), defaultdict(list)
    checklists = (
        Checklist.objects.filter(day=day)
        .order_by("hotel__name")
        .values_list("hotel__district_id", "hotel__name", "note", "completed_at")
    )
    for district_id, hotel, note, completed_at in checklists:
        done[district_id] += completed_at is not None
        if note:
            notes[district_id].append(f"{hotel}：{note}")
    out = {}
    for pk, (path, level) in nodes.items():
        if level not in (Jurisdiction.Level.DISTRICT, Jurisdiction.Level.CITY):
            continue
        mine = [r for r in rows if r.district.path.startswith(path)]
        districts = sorted({r.district_id for r in mine})
        complete = sum(done[d] for d in districts)
        out[pk] = {
            "hotel_rooms_in_use": sum(r.in_use for r in mine),
            "hotel_rooms_occupied": sum(r.occupied for r in mine),
            "hotel_rooms_ready": sum(r.free + r.standby for r in mine),
            "hotel_reserve_target": sum(r.target for r in mine),
            "hotel_people_placed": sum(r.placed for r in mine),
            "hotel_checklists_done": complete,
            "hotel_checklists_missing": max(sum(in_use.get(d, 0) for d in districts) - complete, 0),
            "hotel_day_reports": "；".join(n for d in districts for n in notes[d]),
        }
    return out


figures.register_waiting(key="hotels", producer=district_waiting)
figures.register_panel(key="hotels", producer=staff_day)
registry.register_section(key="hotels", producer=dashboard_section)
registry.register_report_figures(
    key="hotels", figures=registry.ReportFigures(figures=REPORT_FIGURES, values=report_values)
)
