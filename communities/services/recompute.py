"""Recomputing code states at city scale: after an announcement, and the nightly release.

Set-based and chunked: a run splits the resident ids into ranges; each chunk loads what it
needs in a few queries, decides with the pure rules engine, and writes set-based: on
PostgreSQL one COPY of the chunk's changes and a few statements (_apply_copy), elsewhere one
UPDATE per class of change (same old and new code and rule) and the rows in bulk
(_apply_orm). No query per resident. Every write is conditional on the state the chunk
read, so a chunk that runs twice (a worker died after finishing it, acks_late) or races a
manual change writes nothing more: the residents it would change again no longer match.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date

from django.db import connection, transaction
from django.db.models import F, Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _

from notices import texts
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
from ..rules.codes import WINDOW, Decision, Traveller, assess, is_stricter
from ..rules.codes import Stay as StayIn
from .arrivals import code_event_kind

CHUNK_IDS = 20_000  # resident ids per chunk: a few seconds of work, bounded memory


@dataclass(frozen=True)
class Change:
    resident_id: int
    old_code: str
    old_rule: str
    new_code: str
    new_rule: str
    reason: str
    # The re-assessment's: the arrival and the decision whose measure and tests go with the
    # new code (None for the nightly release).
    arrival_id: int | None = None
    decision: Decision | None = None
    # Filled in by _apply from the row it updated (for the notices to grid workers).
    grid_id: int | None = None


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
    chunk = RecomputeChunk.objects.select_related("run__announcement").get(pk=chunk_id)
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
            _tell_grid_workers(chunk, run, changes)
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
        # In the chunk's transaction, not after it: one commit a chunk instead of two. The
        # run's row is locked by the counters' update above, so of two last chunks finishing
        # at once the second waits and then sees both counted.
        _run_finish(run.pk)
    return len(changes)


def _tell_grid_workers(chunk: RecomputeChunk, run: RecomputeRun, changes: list[Change]):
    """One in-app notice per grid worker whose grids had residents change in this chunk
    (one query for the workers: the grids come from the updated rows; the dedupe key
    makes a chunk run twice notify once)."""
    per_grid = defaultdict(lambda: defaultdict(int))
    for change in changes:
        per_grid[change.grid_id][change.new_code] += 1
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
                text=texts.staff_text(
                    Notice.Kind.CODES_CHANGED,
                    title=title,
                    red=counts[HealthCode.RED],
                    yellow=counts[HealthCode.YELLOW],
                ),
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
    """Write the changes whose residents still have the code and rule the chunk read (the
    others changed meanwhile, by hand say, and are left alone): the code, its event and,
    for a re-assessment, the measure (replacing the active one) and the tests. Returns the
    changes written, with their residents' grids."""
    if not changes:
        return []
    if connection.vendor == "postgresql":
        return _apply_copy(changes, now)
    return _apply_orm(changes, now)


# PostgreSQL: the chunk's changes go to the server in one COPY (measured: Django's
# bulk_create of the events, measures and tests was most of a re-assessment's time, quoting
# every value in Python), then a few set-based statements do the writes. The conditional
# UPDATE is the guard: under READ COMMITTED a row changed by a concurrent transaction is
# checked again against `code = old_code AND code_rule = old_rule` once that transaction
# commits, and skipped when it no longer matches. ON COMMIT DROP: the temporary tables do
# not outlive the chunk's transaction, even if a statement fails.
CHANGE_TABLE = """
CREATE TEMPORARY TABLE recompute_change (
    resident_id bigint PRIMARY KEY, old_code text, old_rule text, new_code text,
    new_rule text, kind text, reason text, arrival_id bigint, phases jsonb, start date,
    "end" date, release_due date, applied boolean NOT NULL DEFAULT false
) ON COMMIT DROP;
CREATE TEMPORARY TABLE recompute_test (
    resident_id bigint, arrival_id bigint, kind text, due date
) ON COMMIT DROP
"""
CHANGE_COLUMNS = (
    "resident_id, old_code, old_rule, new_code, new_rule, kind, reason, arrival_id, phases, "
    'start, "end", release_due'
)
APPLY_SQL = [
    # 1. the codes, their events and the old measures of the residents that get a new one
    """WITH applied AS (
        UPDATE communities_resident r
        SET code = c.new_code, code_rule = c.new_rule, code_changed_at = %(now)s
        FROM recompute_change c
        WHERE r.id = c.resident_id AND r.code = c.old_code AND r.code_rule = c.old_rule
        RETURNING r.id, r.grid_id
    ), events AS (
        INSERT INTO communities_healthcodeevent
            (resident_id, kind, from_code, to_code, rule, reason, actor_id, created_at)
        SELECT c.resident_id, c.kind, c.old_code, c.new_code, c.new_rule, c.reason, NULL,
               %(now)s
        FROM recompute_change c JOIN applied ON applied.id = c.resident_id
    ), replaced AS (
        UPDATE communities_controlmeasure m SET state = 'replaced'
        FROM recompute_change c JOIN applied ON applied.id = c.resident_id
        WHERE c.phases IS NOT NULL AND m.resident_id = c.resident_id AND m.state = 'active'
    ), marked AS (
        UPDATE recompute_change c SET applied = true
        FROM applied WHERE c.resident_id = applied.id
    )
    SELECT id, grid_id FROM applied""",
    # 2. the new measures and the tests, in a statement of their own: the old measures are
    # replaced by now (one active measure a resident is a unique index)
    """WITH measures AS (
        INSERT INTO communities_controlmeasure
            (resident_id, arrival_id, rule, phases, start, "end", release_due, state,
             created_at)
        SELECT resident_id, arrival_id, new_rule, phases, start, "end", release_due,
               'active', %(now)s
        FROM recompute_change WHERE applied AND phases IS NOT NULL
    )
    INSERT INTO communities_nucleicacidtest (resident_id, arrival_id, kind, due, result)
    SELECT t.resident_id, t.arrival_id, t.kind, t.due, 'pending'
    FROM recompute_test t JOIN recompute_change c ON c.resident_id = t.resident_id
    WHERE c.applied
    ON CONFLICT DO NOTHING""",
    "DROP TABLE recompute_change, recompute_test",
]


def _apply_copy(changes: list[Change], now) -> list[Change]:
    """_apply on PostgreSQL: COPY the changes and their tests, then APPLY_SQL."""
    with connection.cursor() as cursor:
        cursor.execute(CHANGE_TABLE)
        with cursor.copy(f"COPY recompute_change ({CHANGE_COLUMNS}) FROM STDIN") as copy:
            for c in changes:
                d = c.decision
                measure = d.measure if d else ()
                copy.write_row(
                    (
                        c.resident_id,
                        c.old_code,
                        c.old_rule,
                        c.new_code,
                        c.new_rule,
                        code_event_kind(c.old_code, c.new_code),
                        c.reason,
                        c.arrival_id,
                        json.dumps(d.as_dict()["measure"]) if measure else None,
                        measure[0].start if measure else None,
                        measure[-1].end if measure else None,
                        d.release_due if measure else None,
                    )
                )
        with cursor.copy("COPY recompute_test FROM STDIN") as copy:
            for c in changes:
                for test in c.decision.tests if c.decision else ():
                    copy.write_row((c.resident_id, c.arrival_id, test.kind, test.due))
        params = {"now": now}
        cursor.execute(APPLY_SQL[0], params)
        grids = dict(cursor.fetchall())
        for statement in APPLY_SQL[1:]:
            cursor.execute(statement, params)
    return [replace(c, grid_id=grids[c.resident_id]) for c in changes if c.resident_id in grids]


def _apply_orm(changes: list[Change], now) -> list[Change]:
    """The portable form (SQLite, the embedded default): one conditional UPDATE per class
    of change (same old and new code and rule), then the rows in bulk."""
    classes = defaultdict(list)
    for change in changes:
        classes[(change.old_code, change.old_rule, change.new_code, change.new_rule)].append(change)
    applied = []
    for (old_code, old_rule, new_code, new_rule), group in classes.items():
        by_id = {c.resident_id: c for c in group}
        matching = Resident.objects.select_for_update().filter(
            pk__in=by_id, code=old_code, code_rule=old_rule
        )
        grids = dict(matching.values_list("pk", "grid_id"))
        if not grids:
            continue
        Resident.objects.filter(pk__in=grids).update(
            code=new_code, code_rule=new_rule, code_changed_at=now
        )
        applied += [replace(by_id[i], grid_id=g) for i, g in grids.items()]
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
    measured = [c for c in applied if c.decision and c.decision.measure]
    ControlMeasure.objects.filter(
        resident_id__in=[c.resident_id for c in measured], state=ControlMeasure.State.ACTIVE
    ).update(state=ControlMeasure.State.REPLACED)
    ControlMeasure.objects.bulk_create(
        ControlMeasure(
            resident_id=c.resident_id,
            arrival_id=c.arrival_id,
            rule=c.new_rule,
            phases=c.decision.as_dict()["measure"],
            start=c.decision.measure[0].start,
            end=c.decision.measure[-1].end,
            release_due=c.decision.release_due,
        )
        for c in measured
    )
    NucleicAcidTest.objects.bulk_create(
        (
            NucleicAcidTest(
                resident_id=c.resident_id, arrival_id=c.arrival_id, kind=t.kind, due=t.due
            )
            for c in applied
            if c.decision
            for t in c.decision.tests
        ),
        ignore_conflicts=True,
    )
    return applied


# --- Nightly release -------------------------------------------------------------------------


# PostgreSQL does a chunk's release in one statement: lock the due measures, release them,
# lock their residents' rows, turn them green and write the events, all from one snapshot
# (measured: the ORM steps spent most of their time building 1,000 event objects a chunk).
# The id range is repeated on the release: without it the planner hashed the whole measure
# table for every chunk (a sequential scan that grows with the city's history).
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
    FROM due WHERE m.id = due.id AND m.resident_id BETWEEN %(lo)s AND %(hi)s
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
    # Two reads, both over the chunk's id range (joins, not lists of ids): the arrivals
    # with their residents' present code, and the stays of those arrivals.
    recent = ArrivalReport.objects.filter(
        resident_id__gte=lo,
        resident_id__lte=hi,
        state=ArrivalReport.State.ASSESSED,
        arrival_date__gte=today - WINDOW,
    )
    latest = {}
    for row in recent.order_by("resident_id", "-arrival_date", "-pk").values_list(
        "pk",
        "resident_id",
        "arrival_date",
        "abroad_quarantine_days",
        "resident__code",
        "resident__code_rule",
    ):
        latest.setdefault(row[1], row)
    if not latest:
        return []
    stays = defaultdict(list)
    for arrival_id, province, city, county, street, area, start, end in Stay.objects.filter(
        arrival__in=recent
    ).values_list("arrival_id", "province", "city", "county", "street", "area", "start", "end"):
        stays[arrival_id].append(
            StayIn(
                province=province,
                city=city,
                county=county,
                street=street,
                area=area,
                start=start,
                end=end,
            )
        )
    changes = []
    for arrival_id, resident_id, arrival_date, abroad_days, old_code, old_rule in latest.values():
        decision = assess(
            Traveller(
                stays=tuple(stays[arrival_id]),
                arrival_date=arrival_date,
                abroad_quarantine_days=abroad_days,
            ),
            policy,
            today,
        )
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
                arrival_id=arrival_id,
                decision=decision,
            )
        )
    return _apply(changes, timezone.now())
