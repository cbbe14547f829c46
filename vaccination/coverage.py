"""Coverage by node and age band (issue 16): residents of each band, those with a full
course (a booster included), with a booster, and due a booster; one grouped query over
the residents and one over the statuses, by grid, rolled up the tree along each node's
path (dashboards.summary.roll_up) and written as today's rows. A beat task runs it every
hour; the dashboards and the daily report read the rows."""

from collections import Counter, defaultdict
from datetime import date, datetime

from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone

from communities.models import Jurisdiction, Resident
from dashboards.summary import roll_up

from . import rules, selectors
from .models import CoverageDay, Status, VaccinationState

FIGURES = ("residents", "full_course", "booster", "due")
TOTAL = rules.ALL_BANDS.key  # the row of every band together (residents of 3 and over)


def _counts(day: date) -> dict[tuple[str, str], Counter]:
    """{(band key, figure): {grid id: count}}."""
    policy = selectors.policy_on(day)
    bands = {band.key: selectors.band_filter(band, day) for band in rules.BANDS}
    residents = (
        Resident.objects.order_by()
        .alias(birth=selectors.birth_of())
        .values("grid_id")
        .annotate(**{f"r{key}": Count("pk", filter=q) for key, q in bands.items()})
    )
    completed = Q(status__in=[Status.FULL, Status.BOOSTER])
    due = selectors.due_filter(policy, day)
    annotations = {}
    for key, q in bands.items():
        annotations[f"f{key}"] = Count("pk", filter=q & completed)
        annotations[f"b{key}"] = Count("pk", filter=q & Q(status=Status.BOOSTER))
        annotations[f"d{key}"] = Count("pk", filter=q & due)
    states = (
        VaccinationState.objects.order_by()
        .alias(birth=selectors.birth_of("resident__"))
        .values("resident__grid_id")
        .annotate(**annotations)
    )
    out: dict[tuple[str, str], Counter] = defaultdict(Counter)
    for row in residents:
        for key in bands:
            out[key, "residents"][row["grid_id"]] += row[f"r{key}"]
    letters = {"f": "full_course", "b": "booster", "d": "due"}
    for row in states:
        for key in bands:
            for letter, figure in letters.items():
                out[key, figure][row["resident__grid_id"]] += row[f"{letter}{key}"]
    return out


@transaction.atomic
def refresh(now: datetime | None = None) -> int:
    """Write today's coverage rows of every node; returns how many. Runs again safely: a
    row is replaced."""
    now = now or timezone.now()
    day = timezone.localdate(now)
    paths = dict(Jurisdiction.objects.values_list("pk", "path"))
    counts = {key: roll_up(leaves, paths) for key, leaves in _counts(day).items()}
    rows = []
    for node_id in paths:
        totals = Counter()
        for band in rules.BANDS:
            values = {
                figure: counts.get((band.key, figure), {}).get(node_id, 0) for figure in FIGURES
            }
            totals.update(values)
            rows.append(
                CoverageDay(node_id=node_id, day=day, band=band.key, refreshed_at=now, **values)
            )
        rows.append(
            CoverageDay(
                node_id=node_id,
                day=day,
                band=TOTAL,
                refreshed_at=now,
                **{figure: totals[figure] for figure in FIGURES},
            )
        )
    CoverageDay.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["node", "day", "band"],
        update_fields=["refreshed_at", *FIGURES],
    )
    return len(rows)
