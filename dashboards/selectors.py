"""Reads of the dashboards: a node's summary rows (today's, yesterday's and the trend's
days), its children's, and the few live lists a supervisor acts on (appeals with their
clock). Each read takes the acting user and starts from dashboards.access."""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from communities import access as core_access
from communities.models import Appeal, GridTask, Jurisdiction, User
from communities.selectors import home_root
from shops.access import campaigns_for, shops_for
from shops.models import Shop

from . import access
from .models import FIGURE_NAMES, ArrivalDay, DailyReport, NodeDay
from .summary import TREND_DAYS

Role = User.Role
TOP_PROVINCES = 6  # the provinces drawn apart in the arrivals chart; the rest together


def dashboard_node(*, user: User, pk: int | None) -> Jurisdiction:
    """The node of the dashboard: `pk` within the user's reach (a 404 otherwise), or the
    user's own node."""
    nodes = access.dashboard_nodes(user)
    if pk is None:
        root = home_root(user=user)
        pk = root.pk if root else None
    return get_object_or_404(nodes, pk=pk)


@dataclass
class Figures:
    """A node's figures on a day, with the change since the day before (None where the
    day before has no row)."""

    node: Jurisdiction
    today: NodeDay | None
    before: NodeDay | None
    values: dict[str, int] = field(default_factory=dict)
    change: dict[str, int | None] = field(default_factory=dict)

    def __post_init__(self):
        for name in FIGURE_NAMES:
            now = getattr(self.today, name, 0) if self.today else 0
            self.values[name] = now
            before = getattr(self.before, name, None) if self.before else None
            self.change[name] = None if before is None else now - before


def figures_of(*, node: Jurisdiction, children: list[Jurisdiction], today: date):
    """(the node's Figures, its children's) from today's and yesterday's rows: one query."""
    ids = [node.pk, *(child.pk for child in children)]
    rows = NodeDay.objects.filter(node_id__in=ids, day__in=[today, today - timedelta(days=1)])
    by_key = {(row.node_id, row.day): row for row in rows}

    def of(n):
        return Figures(n, by_key.get((n.pk, today)), by_key.get((n.pk, today - timedelta(1))))

    return of(node), [of(child) for child in children]


def children_of(*, user: User, node: Jurisdiction) -> list[Jurisdiction]:
    """The node's children the user sees, in the tree's order."""
    visible = core_access.jurisdictions_for(user)
    return list(visible.filter(parent=node).order_by("path"))


def trend(*, node: Jurisdiction, today: date) -> list[NodeDay]:
    """The node's rows of the last TREND_DAYS days, oldest first (a day without a refresh
    has no row)."""
    since = today - timedelta(days=TREND_DAYS - 1)
    return list(NodeDay.objects.filter(node=node, day__gte=since, day__lte=today).order_by("day"))


def arrivals_by_province(*, node: Jurisdiction, today: date) -> tuple[list[str], dict]:
    """(the provinces drawn, {province or "": {day: arrivals}}) of the last TREND_DAYS
    days; the provinces beyond the TOP_PROVINCES busiest are summed under None."""
    since = today - timedelta(days=TREND_DAYS - 1)
    rows = ArrivalDay.objects.filter(node=node, day__gte=since).values_list(
        "province", "day", "count"
    )
    per: dict[str, dict[date, int]] = {}
    totals: dict[str, int] = {}
    for province, day, count in rows:
        per.setdefault(province, {})[day] = count
        totals[province] = totals.get(province, 0) + count
    top = sorted(totals, key=lambda p: (-totals[p], p))[:TOP_PROVINCES]
    series = {p: per[p] for p in top}
    rest: dict[date, int] = {}
    for province, days in per.items():
        if province not in series:
            for day, count in days.items():
                rest[day] = rest.get(day, 0) + count
    if rest:
        series[None] = rest
    return top, series


def appeals_open(*, user: User, node: Jurisdiction, limit: int = 20) -> QuerySet[Appeal]:
    """The node's unresolved appeals the user sees, the least time left first."""
    return (
        core_access.appeals_for(user)
        .filter(resident__grid__path__startswith=node.path)
        .exclude(state=Appeal.State.RESOLVED)
        .select_related("resident")
        .order_by("due_at", "pk")[:limit]
    )


def report_get(*, user: User, pk: int) -> DailyReport:
    """A daily report of a node within the user's reach (a 404 otherwise)."""
    reports = DailyReport.objects.filter(node__in=access.dashboard_nodes(user))
    return get_object_or_404(reports.select_related("node"), pk=pk)


def reports_beside(*, report: DailyReport) -> list[DailyReport]:
    """The same day's reports of the report's children (a district's streets, the city's
    districts), side by side in the tree's order."""
    return list(
        DailyReport.objects.filter(day=report.day, node__parent=report.node)
        .defer("lists")  # only their figures are shown beside
        .select_related("node")
        .order_by("node__path")
    )


def report_list(*, node: Jurisdiction, days: int = 60) -> QuerySet[DailyReport]:
    """The node's reports of the last `days` days, the latest first."""
    return DailyReport.objects.filter(node=node).defer("lists").order_by("-day")[:days]


@dataclass
class Sweep:
    """The street sweep under a node: its shops by placard (a reminder running: no
    placard yet, reminded), the red ones due for re-inspection, and the campaigns running."""

    shops: int
    green: int
    red: int
    reminded: int
    red_due: int
    campaigns: list


def sweep(*, user: User, node: Jurisdiction, today: date) -> Sweep:
    """Two queries, whatever the number of shops or campaigns."""
    placard = Shop.Placard
    shops = shops_for(user).filter(grid__path__startswith=node.path)
    counts = shops.aggregate(
        shops=Count("pk"),
        green=Count("pk", filter=Q(placard=placard.GREEN)),
        red=Count("pk", filter=Q(placard=placard.RED)),
        reminded=Count("pk", filter=Q(placard=placard.NONE, reminders__gt=0)),
        red_due=Count("pk", filter=Q(placard=placard.RED, reinspection_due__lte=today)),
    )
    campaigns = list(
        campaigns_for(user)
        .filter(street__path__startswith=node.path, starts_on__lte=today, ends_on__gte=today)
        .select_related("street")
        .order_by("street__path", "starts_on")
    )
    return Sweep(**counts, campaigns=campaigns)


@dataclass
class Load:
    worker: User | None  # None: the tasks no grid worker serves
    open: int = 0
    overdue: int = 0


def workload(*, user: User, node: Jurisdiction, now, limit: int = 30) -> list[Load]:
    """Open tasks per grid worker under the node, the busiest first (at most `limit`),
    after the tasks nobody serves, if any: a task about a resident is the work of every
    active grid worker serving that resident's grid, one without a resident yet of those
    serving a grid of its community (DOMAIN.md section 5; communities.access.tasks_for
    and selectors.nobody_serves draw the same lines, and the task list behind each count
    uses them). Whoever serves a grid under the node counts, wherever they are placed;
    the rows name the workers the user may see. Four queries."""
    active = User.objects.filter(role=Role.GRID_WORKER, is_active=True)
    serving = User.grids.through.objects.filter(
        user__in=active, jurisdiction__path__startswith=node.path
    )
    served = list(serving.values_list("user_id", "jurisdiction_id", "jurisdiction__parent_id"))
    served += active.filter(
        jurisdiction__level=Jurisdiction.Level.GRID, jurisdiction__path__startswith=node.path
    ).values_list("pk", "jurisdiction_id", "jurisdiction__parent_id")
    by_grid: dict[int, set[int]] = defaultdict(set)  # grid → its workers
    by_community: dict[int, set[int]] = defaultdict(set)  # community → its workers
    for worker_id, grid_id, community_id in served:
        by_grid[grid_id].add(worker_id)
        by_community[community_id].add(worker_id)
    workers = core_access.users_for(user).filter(role=Role.GRID_WORKER, is_active=True)
    workers = workers.filter(
        Q(jurisdiction__path__startswith=node.path) | Q(pk__in=serving.values("user_id"))
    )
    loads = {w.pk: Load(w) for w in workers.order_by("username")}
    nobody = Load(None)
    tasks = (
        core_access.tasks_for(user)
        .filter(state=GridTask.State.OPEN, community__path__startswith=node.path)
        .order_by()
        .values_list("resident__grid_id", "community_id")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_at__lt=now)))
    )
    for grid_id, community_id, n, late in tasks:
        owners = by_grid[grid_id] if grid_id is not None else by_community[community_id]
        for load in [loads[w] for w in owners if w in loads] if owners else [nobody]:
            load.open += n
            load.overdue += late
    ranked = sorted(
        loads.values(), key=lambda load: (-load.open, -load.overdue, load.worker.username)
    )
    return ([nobody] if nobody.open else []) + ranked[:limit]
