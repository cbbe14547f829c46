"""The figures that apps building on communities add to the home page and to the breakdown
of a node (the shops of shops). The core counts its own rows (residents, grids, staff); an
app registers the rows it keeps from its AppConfig.ready, as the set a user may see (from
its own access.py), so that the core shows them without importing the app."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.functional import Promise


@dataclass(frozen=True)
class Figure:
    key: str  # its name in the counts, on each row of a breakdown and in the page's test ids
    label: str | Promise  # the heading (a lazy translation)
    visible: Callable[..., QuerySet]  # user → the rows they may see; each row has a `grid`
    # node (or None) → the address of the list behind the count, narrowed to the node
    list_url: Callable[..., str] | None = None


_FIGURES: dict[str, Figure] = {}


def register(
    *,
    key: str,
    label: str | Promise,
    visible: Callable[..., QuerySet],
    list_url: Callable[..., str] | None = None,
) -> None:
    """Add a figure; registering a key again replaces its figure."""
    _FIGURES[key] = Figure(key=key, label=label, visible=visible, list_url=list_url)


def registered() -> list[Figure]:
    """The figures in the order they were registered (the order of the apps)."""
    return list(_FIGURES.values())
