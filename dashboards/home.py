"""The home page's breakdown from the summary rows (communities.figures.register_summary):
for the supervising roles, whose scope is whole subtrees, the children's residents, grids
and shops as the last refresh found them (and the services' changes since, summary.
counts_changed), instead of counting a million residents on every request. A grid
worker's children are the grids they serve, each one whole: their rows answer too."""

from django.utils import timezone

from communities.access import role_of
from communities.figures import Summary
from communities.models import User

from . import access
from .models import NodeDay


def summary(user, node, children) -> Summary | None:
    if not (access.can_see_dashboards(user) or role_of(user) == User.Role.GRID_WORKER):
        return None
    rows = {
        row.node_id: row
        for row in NodeDay.objects.filter(
            day=timezone.localdate(), node_id__in=[child.pk for child in children]
        )
    }
    if len(rows) < len(children):
        return None  # not refreshed yet today (or a new node): counted instead
    return Summary(
        counts={
            node_id: {"residents": row.residents, "grids": row.grids, "shops": row.shops}
            for node_id, row in rows.items()
        },
        as_of=min(row.refreshed_at for row in rows.values()),
    )
