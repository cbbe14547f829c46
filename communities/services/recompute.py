"""Recomputing code states at city scale: after an announcement, and the nightly release.

Set-based and chunked: a run splits the resident ids into ranges; each chunk loads what it
needs in a few queries, decides with the pure rules engine, and writes one UPDATE per class
of change (same old and new code and rule) plus the code events in bulk. No query per
resident. Every write is conditional on the state the chunk read, so a chunk that runs
twice (a worker died after finishing it, acks_late) or races a manual change writes
nothing more: the residents it would change again no longer match.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from notices.models import Notice
from notices.services import notices_create

from .. import access, policies
from ..models import (
    ArrivalReport,
    ControlMeasure,
    HealthCode,
    HealthCodeEvent,
    NucleicAcidTest,
    RecomputeChunk,
    RecomputeRun,
    Resident,
    Stay,
)
from ..rules.codes import Stay as StayIn
from ..rules.codes import Traveller, assess, is_stricter
from .arrivals import code_event_kind

CHUNK_IDS = 20_000  # resident ids per chunk: a few seconds of work, bounded memory
WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class Change:
    resident_id: int
    old_code: str
    old_rule: str
    new_code: str
    new_rule: str
    reason: str


def run_start(*, kind: str, today: date, announcement_id: int | None = None) -> RecomputeRun:
    """Create a run and its chunks over the ids of the residents it may touch."""
    if kind == RecomputeRun.Kind.NIGHTLY:
        scope = ControlMeasure.objects.filter(
            state=ControlMeasure.State.ACTIVE, release_due__lte=today
        )
        bounds = scope.aggregate(lo=Min("resident_id"), hi=Max("resident_id"))
    else:
        scope = ArrivalReport.objects.filter(
            state=ArrivalReport.State.ASSESSED,
            arrival_date__gte=today - WINDOW,
            resident__isnull=False,
        )
        bounds = scope.aggregate(lo=Min("resident_id"), hi=Max("resident_id"))
    with transaction.atomic():
        run = RecomputeRun.objects.create(kind=kind, today=today, announcement_id=announcement_id)
        if bounds["lo"] is not None:
            RecomputeChunk.objects.bulk_create(
                RecomputeChunk(run=run, lo=lo, hi=min(lo + CHUNK_IDS - 1, bounds["hi"]))
                for lo in range(bounds["lo"], bounds["hi"] + 1, CHUNK_IDS)
            )
        total = run.chunks.count()
        RecomputeRun.objects.filter(pk=run.pk).update(chunks_total=total)
        run.chunks_total = total
    if total == 0:
        _run_finish(run.pk)
    return run


def run_inline(*, kind: str, today: date, announcement_id: int | None = None) -> RecomputeRun:
    """A whole run in this process, chunk after chunk (tests, benchmarks, the command
    line); workers run the same chunks in parallel through the tasks."""
    run = run_start(kind=kind, today=today, announcement_id=announcement_id)
    for chunk_id in run.chunks.values_list("pk", flat=True):
        chunk_run(chunk_id=chunk_id)
    run.refresh_from_db()
    return run


def chunk_run(*, chunk_id: int) -> int:
    """Do one chunk; returns how many residents changed. Safe to run twice."""
    chunk = RecomputeChunk.objects.select_related("run").get(pk=chunk_id)
    run = chunk.run
    with transaction.atomic():
        if run.kind == RecomputeRun.Kind.NIGHTLY:
            changes = _release(chunk.lo, chunk.hi, run.today)
        else:
            changes = _reassess(chunk.lo, chunk.hi, run.today)
        colours = defaultdict(int)
        for change in changes:
            colours[change.new_code] += 1
        if run.kind == RecomputeRun.Kind.ANNOUNCEMENT and changes:
            _tell_grid_workers(chunk, run, [c.resident_id for c in changes])
        # The counters move once per chunk, whoever finishes it.
        if (
            RecomputeChunk.objects.filter(pk=chunk.pk)
            .exclude(state=RecomputeChunk.State.DONE)
            .update(
                state=RecomputeChunk.State.DONE, changed=len(changes), finished_at=timezone.now()
            )
        ):
            RecomputeRun.objects.filter(pk=run.pk).update(
                chunks_done=F("chunks_done") + 1,
                to_red=F("to_red") + colours[HealthCode.RED],
                to_yellow=F("to_yellow") + colours[HealthCode.YELLOW],
                to_green=F("to_green") + colours[HealthCode.GREEN],
            )
    _run_finish(run.pk)
    return len(changes)


def _tell_grid_workers(chunk: RecomputeChunk, run: RecomputeRun, resident_ids: list[int]):
    """One in-app notice per grid worker whose grids had residents change in this chunk
    (two queries; the dedupe key makes a chunk run twice notify once)."""
    per_grid = defaultdict(lambda: defaultdict(int))
    for grid_id, code in Resident.objects.filter(pk__in=resident_ids).values_list(
        "grid_id", "code"
    ):
        per_grid[grid_id][code] += 1
    per_worker = defaultdict(lambda: defaultdict(int))
    for grid_id, user_ids in access.grid_workers_by_grid(set(per_grid)).items():
        for user_id in user_ids:
            for code, n in per_grid[grid_id].items():
                per_worker[user_id][code] += n
    title = run.announcement.title if run.announcement_id else ""
    notices_create(
        notices=[
            Notice(
                recipient_id=user_id,
                kind=Notice.Kind.CODES_CHANGED,
                channel=Notice.Channel.INAPP,
                dedupe_key=f"recompute:{chunk.pk}:{user_id}",
                text=_(
                    "Re-assessed after %(title)s: in your grids %(red)s turned red and "
                    "%(yellow)s turned yellow. See your work list."
                )
                % {
                    "title": title,
                    "red": counts[HealthCode.RED],
                    "yellow": counts[HealthCode.YELLOW],
                },
            )
            for user_id, counts in per_worker.items()
        ]
    )


def _run_finish(run_id: int) -> None:
    RecomputeRun.objects.filter(
        pk=run_id, state=RecomputeRun.State.RUNNING, chunks_done__gte=F("chunks_total")
    ).update(state=RecomputeRun.State.FINISHED, finished_at=timezone.now())


def chunk_run_id(*, chunk_id: int) -> int:
    return RecomputeChunk.objects.values_list("run_id", flat=True).get(pk=chunk_id)


@transaction.atomic
def run_fail(*, run_id: int, error: str) -> None:
    """Note a chunk's failure on its run (the page and the admin show it)."""
    run = RecomputeRun.objects.select_for_update().get(pk=run_id)
    run.errors = f"{run.errors}\n{error}".strip()
    run.state = RecomputeRun.State.FAILED
    run.finished_at = timezone.now()
    run.save(update_fields=["errors", "state", "finished_at"])


# --- Writing changes -------------------------------------------------------------------------


def _apply(changes: list[Change], now) -> list[Change]:
    """One conditional UPDATE per class of change; events in bulk for the rows that still
    had the state the chunk read (others changed meanwhile and are left alone)."""
    classes = defaultdict(list)
    for change in changes:
        classes[(change.old_code, change.old_rule, change.new_code, change.new_rule)].append(change)
    applied = []
    for (old_code, old_rule, new_code, new_rule), group in classes.items():
        by_id = {c.resident_id: c for c in group}
        matching = Resident.objects.select_for_update().filter(
            pk__in=by_id, code=old_code, code_rule=old_rule
        )
        ids = list(matching.values_list("pk", flat=True))
        if not ids:
            continue
        Resident.objects.filter(pk__in=ids).update(
            code=new_code, code_rule=new_rule, code_changed_at=now
        )
        applied += [by_id[i] for i in ids]
    HealthCodeEvent.objects.bulk_create(
        HealthCodeEvent(
            resident_id=c.resident_id,
            kind=code_event_kind(c.old_code, c.new_code),
            from_code=c.old_code,
            to_code=c.new_code,
            rule=c.new_rule,
            reason=c.reason,
            actor=None,
            created_at=now,
        )
        for c in applied
    )
    return applied


# --- Nightly release -------------------------------------------------------------------------


# PostgreSQL does a chunk's release in one statement: lock the due measures, release them,
# lock their residents' rows, turn them green and write the events, all from one snapshot
# (measured: the ORM steps spent most of their time building 1,000 event objects a chunk).
RELEASE_SQL = """
WITH due AS (
    SELECT m.id, m.resident_id, m.rule, m."end"
    FROM communities_controlmeasure m
    WHERE m.resident_id BETWEEN %(lo)s AND %(hi)s AND m.state = 'active'
      AND m.release_due <= %(today)s
      AND NOT EXISTS (SELECT 1 FROM communities_anomaly a
                      WHERE a.resident_id = m.resident_id AND a.resolved_at IS NULL)
    FOR UPDATE OF m
), released AS (
    UPDATE communities_controlmeasure m SET state = 'released'
    FROM due WHERE m.id = due.id
    RETURNING m.id
), old AS (
    SELECT r.id, r.code, due.rule, due."end"
    FROM communities_resident r JOIN due ON due.resident_id = r.id
    WHERE r.code <> 'green'
    FOR UPDATE OF r
), changed AS (
    UPDATE communities_resident r
    SET code = 'green', code_rule = old.rule, code_changed_at = %(now)s
    FROM old WHERE r.id = old.id
    RETURNING r.id
)
INSERT INTO communities_healthcodeevent
    (resident_id, kind, from_code, to_code, rule, reason, actor_id, created_at)
SELECT old.id, 'release', old.code, 'green', old.rule,
       replace(%(reason)s, '{end}', old."end"::text), NULL, %(now)s
FROM old JOIN changed ON changed.id = old.id
RETURNING resident_id
"""


# SQLite has no data-modifying CTE: the same in set-based statements over a temporary
# table (indexed for the correlated update), inside the chunk's transaction (SQLite's
# IMMEDIATE transactions serialize writers, so nothing changes between them).
RELEASE_SQLITE = [
    """CREATE TEMP TABLE release_due AS
       SELECT m.id, m.resident_id, m.rule, m."end", r.code AS old_code
       FROM communities_controlmeasure m JOIN communities_resident r ON r.id = m.resident_id
       WHERE m.resident_id BETWEEN %(lo)s AND %(hi)s AND m.state = 'active'
         AND m.release_due <= %(today)s
         AND NOT EXISTS (SELECT 1 FROM communities_anomaly a
                         WHERE a.resident_id = m.resident_id AND a.resolved_at IS NULL)""",
    "CREATE INDEX release_due_resident ON release_due (resident_id)",
    """UPDATE communities_controlmeasure SET state = 'released'
       WHERE id IN (SELECT id FROM release_due)""",
    """INSERT INTO communities_healthcodeevent
           (resident_id, kind, from_code, to_code, rule, reason, actor_id, created_at)
       SELECT resident_id, 'release', old_code, 'green', rule,
              replace(%(reason)s, '{end}', "end"), NULL, %(now)s
       FROM release_due WHERE old_code <> 'green'""",
    """UPDATE communities_resident
       SET code = 'green', code_rule = (SELECT rule FROM release_due d
                                        WHERE d.resident_id = communities_resident.id),
           code_changed_at = %(now)s
       WHERE id IN (SELECT resident_id FROM release_due WHERE old_code <> 'green')""",
]


def _release(lo: int, hi: int, today: date) -> list[Change]:
    """Measures whose release is due, of residents without an open anomaly: the measure is
    released, the code turns green and the event is written, set-based."""
    reason = _("The measure ended on %(end)s without anomaly.") % {"end": "{end}"}
    params = {"lo": lo, "hi": hi, "today": today, "now": timezone.now(), "reason": reason}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(RELEASE_SQL, params)
            ids = [row[0] for row in cursor.fetchall()]
        else:
            for statement in RELEASE_SQLITE:
                cursor.execute(statement, params)
            cursor.execute("SELECT resident_id FROM release_due WHERE old_code <> 'green'")
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("DROP TABLE release_due")
    # Only the count and the colour matter to the run; the rows are in the events.
    return [Change(i, "", "", HealthCode.GREEN, "", "") for i in ids]


# --- Re-assessment after an announcement ----------------------------------------------------


def _reassess(lo: int, hi: int, today: date) -> list[Change]:
    """Residents with an arrival in the last 14 days, decided again under the policy in
    force today. Only a stricter decision is written: a lifted risk area does not cut a
    running measure short."""
    policy = policies.policy_on(today)
    if policy is None:
        return []
    latest = {}
    for arrival in (
        ArrivalReport.objects.filter(
            resident_id__gte=lo,
            resident_id__lte=hi,
            state=ArrivalReport.State.ASSESSED,
            arrival_date__gte=today - WINDOW,
        )
        .order_by("resident_id", "-arrival_date", "-pk")
        .values("pk", "resident_id", "arrival_date", "abroad_quarantine_days")
    ):
        latest.setdefault(arrival["resident_id"], arrival)
    if not latest:
        return []
    stays = defaultdict(list)
    for s in Stay.objects.filter(arrival_id__in=[a["pk"] for a in latest.values()]).values(
        "arrival_id", "province", "city", "county", "street", "area", "start", "end"
    ):
        stays[s.pop("arrival_id")].append(StayIn(**s))
    current = dict(
        (pk, (code, rule))
        for pk, code, rule in Resident.objects.filter(pk__in=list(latest)).values_list(
            "pk", "code", "code_rule"
        )
    )
    changes, measures, tests = [], [], []
    for resident_id, arrival in latest.items():
        decision = assess(
            Traveller(
                stays=tuple(stays[arrival["pk"]]),
                arrival_date=arrival["arrival_date"],
                abroad_quarantine_days=arrival["abroad_quarantine_days"],
            ),
            policy,
            today,
        )
        old_code, old_rule = current[resident_id]
        if not is_stricter(decision.code, decision.rule, old_code, old_rule):
            continue
        changes.append(
            Change(
                resident_id,
                old_code,
                old_rule,
                str(decision.code),
                decision.rule,
                decision.explanation,
            )
        )
        if decision.measure:
            measures.append((resident_id, arrival["pk"], decision))
        tests += [(resident_id, arrival["pk"], t) for t in decision.tests]
    applied = {c.resident_id for c in _apply(changes, timezone.now())}
    measures = [m for m in measures if m[0] in applied]
    ControlMeasure.objects.filter(
        resident_id__in=[m[0] for m in measures], state=ControlMeasure.State.ACTIVE
    ).update(state=ControlMeasure.State.REPLACED)
    ControlMeasure.objects.bulk_create(
        ControlMeasure(
            resident_id=resident_id,
            arrival_id=arrival_id,
            rule=d.rule,
            phases=d.as_dict()["measure"],
            start=d.measure[0].start,
            end=d.measure[-1].end,
            release_due=d.release_due,
        )
        for resident_id, arrival_id, d in measures
    )
    NucleicAcidTest.objects.bulk_create(
        (
            NucleicAcidTest(resident_id=r, arrival_id=a, kind=t.kind, due=t.due)
            for r, a, t in tests
            if r in applied
        ),
        ignore_conflicts=True,
    )
    return [c for c in changes if c.resident_id in applied]
