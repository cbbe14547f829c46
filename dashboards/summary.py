"""Keeping the summary rows (issue 14): one grouped query a figure over the whole city, by
grid (or by community, for what belongs to a community), rolled up the tree in Python
along each node's materialized path, and written as one row per node for the day. The
cost is that of the grouped queries, whatever the number of nodes; a beat task runs it
every few minutes (tasks.refresh_task) and the day's rows stay as that day's history."""

import logging
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Greatest
from django.utils import timezone

from communities import selectors
from communities.models import (
    APPEAL_REMIND_AFTER,
    Anomaly,
    Appeal,
    ArrivalReport,
    CodeChangeProposal,
    ControlMeasure,
    DecisionReview,
    GridTask,
    Jurisdiction,
    NucleicAcidTest,
    Resident,
    Stay,
)
from communities.rules.policy import MeasureKind
from communities.selectors_care import ENDING_DAYS
from shops.models import Shop

from .models import COUNT_NAMES, FIGURE_NAMES, ArrivalDay, NodeDay

log = logging.getLogger(__name__)

# How far ahead "measures ending soon" looks, the age at which an appeal is late (the
# staff are reminded then), and the days of arrivals kept by province (the trend's
# window).
APPEAL_LATE = APPEAL_REMIND_AFTER  # the appeals list shows them as a warning from then
TREND_DAYS = 30
NO_PROVINCE = ""  # an arrival without a stay (from abroad): shown as such
REFRESH_LOCK = 7_140_001  # PostgreSQL advisory lock key of the refresh


def _by(queryset: QuerySet, key: str) -> Counter:
    """{value of `key`: rows} in one grouped query."""
    rows = queryset.order_by().values(key).annotate(n=Count("*")).values_list(key, "n")
    return Counter(dict(rows))


def _by_two(queryset: QuerySet, key: str, other: str) -> dict[str, Counter]:
    """{value of `other`: {value of `key`: rows}} in one grouped query."""
    out: dict[str, Counter] = defaultdict(Counter)
    rows = queryset.order_by().values(key, other).annotate(n=Count("*"))
    for row in rows.values_list(key, other, "n"):
        out[row[1]][row[0]] += row[2]
    return out


def grid_figures(now: datetime) -> dict[str, Counter]:
    """Each figure of the day as {grid or community id: count}: the leaves the tree sums."""
    today = timezone.localdate(now)
    active = ControlMeasure.objects.filter(state=ControlMeasure.State.ACTIVE)
    pending = NucleicAcidTest.objects.filter(result=NucleicAcidTest.Result.PENDING)
    appeals = Appeal.objects.exclude(state=Appeal.State.RESOLVED)
    tasks = GridTask.objects.filter(state=GridTask.State.OPEN)
    codes = _by_two(Resident.objects.all(), "grid_id", "code")
    figures = {
        "residents": sum(codes.values(), Counter()),
        **{code: codes.get(code, Counter()) for code in ("green", "yellow", "red")},
        **_phases_today(active, today),
        "under_measure": _by(active, "resident__grid_id"),
        "measures_ending": _by(
            active.filter(end__gte=today, end__lt=today + timedelta(days=ENDING_DAYS)),
            "resident__grid_id",
        ),
        "tests_due_today": _by(pending.filter(due=today), "resident__grid_id"),
        "tests_overdue": _by(pending.filter(due__lt=today), "resident__grid_id"),
        "results_pending": _by(
            pending.filter(sampled_at__isnull=False, due__lte=today), "resident__grid_id"
        ),
        "followups_missing": _by(selectors.missing_today(active, today=today), "resident__grid_id"),
        "anomalies_open": _by(Anomaly.objects.open(), "resident__grid_id"),
        "appeals_open": _by(appeals, "resident__grid_id"),
        "appeals_late": _by(appeals.filter(created_at__lte=now - APPEAL_LATE), "resident__grid_id"),
        "appeals_overdue": _by(appeals.filter(due_at__lte=now), "resident__grid_id"),
        "reviews_open": _by(
            DecisionReview.objects.filter(state=DecisionReview.State.OPEN), "resident__grid_id"
        ),
        "proposals_pending": _by(
            CodeChangeProposal.objects.filter(state=CodeChangeProposal.State.PENDING),
            "resident__grid_id",
        ),
        "tasks_open": _by(tasks, "community_id"),
        "tasks_late": _by(tasks.filter(due_at__lt=now), "community_id"),
        "arrivals": _by(_arrivals().filter(arrival_date=today), "community_id"),
        "grids": Counter(
            dict.fromkeys(
                Jurisdiction.objects.filter(level=Jurisdiction.Level.GRID).values_list(
                    "pk", flat=True
                ),
                1,
            )
        ),
        "shops": _by(Shop.objects.all(), "grid_id"),
    }
    return figures


def _phases_today(active: QuerySet, today: date) -> dict[str, Counter]:
    """The residents under each kind of measure today: the phase of their active measure
    that runs today (phases are stored with the measure, as JSON; a phase without its
    dates runs its `days` after the one before, from the measure's start)."""
    out: dict[str, Counter] = defaultdict(Counter)
    rows = active.filter(start__lte=today, end__gte=today).values_list(
        "resident__grid_id", "start", "phases"
    )
    for grid_id, start, phases in rows.iterator(chunk_size=5000):
        for phase in phases or []:
            try:
                first = date.fromisoformat(phase["start"]) if "start" in phase else start
                last = (
                    date.fromisoformat(phase["end"])
                    if "end" in phase
                    else first + timedelta(days=phase["days"] - 1)
                )
            except (KeyError, TypeError, ValueError):
                log.warning("summary: a measure's phase without its dates or days: %r", phase)
                break
            if first <= today <= last:
                out[phase["kind"]][grid_id] += 1
                break
            start = last + timedelta(days=1)
    return {kind.value: out.get(kind.value, Counter()) for kind in MeasureKind}


def _arrivals() -> QuerySet[ArrivalReport]:
    return ArrivalReport.objects.exclude(state=ArrivalReport.State.REJECTED)


def roll_up(leaves: Counter, paths: dict[int, str]) -> Counter:
    """{node id: the sum over its subtree} from counts on leaves (grids or communities)."""
    total: Counter = Counter()
    for leaf, count in leaves.items():
        path = paths.get(leaf)
        if path is None or not count:
            continue
        for part in path.strip("/").split("/"):
            total[int(part)] += count
    return total


@transaction.atomic
def refresh(now: datetime | None = None) -> int:
    """Write today's row of every node and the last TREND_DAYS days of arrivals by
    province; returns the number of nodes. Runs again safely: a row is replaced."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    if connection.vendor == "postgresql":  # one refresh at a time (beat and a manual run)
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [REFRESH_LOCK])
    paths = dict(Jurisdiction.objects.values_list("pk", "path"))
    totals = {name: roll_up(leaves, paths) for name, leaves in grid_figures(now).items()}
    rows = [
        NodeDay(
            node_id=node_id,
            day=today,
            refreshed_at=now,
            **{name: totals[name].get(node_id, 0) for name in (*FIGURE_NAMES, *COUNT_NAMES)},
        )
        for node_id in paths
    ]
    NodeDay.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["node", "day"],
        update_fields=["refreshed_at", *FIGURE_NAMES, *COUNT_NAMES],
    )
    _arrival_days_refresh(today, paths)
    return len(rows)


def _arrival_days_refresh(today: date, paths: dict[int, str]) -> None:
    since = today - timedelta(days=TREND_DAYS - 1)
    last_stay = Stay.objects.filter(arrival=OuterRef("pk")).order_by("-end", "-pk")
    arrivals = _arrivals().filter(arrival_date__gte=since, arrival_date__lte=today)
    rows = (
        arrivals.annotate(origin=Subquery(last_stay.values("province")[:1]))
        .order_by()
        .values_list("community_id", "arrival_date", "origin")
        .annotate(n=Count("*"))
    )
    per_day: dict[tuple[date, str], Counter] = defaultdict(Counter)
    for community_id, day, origin, count in rows:
        per_day[(day, origin or NO_PROVINCE)][community_id] += count
    ArrivalDay.objects.filter(day__gte=since).delete()
    ArrivalDay.objects.bulk_create(
        (
            ArrivalDay(node_id=node_id, day=day, province=province, count=count)
            for (day, province), leaves in per_day.items()
            for node_id, count in roll_up(leaves, paths).items()
        ),
        batch_size=2000,
    )


def counts_changed(grid_id: int, deltas: dict[str, int]) -> None:
    """Add a service's change of one grid's counts (communities.figures.counts_changed) to
    today's rows of the grid and every node above it, in the service's transaction. The
    rows are locked in the order of their nodes, as every such change locks them, so that
    two changes under the same street wait for each other instead of deadlocking; a
    refresh running meanwhile replaces them with what it counted (at worst without this
    change until the next one). Days without rows yet are left to the refresh."""
    names = [name for name in deltas if name in FIGURE_NAMES]
    path = Jurisdiction.objects.filter(pk=grid_id).values_list("path", flat=True).first()
    if not names or path is None:
        return
    nodes = [int(part) for part in path.strip("/").split("/")]
    today = NodeDay.objects.filter(day=timezone.localdate(), node_id__in=nodes)
    locked = list(today.select_for_update().order_by("node_id").values_list("pk", flat=True))
    NodeDay.objects.filter(pk__in=locked).update(
        **{name: Greatest(F(name) + deltas[name], 0) for name in names}
    )
