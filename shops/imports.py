"""The street's shop register as a kind of file of the one import path (transfers): the
street supervisor's, rows checked against the street's grids; all rows or none."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transfers.registry import ImportKind, Problem, register_import

from . import access, services
from .forms_campaigns import COLUMNS, HEADINGS, OPTIONAL_COLUMNS


def shops_check(user, rows: list[dict]):
    street = access.street_of(user)
    if street is None:
        message = _("Your account is not placed at a street; the import needs one.")
        return [Problem(1, "", "", message)], None
    refused, plan = services.shops_check(rows=rows, street=street)
    return [Problem(row, "", name, reason) for row, name, reason in refused], plan


def shops_store(user, plan) -> int:
    return services.shops_store(plan=plan)


def shops_describe(plan) -> str:
    return _("%(added)s new shops, %(changed)s shops updated.") % {
        "added": len(plan["added"]),
        "changed": len(plan["changed"]),
    }


register_import(
    ImportKind(
        name="shops",
        title=gettext_lazy("Shops"),
        columns=COLUMNS,
        optional=OPTIONAL_COLUMNS,
        headings=HEADINGS,
        check=shops_check,
        store=shops_store,
        describe=shops_describe,
        allowed=access.can_manage_campaigns,
        example={
            "name": "通达街药房",
            "address": "通达街1号",
            "community": "通达街社区",
            "grid": "第1网格",
            "road": "通达街",
            "kind": "药店",
            "licence_number": "91140105MA0XXXXX1X",
            "contact_phone": "13912345678",
            "venue_code_posted": "是",
        },
        help=gettext_lazy(
            "A new shop (community, grid, name and address) is added; a known one takes the "
            "file's road, kind, licence, phone and venue code."
        ),
    ),
)
