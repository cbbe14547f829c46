"""The figures that apps building on communities add to the home page and to the breakdown
of a node (the shops of shops). The core counts its own rows (residents, grids, staff); an
app registers the rows it keeps from its AppConfig.ready, as the set a user may see (from
its own access.py), so that the core shows them without importing the app.

An app also registers what of its work waits for a user (shops: the red shops due for
re-inspection, for the street supervisor), which joins the home page's inbox and the menu's
count, and panels of its own on the home page (shops: the joint group's sweep)."""

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


@dataclass(frozen=True)
class Waiting:
    """A list of work on the home page: its size links to the list behind it, which shows
    as many."""

    label: str | Promise
    count: int
    url: str
    testid: str
    # How many of `count` the menu's total takes: None for all of them, fewer where
    # another count of the same inbox holds the rest already.
    adds: int | None = None

    @property
    def in_total(self) -> int:
        return self.count if self.adds is None else self.adds


@dataclass(frozen=True)
class Panel:
    """Counts of an app's own on the home page, under their title (not in the inbox)."""

    key: str
    title: str | Promise
    items: list[Waiting]


_WAITING: dict[str, Callable[..., list[Waiting]]] = {}
_PANELS: dict[str, Callable[..., Panel | None]] = {}


def register_waiting(*, key: str, producer: Callable[..., list[Waiting]]) -> None:
    """Add to the inbox what `producer(user)` finds waiting for the user (an empty list
    for a role it is not the step of), starting from the app's access.py."""
    _WAITING[key] = producer


def register_panel(*, key: str, producer: Callable[..., Panel | None]) -> None:
    """Add a panel to the home page: `producer(user)` gives it, or None for a user it is
    not for."""
    _PANELS[key] = producer


def waiting_for(user) -> list[Waiting]:
    return [item for producer in _WAITING.values() for item in producer(user)]


def panels_for(user) -> list[Panel]:
    return [panel for producer in _PANELS.values() if (panel := producer(user)) is not None]


@dataclass(frozen=True)
class Summary:
    """Counts of the children of a node from an app's summary rows: {child id: {"residents",
    "grids", and figure keys: count}}, and when they were computed."""

    counts: dict[int, dict[str, int]]
    as_of: object  # an aware datetime


_SUMMARIES: list[Callable[..., Summary | None]] = []


def register_summary(source: Callable[..., Summary | None]) -> None:
    """Let `source(user, node, children)` answer a breakdown from kept counts (the
    dashboards' summary rows) instead of counting the subtree on every request; it gives
    None where it cannot (a user whose scope is not whole subtrees, no rows yet)."""
    if source not in _SUMMARIES:
        _SUMMARIES.append(source)


def summary_for(user, node, children) -> Summary | None:
    """The first registered source's counts for every child and every registered figure,
    or None: then the breakdown is counted."""
    keys = {"residents", "grids", *_FIGURES}
    for source in _SUMMARIES:
        found = source(user, node, children)
        if found is not None and all(
            keys <= set(found.counts.get(child.pk, ())) for child in children
        ):
            return found
    return None


# --- Kept counts that a service changes in its own transaction ------------------------------

_COUNT_CHANGES: list[Callable[[int, dict[str, int]], None]] = []


def register_count_change(receiver: Callable[[int, dict[str, int]], None]) -> None:
    """Let `receiver(grid_id, deltas)` hear of a service's change to the counts of one
    grid's residents (the dashboards add it to their summary rows of today)."""
    if receiver not in _COUNT_CHANGES:
        _COUNT_CHANGES.append(receiver)


def counts_changed(*, grid_id: int, deltas: dict[str, int]) -> None:
    """A service changed counts of the residents of `grid_id`, in the transaction it runs
    in: {"red": -1, "green": 1} for a code released, {"residents": 1, "green": 1} for a
    person registered, {"appeals_open": 1} for an appeal filed. The receivers write in the
    same transaction: the change and the count it moves commit or roll back together, and
    the dashboards need not wait for their next refresh. Changes made set-wise (a
    recompute, the nightly release) reach the counts at the refresh after them."""
    deltas = {name: n for name, n in deltas.items() if n}
    if deltas:
        for receiver in _COUNT_CHANGES:
            receiver(grid_id, deltas)


# --- Panels of an app's own on a resident's page -------------------------------------------


@dataclass(frozen=True)
class ResidentPanel:
    """A section of a resident's page that an app adds (vaccination: the doses)."""

    template: str
    context: dict


_RESIDENT_PANELS: dict[str, Callable[..., ResidentPanel | None]] = {}


def register_resident_panel(*, key: str, producer: Callable[..., ResidentPanel | None]) -> None:
    """Add a section to a resident's page: `producer(user, resident)` gives it, or None
    for a user it is not for."""
    _RESIDENT_PANELS[key] = producer


def resident_panels(user, resident) -> list[ResidentPanel]:
    return [
        panel
        for producer in _RESIDENT_PANELS.values()
        if (panel := producer(user, resident)) is not None
    ]
