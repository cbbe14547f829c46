"""The hotels' lists as exports (导出): the hotels with their rooms, who is placed (by the
day due out), the staff with their certificates; phones masked as on the pages."""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.exports import identity_columns
from communities.rules import mask_phone
from transfers.registry import Column, ExportList, register

from . import listings, selectors


def with_counts(hotels: list) -> None:
    """Each hotel of a chunk with its rooms by state (one query a chunk)."""
    counts = selectors.room_counts(hotels)
    for hotel in hotels:
        hotel.counts = counts.get(hotel.pk, {})


def hotel_columns(user):
    return [
        Column(_("District"), lambda h: h.district.name),
        Column(pgettext_lazy("hotel", "Name"), lambda h: h.name),
        Column(_("Address"), lambda h: h.address),
        Column(_("State"), lambda h: h.get_state_display()),
        Column(_("Accepted on"), lambda h: h.accepted_on),
        Column(_("Inspector"), lambda h: h.accepted_by),
        Column(_("Rooms"), lambda h: h.counts.get("total", 0)),
        Column(_("Occupied"), lambda h: h.counts.get("occupied", 0)),
        Column(_("Free"), lambda h: h.counts.get("free", 0)),
        Column(_("Cleaning"), lambda h: h.counts.get("cleaning", 0)),
    ]


def placement_columns(user):
    return [
        *identity_columns(),
        Column(_("Hotel"), lambda p: p.hotel.name),
        Column(_("Room"), lambda p: p.room.number),
        Column(_("Due out"), lambda p: p.due_out),
        Column(_("Transferred from"), lambda p: p.transfer_from),
        Column(_("Transferred at"), lambda p: p.transfer_at),
        Column(_("Transferred by"), lambda p: p.transfer_by),
    ]


def staff_columns(user):
    return [
        Column(_("District"), lambda r: r.staff.district.name),
        Column(pgettext_lazy("person", "Name"), lambda r: r.staff.name),
        Column(_("Post"), lambda r: r.staff.post),
        Column(_("Phone"), lambda r: mask_phone(r.staff.phone)),
        Column(_("Certificate"), lambda r: str(r.label)),
        Column(_("Valid until"), lambda r: r.valid_until),
        Column(_("Rosters"), lambda r: "、".join(r.hotels)),
    ]


register(
    ExportList(
        name="hotels",
        title=_("Quarantine hotels"),
        rows=listings.hotels,
        columns=hotel_columns,
        prepare=with_counts,
    ),
    ExportList(
        name="placements",
        title=_("People in quarantine hotels"),
        rows=listings.placements,
        columns=placement_columns,
    ),
    ExportList(
        name="hotel-staff",
        title=_("Hotel staff and certificates"),
        rows=listings.staff,
        columns=staff_columns,
        params=("certificate",),
    ),
)
