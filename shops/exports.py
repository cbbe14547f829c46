"""The shops' lists as exports (导出). The register's columns are its import's, under
their Chinese headings, so that an exported register can be loaded again; phones in full
only for the offices that keep the register, as on the page."""

from django.utils.translation import gettext_lazy as _

from communities.exports import person_name
from communities.rules import mask_phone
from transfers.registry import Column, ExportList, register

from . import access, listings
from .forms_campaigns import COLUMNS, HEADINGS, OPTIONAL_COLUMNS, READ_ONLY_COLUMNS

CELLS = {
    "name": lambda s: s.name,
    "address": lambda s: s.address,
    "community": lambda s: s.grid.parent.name,
    "grid": lambda s: s.grid.name,
    "road": lambda s: s.road,
    "kind": lambda s: s.get_kind_display(),
    "licence_number": lambda s: s.licence_number,
    "venue_code_posted": lambda s: s.venue_code_posted,
    "placard": lambda s: s.get_placard_display(),
    "state": lambda s: s.get_state_display(),
    "reminders": lambda s: s.reminders,
    "last_inspected": lambda s: s.last_inspected,
}


def shop_columns(user):
    full = access.can_see_shop_phones(user)
    phone = (lambda s: s.contact_phone) if full else (lambda s: mask_phone(s.contact_phone))
    cells = {**CELLS, "contact_phone": phone}
    return [
        Column(HEADINGS[key][0], cells[key])
        for key in (*COLUMNS, *OPTIONAL_COLUMNS, *READ_ONLY_COLUMNS)
    ]


def inspection_columns(user):
    return [
        Column(_("Inspected at"), lambda i: i.inspected_at),
        Column(_("Shop"), lambda i: i.shop.name),
        Column(HEADINGS["address"][0], lambda i: i.shop.address),
        Column(HEADINGS["community"][0], lambda i: i.shop.grid.parent.name),
        Column(HEADINGS["grid"][0], lambda i: i.shop.grid.name),
        Column(_("Group"), lambda i: str(i.group)),
        Column(_("Inspector"), lambda i: person_name(i.inspector)),
        Column(_("Outcome"), lambda i: i.get_outcome_display()),
        Column(_("rectify by"), lambda i: i.rectify_by),
    ]


register(
    ExportList(
        name="shops",
        title=_("Shops"),
        rows=listings.shops,
        columns=shop_columns,
        params=(
            "q",
            "community",
            "road",
            "kind",
            "placard",
            "state",
            "reminded",
            "reinspection",
            "node",
        ),
    ),
    ExportList(
        name="inspections",
        title=_("Inspections"),
        rows=listings.inspections,
        columns=inspection_columns,
        params=("node", "outcome", "day", "campaign"),
    ),
)
