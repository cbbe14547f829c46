"""The dashboard of a node (issue 14): the node's figures with the change since yesterday,
its children side by side (a child's name opens its own dashboard, one level down), the
trends of the last 30 days, arrivals by origin province, and the appeals with their clock.
Every number and every bar opens the list behind it, narrowed to the node."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from communities import access as core_access
from communities import routes
from communities.models import Jurisdiction
from communities.selectors_appeals import appeal_countdown

from . import access, registry, reports, selectors
from .models import FIGURES

LABELS = dict(FIGURES)

# figure → (the list's URL name, its filter besides ?node=; a callable value is computed
# when the link is made)
LINKS = {
    "residents": ("communities:resident-list", {}),
    "green": ("communities:resident-list", {"code": "green"}),
    "yellow": ("communities:resident-list", {"code": "yellow"}),
    "red": ("communities:resident-list", {"code": "red"}),
    "under_measure": ("care:followup-list", {}),
    "centralized_quarantine": ("care:followup-list", {"kind": "centralized_quarantine"}),
    "home_quarantine": ("care:followup-list", {"kind": "home_quarantine"}),
    "home_health_monitoring": ("care:followup-list", {"kind": "home_health_monitoring"}),
    "self_health_monitoring": ("care:followup-list", {"kind": "self_health_monitoring"}),
    "measures_ending": ("care:followup-list", {"ending": "3"}),
    "tests_due_today": ("care:test-list", {"due": "today"}),
    "tests_overdue": ("care:test-list", {"due": "overdue"}),
    "results_pending": ("care:test-list", {"due": "sampled"}),
    "followups_missing": ("care:followup-list", {"missing": "today"}),
    "anomalies_open": ("care:anomaly-list", {}),
    "appeals_open": ("appeals:list", {"state": "open"}),
    "appeals_late": ("appeals:list", {"state": "late"}),
    "appeals_overdue": ("appeals:list", {"state": "overdue"}),
    "reviews_open": ("review:decision-review-list", {}),
    "proposals_pending": ("review:proposal-list", {"state": "pending"}),
    "tasks_open": ("tasks:task-list", {}),
    "tasks_late": ("tasks:task-list", {"late": "1"}),
    "arrivals": ("communities:arrival-list", {"day": lambda: timezone.localdate().isoformat()}),
}
# The node's cards, in groups: (heading, [figures]); a figure in DANGER is red when not 0.
CARDS = (
    (_("Health codes"), ["residents", "red", "yellow", "green"]),
    (
        _("Measures"),
        [
            "under_measure",
            "centralized_quarantine",
            "home_quarantine",
            "home_health_monitoring",
            "self_health_monitoring",
            "measures_ending",
        ],
    ),
    (
        _("Today's work"),
        ["tests_due_today", "tests_overdue", "results_pending", "followups_missing", "arrivals"],
    ),
    (
        _("Waiting for a decision"),
        [
            "anomalies_open",
            "appeals_open",
            "appeals_late",
            "appeals_overdue",
            "reviews_open",
            "proposals_pending",
            "tasks_open",
            "tasks_late",
        ],
    ),
)
DANGER = {"red", "tests_overdue", "appeals_late", "appeals_overdue", "tasks_late", "anomalies_open"}
# Lists only some roles may open: their numbers are links for those roles only.
GATES = {
    "arrivals": core_access.can_file_arrivals,
    "anomalies_open": core_access.can_resolve_anomalies,
    "reviews_open": core_access.can_see_reviews,
}
# The children's table: its columns.
COLUMNS = [
    "residents",
    "red",
    "yellow",
    "green",
    "under_measure",
    "tests_overdue",
    "followups_missing",
    "anomalies_open",
    "appeals_open",
    "tasks_open",
]
CODE_COLORS = {"green": "#198754", "yellow": "#ffc107", "red": "#dc3545"}
TREND_COLORS = {**CODE_COLORS, "arrivals": "#0d6efd", "under_measure": "#6c757d"}


def link(name: str, node: Jurisdiction) -> str | None:
    """The list behind figure `name` of `node`, narrowed to it (None: no list)."""
    if name not in LINKS:
        return None
    url_name, params = LINKS[name]
    params = {key: value() if callable(value) else value for key, value in params.items()}
    return routes.route(url_name) + "?" + urlencode({**params, "node": node.pk})


@login_required
@require_GET
def dashboard(request, pk=None):
    if not access.can_see_dashboards(request.user):
        raise PermissionDenied
    user = request.user
    node = selectors.dashboard_node(user=user, pk=pk)
    today = timezone.localdate()
    children = selectors.children_of(user=user, node=node)
    mine, rows = selectors.figures_of(node=node, children=children, today=today)
    reachable = set(  # the children whose dashboard the user may open
        access.dashboard_nodes(user)
        .filter(pk__in=[c.pk for c in children])
        .values_list("pk", flat=True)
    )
    context = {
        "node": node,
        "export_query": f"node={node.pk}",  # the tables' exports (partials/export_buttons)
        "ancestors": _ancestors(user, node),
        "refreshed_at": mine.today.refreshed_at if mine.today else None,
        "cards": [
            (heading, [_card(mine, name, user) for name in names]) for heading, names in CARDS
        ],
        "columns": [(name, LABELS[name]) for name in COLUMNS],
        "rows": [
            {
                "node": row.node,
                "drill": row.node.pk in reachable,
                "cells": [_card(row, name, user) for name in COLUMNS],
            }
            for row in rows
        ],
        "appeals": _with_countdown(selectors.appeals_open(user=user, node=node)),
        "missing_reports": reports.missing(parent=node, day=today - timedelta(days=1)),
        "sweep": _sweep(selectors.sweep(user=user, node=node, today=today), node),
        "workload": selectors.workload(user=user, node=node, now=timezone.now()),
        "charts": _charts(node, mine, rows, today),
        "sections": registry.sections_for(user, node, today),  # the other apps'
    }
    return render(request, "dashboards/dashboard.html", context)


def _sweep(sweep: selectors.Sweep, node: Jurisdiction) -> dict:
    """The sweep's cards, each opening the shop register narrowed the same way."""

    def shops(**params) -> str:
        return routes.route("shops:shop-list") + "?" + urlencode({**params, "node": node.pk})

    return {
        "cards": [
            (_("Shops"), sweep.shops, shops(), False),
            (_("Green placard"), sweep.green, shops(placard="green"), False),
            (_("Under a rectification reminder"), sweep.reminded, shops(reminded="1"), False),
            (_("Red placard"), sweep.red, shops(placard="red"), sweep.red > 0),
            (
                _("Red, due for re-inspection"),
                sweep.red_due,
                shops(placard="red", reinspection="due"),
                sweep.red_due > 0,
            ),
        ],
        "campaigns": sweep.campaigns,
    }


def _with_countdown(appeals) -> list:
    now = timezone.now()
    appeals = list(appeals)
    for appeal in appeals:
        appeal.countdown = appeal_countdown(appeal, now=now)
    return appeals


def _ancestors(user, node: Jurisdiction) -> list[Jurisdiction]:
    """The node's ancestors whose dashboard the user may open, from the top down."""
    mine = access.dashboard_nodes(user).filter(pk__in=node.ancestor_ids)
    ancestors = {a.pk: a for a in mine}
    return [ancestors[pk] for pk in node.ancestor_ids if pk in ancestors]


def _card(figures: selectors.Figures, name: str, user) -> dict:
    value = figures.values[name]
    gate = GATES.get(name)
    return {
        "name": name,
        "label": LABELS[name],
        "value": value,
        "change": figures.change.get(name),
        "url": link(name, figures.node) if gate is None or gate(user) else None,
        "danger": name in DANGER and value > 0,
    }


def _charts(node, mine, rows, today) -> dict:
    days = selectors.trend(node=node, today=today)
    provinces, series = selectors.arrivals_by_province(node=node, today=today)
    labels = [f"{d.day:%m-%d}" for d in days]
    arrival_days = sorted({day for per_day in series.values() for day in per_day})
    return {
        "trend": {
            "labels": labels,
            "datasets": [
                {
                    "label": str(LABELS[name]),
                    "color": TREND_COLORS[name],
                    "data": [getattr(d, name) for d in days],
                }
                for name in ("red", "yellow", "arrivals")
            ]
            + [
                {
                    "label": str(LABELS["under_measure"]),
                    "color": TREND_COLORS["under_measure"],
                    "data": [d.under_measure for d in days],
                }
            ],
        },
        "children": {
            "labels": [row.node.name for row in rows],
            "datasets": [
                {
                    "label": str(LABELS[code]),
                    "color": color,
                    "data": [row.values[code] for row in rows],
                    "urls": [link(code, row.node) for row in rows],
                }
                for code, color in CODE_COLORS.items()
            ],
        },
        "arrivals": {
            "labels": [f"{day:%m-%d}" for day in arrival_days],
            "datasets": [
                {
                    "label": _province_label(province),
                    "data": [series[province].get(day, 0) for day in arrival_days],
                }
                for province in [*provinces, *([None] if None in series else [])]
            ],
        },
    }


def _province_label(province: str | None) -> str:
    if province is None:
        return str(_("Other provinces"))
    return province or str(_("Abroad / no stay"))
