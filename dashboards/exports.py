"""The dashboard's tables as exports (导出): the children's figures of today and the open
tasks per grid worker, of the node the dashboard shows (?node=, the user's own if not
given; outside their reach: a 404 as on the page)."""

from django.core.exceptions import PermissionDenied
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.exports import person_name
from communities.models import Jurisdiction
from transfers.registry import Column, ExportList, register

from . import access, selectors
from .views import COLUMNS, LABELS


def _node(user, params: QueryDict) -> Jurisdiction:
    if not access.can_see_dashboards(user):
        raise PermissionDenied
    value = params.get("node", "")
    if value and not value.isdigit():
        raise Http404
    return selectors.dashboard_node(user=user, pk=int(value) if value else None)


def figure_rows(user, params: QueryDict) -> list:
    node = _node(user, params)
    children = selectors.children_of(user=user, node=node)
    mine, rows = selectors.figures_of(node=node, children=children, today=timezone.localdate())
    return [mine, *rows]


def figure_columns(user):
    return [
        Column(_("Place"), lambda row: row.node.name),
        *[Column(LABELS[name], lambda row, name=name: row.values[name]) for name in COLUMNS],
    ]


def workload_rows(user, params: QueryDict) -> list:
    node = _node(user, params)
    return selectors.workload(user=user, node=node, now=timezone.now())


def workload_columns(user):
    def worker(load):
        if load.worker is None:
            return _("No grid worker serves them")
        return person_name(load.worker)

    return [
        Column(_("Grid worker"), worker),
        Column(_("Open tasks"), lambda load: load.open),
        Column(_("Tasks overdue"), lambda load: load.overdue),
    ]


register(
    ExportList(
        name="figures",
        title=_("Figures of today"),
        rows=figure_rows,
        columns=figure_columns,
        allowed=access.can_see_dashboards,
        params=("node",),
    ),
    ExportList(
        name="workload",
        title=_("Open tasks per grid worker"),
        rows=workload_rows,
        columns=workload_columns,
        allowed=access.can_see_dashboards,
        params=("node",),
    ),
)
