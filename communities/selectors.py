"""Reads. Each selector takes the acting user and starts from communities.access."""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404

from . import access
from .models import Jurisdiction, User


@dataclass(frozen=True)
class NodeCounts:
    node: Jurisdiction
    residents: int
    shops: int
    grids: int


def jurisdiction_list(*, user: User) -> QuerySet[Jurisdiction]:
    return access.jurisdictions_for(user).select_related("parent")


def jurisdiction_get(*, user: User, pk: int) -> Jurisdiction:
    return get_object_or_404(jurisdiction_list(user=user), pk=pk)


def home_root(*, user: User) -> Jurisdiction | None:
    """The node a user's home page is about (a superuser without one: the city)."""
    if user.jurisdiction_id:
        return user.jurisdiction
    if access.is_citywide(user):
        return Jurisdiction.objects.filter(level=Jurisdiction.Level.CITY).first()
    return None


def _per_grid(qs) -> Counter:
    """Counts per grid path in one grouped query."""
    return Counter(
        {row["grid__path"]: row["n"] for row in qs.values("grid__path").annotate(n=Count("*"))}
    )


def _roll_up(per_grid: Counter, node: Jurisdiction) -> int:
    return sum(n for path, n in per_grid.items() if path.startswith(node.path))


def node_breakdown(*, user: User, node: Jurisdiction) -> list[NodeCounts]:
    """The visible children of `node` (for a grid worker, the grids they serve) with the
    residents, shops and grids under each: four queries whatever the number of children."""
    children = list(jurisdiction_list(user=user).filter(parent=node).order_by("path"))
    if not children:
        return []
    residents = _per_grid(access.residents_for(user).filter(grid__path__startswith=node.path))
    shops = _per_grid(access.shops_for(user).filter(grid__path__startswith=node.path))
    grid_paths = list(
        access.grids_for(user).filter(path__startswith=node.path).values_list("path", flat=True)
    )
    return [
        NodeCounts(
            node=child,
            residents=_roll_up(residents, child),
            shops=_roll_up(shops, child),
            grids=sum(1 for p in grid_paths if p.startswith(child.path)),
        )
        for child in children
    ]


def home_counts(*, user: User) -> dict[str, int]:
    return {
        "residents": access.residents_for(user).count(),
        "shops": access.shops_for(user).count(),
        "grids": access.grids_for(user).count(),
        "staff": access.users_for(user).count(),
    }
