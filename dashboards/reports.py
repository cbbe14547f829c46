"""Building the daily reports (日报告, issue 14): at 06:00 the report of the day before for
every street, every district and the city, in one pass over the city: the day's figures
from the summary rows, and the day's events read once each (grouped counts, and the rows
of the lists), each handed to the report nodes above it along its materialized path."""

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta
from statistics import mean

from django.db import transaction
from django.utils import timezone

from communities.models import (
    Anomaly,
    Appeal,
    ArrivalReport,
    HealthCodeEvent,
    Jurisdiction,
)
from communities.selectors import day_bounds
from shops.models import Inspection

from . import registry
from .models import FIGURE_NAMES, DailyReport, NodeDay
from .summary import roll_up

LEVELS = (
    Jurisdiction.Level.STREET,
    Jurisdiction.Level.DISTRICT,
    Jurisdiction.Level.CITY,
)
# The level whose reports hold the day's lists; a district's or the city's report holds
# the figures, its children's side by side (the lists are in each street's report).
LISTED = Jurisdiction.Level.STREET
# A report not built by then (local time, the morning after its day) shows as missing
# on the level above.
DUE = time(7, 0)
# The lists of a report: key → the columns of its rows (in the order of the files).
LISTS = {
    "anomalies": ("time", "grid", "name", "kind", "detail"),
    "releases": ("time", "grid", "name", "rule", "reason"),
    "appeals": ("filed", "resolved", "hours", "grid", "name", "outcome"),
    "inspections": ("time", "grid", "shop", "outcome"),
}


def due_at(day: date) -> datetime:
    """When the report of `day` is due (DUE, the morning after)."""
    zone = timezone.get_current_timezone()
    return datetime.combine(day + timedelta(days=1), DUE, tzinfo=zone)


@transaction.atomic
def build(day: date, *, now: datetime | None = None) -> int:
    """Build (or build again) the reports of `day`; returns how many."""
    now = now or timezone.now()
    nodes = list(Jurisdiction.objects.values_list("pk", "path", "level", "name"))
    paths = {pk: path for pk, path, _level, _name in nodes}
    levels = {pk: level for pk, _path, level, _name in nodes}
    names = {pk: name for pk, _path, _level, name in nodes}
    reported = {pk for pk, _path, level, _name in nodes if level in LEVELS}
    start, end = day_bounds(day)
    rows = NodeDay.objects.filter(day=day, node_id__in=reported)
    figures = {row.node_id: {name: getattr(row, name) for name in FIGURE_NAMES} for row in rows}
    as_of = {row.node_id: row.refreshed_at.isoformat() for row in rows}
    by_rule = _arrivals_by_rule(start, end, paths)
    lists = _lists(start, end, names)
    extra = defaultdict(dict)  # the other apps' figures (registry.report_figures)
    for registered in registry.report_figures():
        nodes_of = {pk: (paths[pk], levels[pk]) for pk in reported}
        for node_id, values in registered.values(day, nodes_of).items():
            extra[node_id].update(values)
    reports = []
    for node_id in reported:
        path = paths[node_id]
        mine = {key: [row for p, row in rows if p.startswith(path)] for key, rows in lists.items()}
        hours = [row["hours"] for row in mine["appeals"]]
        outcomes = Counter(row["outcome_value"] for row in mine["inspections"])
        mine["inspections"] = [
            {k: v for k, v in row.items() if k != "outcome_value"} for row in mine["inspections"]
        ]
        rules = {rule: counts[node_id] for rule, counts in by_rule.items() if counts[node_id]}
        reports.append(
            DailyReport(
                node_id=node_id,
                day=day,
                built_at=now,
                figures={
                    "day": figures.get(node_id),
                    "day_as_of": as_of.get(node_id),  # the day's last refresh
                    "arrivals": sum(rules.values()),
                    "arrivals_by_rule": dict(sorted(rules.items())),
                    "anomalies_new": len(mine["anomalies"]),
                    "releases": len(mine["releases"]),
                    "appeals_resolved": len(hours),
                    "appeals_hours_mean": round(mean(hours), 1) if hours else None,
                    "appeals_hours_max": max(hours) if hours else None,
                    "inspections": sum(outcomes.values()),
                    "placards_green": outcomes.get(Inspection.Outcome.GREEN, 0),
                    "placards_red": outcomes.get(Inspection.Outcome.RED, 0),
                    "reminders": outcomes.get(Inspection.Outcome.REMINDER, 0),
                    **extra.get(node_id, {}),
                },
                lists=mine if levels[node_id] == LISTED else {},
            )
        )
    DailyReport.objects.bulk_create(
        reports,
        batch_size=500,
        update_conflicts=True,
        unique_fields=["node", "day"],
        update_fields=["built_at", "figures", "lists"],
    )
    return len(reports)


def _arrivals_by_rule(start, end, paths) -> dict[str, Counter]:
    """{rule: {node id: arrivals filed that day}} (a rule-less arrival: R0)."""
    rows = (
        ArrivalReport.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(state=ArrivalReport.State.REJECTED)
        .order_by()
        .values_list("community_id", "decided_rule")
    )
    leaves: dict[str, Counter] = defaultdict(Counter)
    for community_id, rule in rows.iterator(chunk_size=5000):
        leaves[rule or "R0"][community_id] += 1
    return {rule: roll_up(counts, paths) for rule, counts in leaves.items()}


def _local(moment: datetime) -> str:
    return timezone.localtime(moment).strftime("%H:%M")


def _lists(start, end, names) -> dict[str, list[tuple[str, dict]]]:
    """The day's rows of each list as (the grid's path, row), oldest first."""
    anomalies = (
        Anomaly.objects.filter(created_at__gte=start, created_at__lt=end)
        .order_by("created_at", "pk")
        .values_list(
            "resident__grid__path",
            "resident__grid_id",
            "resident__name",
            "kind",
            "detail",
            "created_at",
        )
    )
    kinds = dict(Anomaly.Kind.choices)
    releases = (
        HealthCodeEvent.objects.filter(
            kind=HealthCodeEvent.Kind.RELEASE, created_at__gte=start, created_at__lt=end
        )
        .order_by("created_at", "pk")
        .values_list(
            "resident__grid__path",
            "resident__grid_id",
            "resident__name",
            "rule",
            "reason",
            "created_at",
        )
    )
    appeals = (
        Appeal.objects.filter(resolved_at__gte=start, resolved_at__lt=end)
        .order_by("resolved_at", "pk")
        .values_list(
            "resident__grid__path",
            "resident__grid_id",
            "resident__name",
            "outcome",
            "created_at",
            "resolved_at",
        )
    )
    outcomes = dict(Appeal.Outcome.choices)
    inspections = (
        Inspection.objects.filter(inspected_at__gte=start, inspected_at__lt=end)
        .order_by("inspected_at", "pk")
        .values_list("shop__grid__path", "shop__grid_id", "shop__name", "outcome", "inspected_at")
    )
    results = dict(Inspection.Outcome.choices)
    return {
        "anomalies": [
            (
                path,
                {
                    "time": _local(at),
                    "grid": _grid(names, grid),
                    "name": name,
                    "kind": str(kinds.get(kind, kind)),
                    "detail": detail,
                },
            )
            for path, grid, name, kind, detail, at in anomalies.iterator(chunk_size=2000)
        ],
        "releases": [
            (
                path,
                {
                    "time": _local(at),
                    "grid": _grid(names, grid),
                    "name": name,
                    "rule": rule,
                    "reason": reason,
                },
            )
            for path, grid, name, rule, reason, at in releases.iterator(chunk_size=2000)
        ],
        "appeals": [
            (
                path,
                {
                    "filed": timezone.localtime(filed).strftime("%m-%d %H:%M"),
                    "resolved": _local(resolved),
                    "hours": round((resolved - filed).total_seconds() / 3600, 1),
                    "grid": _grid(names, grid),
                    "name": name,
                    "outcome": str(outcomes.get(outcome, outcome)),
                },
            )
            for path, grid, name, outcome, filed, resolved in appeals.iterator(chunk_size=2000)
        ],
        "inspections": [
            (
                path,
                {
                    "time": _local(at),
                    "grid": _grid(names, grid),
                    "shop": shop,
                    "outcome": str(results.get(outcome, outcome)),
                    "outcome_value": outcome,
                },
            )
            for path, grid, shop, outcome, at in inspections.iterator(chunk_size=2000)
        ],
    }


def _grid(names: dict[int, str], grid_id: int) -> str:
    return names.get(grid_id, "")


def missing(*, parent: Jurisdiction, day: date, now: datetime | None = None) -> list:
    """The children of `parent` that are due a report of `day` and have none (only once
    the report is due: DUE the morning after). A child is due one when it was there that
    day, which its summary row of the day tells: a street made after the day owes none."""
    now = now or timezone.now()
    if now < due_at(day):
        return []
    counted = NodeDay.objects.filter(day=day).values("node_id")
    children = Jurisdiction.objects.filter(parent=parent, level__in=LEVELS, pk__in=counted)
    built = DailyReport.objects.filter(day=day, node__parent=parent).values("node_id")
    return list(children.exclude(pk__in=built).order_by("path"))
