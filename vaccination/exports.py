"""Vaccination's lists as exports (导出): the residents with their status and the booster
list, the rows of their pages (listings.py), ID numbers and phones masked as on the
pages."""

from django.utils.translation import gettext_lazy as _

from communities.exports import PHONE, identity_columns
from communities.rules import mask_phone
from transfers.registry import Column, ExportList, register

from . import listings


def _state(resident):
    """The resident's status row (select_related), or None: not vaccinated."""
    return getattr(resident, "vaccination", None)


def _status(resident) -> str:
    state = _state(resident)
    return state.get_status_display() if state else str(_("Not vaccinated"))


def resident_columns(user):
    return [
        *identity_columns(""),
        Column(_("Vaccination status"), _status),
        Column(_("full course on"), lambda r: getattr(_state(r), "full_course_on", None)),
        Column(_("booster on"), lambda r: getattr(_state(r), "booster_on", None)),
    ]


def due_columns(user):
    return [
        *identity_columns(),
        Column(PHONE, lambda s: mask_phone(s.resident.phone)),
        Column(_("full course on"), lambda s: s.full_course_on),
        Column(_("booster reminder sent"), lambda s: s.reminded_at),
    ]


register(
    ExportList(
        name="vaccination",
        title=_("Vaccination of residents"),
        rows=listings.residents,
        columns=resident_columns,
        params=("node", "status", "band"),
    ),
    ExportList(
        name="boosters-due",
        title=_("Boosters due"),
        rows=listings.due,
        columns=due_columns,
        params=("node", "band"),
    ),
)
