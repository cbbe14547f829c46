"""An announcement's impact before it is published (issue 14): the re-assessment that
publishing would start, as a dry run that writes nothing.

The dry run and the recompute share their decisions: each chunk is decided by
recompute.reassess_decide (the same reads, the same rules engine, the same comparison
with each arrival's own decision, strictest first per resident: write, review or
covered), under the policy that would be in force if the candidate were stored
(policies.policy_with). Only the recompute then writes (recompute._apply); the dry run
counts. On PostgreSQL each chunk's read runs in a READ ONLY transaction, so a write
would fail rather than happen.
"""

import time
from collections import Counter, defaultdict
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from . import policies, recompute
from .models import ImpactPreview, Jurisdiction, RecomputeRun
from .rules.codes import strictness


def preview_run(*, preview_id: int) -> bool:
    """Compute a queued preview, chunk after chunk, its progress on the row. Safe to run
    twice (it writes nothing but the row; a redelivered task starts it again). Returns
    whether it ran."""
    State = ImpactPreview.State
    today = timezone.localdate()
    bounds = recompute.reassess_bounds(today)
    ranges = recompute.chunk_ranges(bounds)
    claimed = ImpactPreview.objects.filter(
        pk=preview_id, state__in=[State.PENDING, State.RUNNING]
    ).update(state=State.RUNNING, today=today, chunks_total=len(ranges), chunks_done=0)
    if not claimed:
        return False
    payload = ImpactPreview.objects.values_list("payload", flat=True).get(pk=preview_id)
    started = time.perf_counter()

    def progress(done: int) -> None:
        ImpactPreview.objects.filter(pk=preview_id).update(chunks_done=done)

    figures = impact_compute(payload=payload, today=today, ranges=ranges, progress=progress)
    ImpactPreview.objects.filter(pk=preview_id).update(
        state=State.DONE,
        finished_at=timezone.now(),
        seconds=time.perf_counter() - started,
        **figures,
    )
    return True


def preview_fail(*, preview_id: int, error: str) -> None:
    ImpactPreview.objects.filter(pk=preview_id).update(
        state=ImpactPreview.State.FAILED, errors=error, finished_at=timezone.now()
    )


def impact_compute(*, payload: dict, today: date, ranges=None, progress=None) -> dict:
    """What publishing the candidate `payload` today would do, as the recompute's counters
    (to_red, to_yellow, to_green, kept_decided, kept_covered, to_review) and `figures`:
    the residents who would change by colour and rule, overall and per district, and the
    review tasks per district. Reads only."""
    if ranges is None:
        ranges = recompute.chunk_ranges(recompute.reassess_bounds(today))
    policy = policies.policy_with(today, payload)
    counts = Counter()
    by_rule = Counter()  # (code, rule) -> residents
    by_grid = Counter()  # (grid id, code, rule) -> residents
    reviews_by_grid = Counter()  # grid id -> review tasks
    for done, (lo, hi) in enumerate(ranges, start=1):
        if policy is not None:
            decided = _decide(lo, hi, today, policy)
            counts["kept_decided"] += decided.kept_decided
            for change in decided.changes:
                if change.action == recompute.WRITE:
                    counts[f"to_{change.new_code}"] += 1
                    by_rule[(change.new_code, change.new_rule)] += 1
                    by_grid[(change.grid_id, change.new_code, change.new_rule)] += 1
                elif change.action == recompute.REVIEW:
                    counts["to_review"] += 1
                    reviews_by_grid[change.grid_id] += 1
                else:
                    counts["kept_covered"] += 1
        if progress is not None:
            progress(done)
    return {
        "to_red": counts["to_red"],
        "to_yellow": counts["to_yellow"],
        "to_green": counts["to_green"],
        "kept_decided": counts["kept_decided"],
        "kept_covered": counts["kept_covered"],
        "to_review": counts["to_review"],
        "figures": _figures(by_rule, by_grid, reviews_by_grid),
    }


def _decide(lo: int, hi: int, today: date, policy) -> recompute.Decided:
    """The recompute's own decision of a chunk; on PostgreSQL in a READ ONLY transaction
    of its own (where the caller holds none: a test's transaction has run queries
    already)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return recompute.reassess_decide(lo, hi, today, policy)
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION READ ONLY")
        return recompute.reassess_decide(lo, hi, today, policy)


def _figures(by_rule: Counter, by_grid: Counter, reviews_by_grid: Counter) -> dict:
    """The counts by colour and rule, strictest first, and per district (by name): two
    queries, for the grids' paths and the districts' names."""
    grids = {grid for grid, _code, _rule in by_grid} | set(reviews_by_grid)
    paths = dict(Jurisdiction.objects.filter(pk__in=grids).values_list("pk", "path"))
    # /city/district/street/community/grid/
    district_of = {pk: int(path.strip("/").split("/")[1]) for pk, path in paths.items()}
    names = dict(
        Jurisdiction.objects.filter(pk__in=set(district_of.values())).values_list("pk", "name")
    )
    per_district = defaultdict(Counter)
    reviews = Counter()
    for (grid, code, rule), n in by_grid.items():
        per_district[names[district_of[grid]]][(code, rule)] += n
    for grid, n in reviews_by_grid.items():
        reviews[names[district_of[grid]]] += n
    return {
        "by_rule": [[code, rule, n] for (code, rule), n in _ordered(by_rule)],
        "by_district": [
            {
                "district": name,
                "changed": sum(per_district[name].values()),
                "by_rule": [[c, r, n] for (c, r), n in _ordered(per_district[name])],
                "reviews": reviews[name],
            }
            for name in sorted(set(per_district) | set(reviews))
        ],
    }


def _ordered(counts: Counter) -> list:
    """(code, rule) counts, strictest first."""
    return sorted(counts.items(), key=lambda item: strictness(*item[0]), reverse=True)


def preview_of_digest(digest: str) -> ImpactPreview | None:
    return ImpactPreview.objects.filter(digest=digest).first()


def previews_attach(runs: list[RecomputeRun]) -> None:
    """Each announcement run's `preview`: the dry run of its announcement, if one was
    computed (one query)."""
    digests = {run.announcement.digest for run in runs if run.announcement_id}
    done = ImpactPreview.objects.filter(digest__in=digests, state=ImpactPreview.State.DONE)
    previews = {p.digest: p for p in done}
    for run in runs:
        run.preview = previews.get(run.announcement.digest) if run.announcement_id else None
