"""Recomputing code states at city scale: after an announcement, and the nightly release.

Set-based and chunked: a run splits the resident ids into ranges; each chunk loads what it
needs in a few queries, decides with the pure rules engine, and writes set-based: on
PostgreSQL one COPY of the chunk's changes and a few statements (_apply_copy), elsewhere one
UPDATE per class of change and the rows in bulk (_apply_orm). No query per resident.

A re-assessment compares each arrival's new decision with the decision already taken for
that arrival, and a person's decision stands against arrivals assessed before it (see
_reassess). Every write is conditional on the state the chunk read, so a chunk that runs
twice (a worker died after finishing it, acks_late) or races a manual change writes nothing
more: its arrivals' decisions are already taken, or their residents no longer match.
"""

import json
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

from django.db import connection, transaction
from django.db.models import BooleanField, Case, F, Max, Min, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from psycopg import sql

from notices import texts
from notices.models import Notice
from notices.services import notices_create

from . import access, policies
from .models import (
    ArrivalReport,
    ControlMeasure,
    DecisionReview,
    HealthCode,
    HealthCodeEvent,
    Jurisdiction,
    NucleicAcidTest,
    PersonDecision,
    RecomputeChunk,
    RecomputeRun,
    Resident,
    Stay,
    User,
    code_event_kind,
)
from .rules.codes import WINDOW, Decision, Traveller, assess, is_stricter, strictness
from .rules.codes import Stay as StayIn

CHUNK_IDS = 50_000  # resident ids per chunk: about a second of work, bounded memory
ORM_BATCH = 500  # ids a query on the portable path (SQLite's limit on parameters)

DEDUPE_PREFIX = {Notice.Kind.CODES_CHANGED: "recompute", Notice.Kind.DECISION_REVIEW: "review"}

# What a re-assessment does with an arrival whose decision became stricter.
WRITE = "write"  # the resident's code, measure and tests
REVIEW = "review"  # a person's decision stands: a review task for the district
COVERED = "covered"  # the code in force is already as strict: nothing to write


@dataclass(frozen=True)
class Change:
    resident_id: int
    old_code: str
    old_rule: str
    new_code: str
    new_rule: str
    reason: str
    # The re-assessment's: the arrival, the decision whose measure and tests go with the
    # new code (None for the nightly release), and what becomes of it.
    arrival_id: int | None = None
    decision: Decision | None = None
    action: str = WRITE
    grid_id: int | None = None  # the resident's grid (for the notices)


@dataclass(frozen=True)
class Guard:
    """A resident's state as the chunk read it: its writes are conditional on it."""

    resident_id: int
    code: str
    rule: str
    stands_at: datetime | None  # when a person last decided on the code
    grid_id: int


def run_start(*, kind: str, today: date, announcement_id: int | None = None) -> RecomputeRun:
    """Create a run and its chunks over the ids of the residents it may touch."""
    if kind == RecomputeRun.Kind.NIGHTLY:
        scope = ControlMeasure.objects.filter(
            state=ControlMeasure.State.ACTIVE, release_due__lte=today
        )
        bounds = scope.aggregate(lo=Min("resident_id"), hi=Max("resident_id"))
    else:
        bounds = reassess_bounds(today)
    with transaction.atomic():
        run = RecomputeRun.objects.create(kind=kind, today=today, announcement_id=announcement_id)
        RecomputeChunk.objects.bulk_create(
            RecomputeChunk(run=run, lo=lo, hi=hi) for lo, hi in chunk_ranges(bounds)
        )
        total = run.chunks.count()
        RecomputeRun.objects.filter(pk=run.pk).update(chunks_total=total)
        run.chunks_total = total
    if total == 0:
        _run_finish(run.pk)
    return run


def reassess_bounds(today: date) -> dict:
    """The lowest and highest resident id with a recent assessed arrival ({lo, hi}, None
    without one): the range a re-assessment (and its dry run) splits into chunks."""
    scope = ArrivalReport.objects.filter(
        state=ArrivalReport.State.ASSESSED,
        arrival_date__gte=today - WINDOW,
        resident__isnull=False,
    )
    return scope.aggregate(lo=Min("resident_id"), hi=Max("resident_id"))


def chunk_ranges(bounds: dict) -> list[tuple[int, int]]:
    """The chunks' id ranges (lo, hi) over bounds, CHUNK_IDS ids each."""
    if bounds["lo"] is None:
        return []
    return [
        (lo, min(lo + CHUNK_IDS - 1, bounds["hi"]))
        for lo in range(bounds["lo"], bounds["hi"] + 1, CHUNK_IDS)
    ]


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
        reviews, kept = [], {}
        if run.kind == RecomputeRun.Kind.NIGHTLY:
            changes = _release(chunk.lo, chunk.hi, run.today)
        else:
            changes, reviews, kept = _reassess(chunk.lo, chunk.hi, run)
        colours = defaultdict(int)
        for change in changes:
            colours[change.new_code] += 1
        if run.kind == RecomputeRun.Kind.ANNOUNCEMENT and changes:
            _tell_grid_workers(chunk, run, changes)
        if reviews:
            _tell_district_offices(chunk, run, reviews)
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
                **{name: F(name) + n for name, n in kept.items()},
            )
        # In the chunk's transaction, not after it: one commit a chunk instead of two. The
        # run's row is locked by the counters' update above, so of two last chunks finishing
        # at once the second waits and then sees both counted.
        _run_finish(run.pk)
    return len(changes)


def _tell_grid_workers(chunk: RecomputeChunk, run: RecomputeRun, changes: list[Change]):
    """One in-app notice per grid worker whose grids had residents change in this chunk
    (the grids come from the updated rows, the workers from the run's map; the dedupe
    key makes a chunk run twice notify once)."""
    per_grid = defaultdict(lambda: defaultdict(int))
    for change in changes:
        per_grid[change.grid_id][change.new_code] += 1
    per_worker = defaultdict(lambda: defaultdict(int))
    workers = _grid_workers(run.pk, run.started_at)
    for grid_id, counts in per_grid.items():
        for user_id in workers.get(grid_id, ()):
            for code, n in counts.items():
                per_worker[user_id][code] += n
    _notices_send(
        chunk,
        run,
        Notice.Kind.CODES_CHANGED,
        {
            user_id: {"red": counts[HealthCode.RED], "yellow": counts[HealthCode.YELLOW]}
            for user_id, counts in per_worker.items()
        },
    )


def _notices_send(chunk: RecomputeChunk, run: RecomputeRun, kind: str, params: dict):
    """One in-app notice of `kind` a recipient (user id → the text's parameters), naming
    the run's announcement; the chunk in the dedupe key makes a chunk run twice notify
    once."""
    title = run.announcement.title if run.announcement_id else ""
    notices_create(
        notices=[
            Notice(
                recipient_id=user_id,
                kind=kind,
                channel=Notice.Channel.INAPP,
                dedupe_key=f"{DEDUPE_PREFIX[kind]}:{chunk.pk}:{user_id}",
                text=texts.staff_text(kind, title=title, **values),
            )
            for user_id, values in params.items()
        ]
    )


@lru_cache(maxsize=1)
def _grid_workers(run_id: int, started_at) -> dict[int, set[int]]:
    """Every grid's workers, read once a run in each worker process (a run takes minutes;
    asking per chunk for the thousand grids a chunk touches cost 50 ms a chunk, mostly
    in quoting the ids). Keyed by the run's start too: ids can come again in tests."""
    return access.grid_workers_by_grid(None)


def _tell_district_offices(chunk: RecomputeChunk, run: RecomputeRun, reviews: list[Change]):
    """One in-app notice per district office with review tasks filed in this chunk (the
    districts from the grids' paths: one query, and one for the offices)."""
    paths = dict(
        Jurisdiction.objects.filter(pk__in={c.grid_id for c in reviews}).values_list("pk", "path")
    )
    per_district = defaultdict(int)
    for change in reviews:
        # /city/district/street/community/grid/
        per_district[int(paths[change.grid_id].strip("/").split("/")[1])] += 1
    offices = access.officers_by_node({User.Role.DISTRICT_OFFICE}, set(per_district))
    _notices_send(
        chunk,
        run,
        Notice.Kind.DECISION_REVIEW,
        {
            user_id: {"count": per_district[district_id]}
            for district_id, user_ids in offices.items()
            for user_id in user_ids
        },
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


# --- Nightly release -------------------------------------------------------------------------


# PostgreSQL does a chunk's release in one statement: lock the due measures, release them,
# lock their residents' rows, turn them green and write the events, all from one snapshot
# (measured: the ORM steps spent most of their time building 1,000 event objects a chunk).
# A manual code is a person's decision: the job never turns it green.
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
    WHERE r.code <> 'green' AND r.code_rule <> 'manual'
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
       SELECT m.id, m.resident_id, m.rule, m."end", r.code AS old_code,
              r.code <> 'green' AND r.code_rule <> 'manual' AS turns_green
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
       FROM release_due WHERE turns_green""",
    """UPDATE communities_resident
       SET code = 'green', code_rule = (SELECT rule FROM release_due d
                                        WHERE d.resident_id = communities_resident.id),
           code_changed_at = %(now)s
       WHERE id IN (SELECT resident_id FROM release_due WHERE turns_green)""",
]


def _release(lo: int, hi: int, today: date) -> list[Change]:
    """Measures whose release is due, of residents without an open anomaly: the measure is
    released, the code turns green and the event is written, set-based. A code a person
    set (an approved manual change) is theirs: the measure ends, the code stays until a
    person changes it."""
    reason = _("The measure ended on %(end)s without anomaly.") % {"end": "{end}"}
    params = {"lo": lo, "hi": hi, "today": today, "now": timezone.now(), "reason": reason}
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(RELEASE_SQL, params)
            ids = [row[0] for row in cursor.fetchall()]
        else:
            for statement in RELEASE_SQLITE:
                cursor.execute(statement, params)
            cursor.execute("SELECT resident_id FROM release_due WHERE turns_green")
            ids = [row[0] for row in cursor.fetchall()]
            cursor.execute("DROP TABLE release_due")
    # Only the count and the colour matter to the run; the rows are in the events.
    return [Change(i, "", "", HealthCode.GREEN, "", "") for i in ids]


# --- Re-assessment after an announcement ----------------------------------------------------


def _reassess(
    lo: int, hi: int, run: RecomputeRun
) -> tuple[list[Change], list[Change], dict[str, int]]:
    """Re-assess residents lo..hi under the policy in force on the run's day: decide
    (reassess_decide, which the announcement's dry run uses too), then write (_apply).
    Returns the changes written, the reviews filed and the counts of what was not
    written."""
    kept = {"kept_decided": 0, "kept_covered": 0, "to_review": 0}
    policy = policies.policy_on(run.today)
    if policy is None:
        return [], [], kept
    decided = reassess_decide(lo, hi, run.today, policy)
    kept["kept_decided"] += decided.kept_decided
    written, reviews, covered = _apply(
        decided.residents, decided.changes, timezone.now(), run, lo, hi
    )
    kept["kept_covered"] += covered
    kept["to_review"] += len(reviews)
    return written, reviews, kept


@dataclass(frozen=True)
class Decided:
    """What a re-assessment of a chunk decided, before anything is written."""

    residents: dict[int, Guard]  # the state the writes are conditional on
    changes: list[Change]  # the stricter decisions: write, review or covered
    kept_decided: int  # arrivals whose new decision is not stricter than their own


def reassess_decide(lo: int, hi: int, today: date, policy) -> Decided:
    """The recent arrivals (last 14 days) of residents lo..hi, decided again under
    `policy`, each compared with the decision already taken for that same arrival
    (DOMAIN.md section 5), never with the resident's present code. Reads only.

    1. An arrival whose new decision is not stricter than its own: nothing (kept_decided).
       A release that happened is that decision carried out, so it is never applied again.
    2. A stricter decision becomes the arrival's own, and, per resident, strictest first:
       - covered: the resident's code in force is already as strict (kept_covered);
       - review: a person decided on the resident's code after this arrival was assessed;
         the decision stands, the district gets a review task (to_review);
       - write: the code, its event, the measure and the tests (to_red/yellow/green)."""
    kept_decided = 0
    # Two reads, both over the chunk's id range (joins, not lists of ids): the arrivals
    # with their own decisions and their residents' present state, and their stays.
    recent = ArrivalReport.objects.filter(
        resident_id__gte=lo,
        resident_id__lte=hi,
        state=ArrivalReport.State.ASSESSED,
        arrival_date__gte=today - WINDOW,
    )
    stands = F("resident__decision_stands_at")
    rows = list(
        recent.annotate(
            # assessed before the resident's last person's decision (no time: before)
            before_person=Case(
                When(
                    Q(resident__decision_stands_at__isnull=False)
                    & (Q(assessed_at__isnull=True) | Q(assessed_at__lt=stands)),
                    then=Value(True),
                ),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("resident_id", "pk")
        .values_list(
            "pk",
            "resident_id",
            "arrival_date",
            "abroad_quarantine_days",
            "decided_code",
            "decided_rule",
            "before_person",
            "resident__code",
            "resident__code_rule",
            "resident__decision_stands_at",
            "resident__grid_id",
        )
    )
    if not rows:
        return Decided({}, [], 0)
    stays = defaultdict(list)
    for arrival_id, *stay in (
        Stay.objects.filter(arrival__in=recent)
        .order_by()
        .values_list("arrival_id", "province", "city", "county", "street", "area", "start", "end")
    ):
        stays[arrival_id].append(stay)
    window_start = today - WINDOW
    stricter = defaultdict(list)  # resident id -> [(arrival row, decision)]
    residents = {}  # resident id -> Guard (the state the writes are conditional on)
    for row in rows:
        arrival_id, resident_id, arrival_date, abroad_days, own_code, own_rule = row[:6]
        journey = stays[arrival_id]
        if abroad_days is None and not any(
            end >= window_start and policy.names(province, city, county)
            for province, city, county, _street, _area, _start, end in journey
        ):
            # No place the announcement names and no entry from abroad: R0, never stricter
            # than the decision taken (most arrivals: decided without the engine).
            kept_decided += 1
            continue
        decision = assess(
            Traveller(
                stays=tuple(
                    StayIn(
                        province=province,
                        city=city,
                        county=county,
                        street=street,
                        area=area,
                        start=start,
                        end=end,
                    )
                    for province, city, county, street, area, start, end in journey
                ),
                arrival_date=arrival_date,
                abroad_quarantine_days=abroad_days,
            ),
            policy,
            today,
        )
        if not is_stricter(decision.code, decision.rule, own_code, own_rule):
            kept_decided += 1
            continue
        stricter[resident_id].append((row, decision))
        residents[resident_id] = Guard(resident_id, *row[7:11])
    changes = []
    for resident_id, candidates in stricter.items():
        guard = residents[resident_id]
        in_force = (guard.code, guard.rule)
        candidates.sort(key=lambda c: strictness(c[1].code, c[1].rule), reverse=True)
        for row, decision in candidates:
            if not is_stricter(decision.code, decision.rule, *in_force):
                action = COVERED
            elif row[6]:  # assessed before the resident's last person's decision
                action = REVIEW
            else:
                action = WRITE
                in_force = (str(decision.code), decision.rule)
            changes.append(
                Change(
                    resident_id,
                    guard.code,
                    guard.rule,
                    str(decision.code),
                    decision.rule,
                    decision.explanation,
                    arrival_id=row[0],
                    decision=decision,
                    action=action,
                    grid_id=guard.grid_id,
                )
            )
    return Decided(residents, changes, kept_decided)


# --- Writing a re-assessment's changes ---------------------------------------------------------


def _apply(
    residents: dict[int, Guard], changes: list[Change], now, run: RecomputeRun, lo: int, hi: int
) -> tuple[list[Change], list[Change], int]:
    """Write the changes of the residents whose code, rule and last person's decision are
    still those the chunk read (the others changed meanwhile, by hand say, and are left
    alone, their arrivals to be decided again by a later run): the stricter decisions
    become their arrivals' own; a write gives the code, its event, the measure (replacing
    the active one) and the tests; a review files the district's task, once an arrival
    and decision. Returns (the changes written, the reviews filed, how many arrivals were
    covered)."""
    if not changes:
        return [], [], 0
    if connection.vendor == "postgresql":
        return _apply_copy(residents, changes, now, run, lo, hi)
    return _apply_orm(residents, changes, now, run)


# PostgreSQL: the chunk's changes go to the server in one COPY (measured: Django's
# bulk_create of the events, measures and tests was most of a re-assessment's time, quoting
# every value in Python), then two set-based statements do the writes. The residents'
# conditional UPDATE is the guard of a write: under READ COMMITTED a row changed by a
# concurrent transaction is checked again against what the chunk read (code, rule, last
# person's decision) once that transaction commits, and skipped when it no longer
# matches; the arrival's decision is then left as it was, for a later run to decide again.
# A review or a covered arrival writes no code: its resident is checked in the statement's
# snapshot (no row lock: locking a thousand rows a chunk cost as much as updating them),
# so a person's change that commits in the milliseconds between that snapshot and the
# chunk's commit can at worst leave an arrival covered that would have been a review; it
# never changes a code. ON COMMIT DROP: the temporary tables do not outlive the chunk's
# transaction, even if a statement fails.
CHANGE_TABLE = """
CREATE TEMPORARY TABLE recompute_resident (
    resident_id bigint PRIMARY KEY, old_code text, old_rule text, old_stands timestamptz,
    ok boolean NOT NULL DEFAULT false
) ON COMMIT DROP;
CREATE TEMPORARY TABLE recompute_change (
    arrival_id bigint PRIMARY KEY, resident_id bigint, action text, old_code text,
    old_rule text, old_stands timestamptz, new_code text, new_rule text, kind text,
    reason text, phases jsonb, start date, "end" date, release_due date
) ON COMMIT DROP;
CREATE TEMPORARY TABLE recompute_test (
    resident_id bigint, arrival_id bigint, kind text, due date
) ON COMMIT DROP
"""
RESIDENT_COLUMNS = "resident_id, old_code, old_rule, old_stands"
CHANGE_COLUMNS = (
    "arrival_id, resident_id, action, old_code, old_rule, old_stands, new_code, new_rule, "
    'kind, reason, phases, start, "end", release_due'
)
APPLY_SQL = [
    # 1. the codes and their events, the old measures of the residents that get a new one,
    # the arrivals' own decisions and the review tasks of the residents still as read (ok:
    # written, or unchanged without a write), which are marked for statement 2
    """WITH applied AS (
        UPDATE communities_resident r
        SET code = c.new_code, code_rule = c.new_rule, code_changed_at = {now}
        FROM recompute_change c
        WHERE r.id = c.resident_id AND c.action = 'write'
          AND r.code = c.old_code AND r.code_rule = c.old_rule
          AND r.decision_stands_at IS NOT DISTINCT FROM c.old_stands
        RETURNING r.id
    ), unchanged AS (
        SELECT g.resident_id AS id FROM recompute_resident g
        JOIN communities_resident r ON r.id = g.resident_id
        WHERE r.code = g.old_code AND r.code_rule = g.old_rule
          AND r.decision_stands_at IS NOT DISTINCT FROM g.old_stands
          AND NOT EXISTS (SELECT 1 FROM recompute_change w
                          WHERE w.resident_id = g.resident_id AND w.action = 'write')
    ), ok AS (
        SELECT id FROM applied UNION ALL SELECT id FROM unchanged
    ), marked AS (
        UPDATE recompute_resident g SET ok = true FROM ok WHERE g.resident_id = ok.id
    ), events AS (
        INSERT INTO communities_healthcodeevent
            (resident_id, kind, from_code, to_code, rule, reason, actor_id, created_at)
        SELECT c.resident_id, c.kind, c.old_code, c.new_code, c.new_rule, c.reason, NULL,
               {now}
        FROM recompute_change c JOIN applied ON applied.id = c.resident_id
        WHERE c.action = 'write'
    ), replaced AS (
        UPDATE communities_controlmeasure m SET state = 'replaced'
        FROM recompute_change c JOIN applied ON applied.id = c.resident_id
        WHERE m.resident_id BETWEEN {lo} AND {hi} AND c.action = 'write'
          AND c.phases IS NOT NULL AND m.resident_id = c.resident_id AND m.state = 'active'
    ), decided AS (
        UPDATE communities_arrivalreport a
        SET decided_code = c.new_code, decided_rule = c.new_rule
        FROM recompute_change c JOIN ok ON ok.id = c.resident_id
        WHERE a.id = c.arrival_id
    ), reviews AS (
        INSERT INTO communities_decisionreview
            (resident_id, arrival_id, announcement_id, run_id, person_decision_id, code, rule,
             explanation, state, created_at, note)
        SELECT c.resident_id, c.arrival_id, {announcement}, {run},
               (SELECT p.id FROM communities_persondecision p
                WHERE p.resident_id = c.resident_id ORDER BY p.at DESC, p.id DESC LIMIT 1),
               c.new_code, c.new_rule, c.reason, 'open', {now}, ''
        FROM recompute_change c JOIN ok ON ok.id = c.resident_id
        WHERE c.action = 'review'
        ON CONFLICT DO NOTHING
        RETURNING arrival_id
    )
    SELECT id, 'ok' FROM ok
    UNION ALL SELECT id, 'write' FROM applied
    UNION ALL SELECT arrival_id, 'review' FROM reviews""",
    # 2. the new measures and the tests, in a statement of their own: the old measures are
    # replaced by now (one active measure a resident is a unique index)
    """WITH measures AS (
        INSERT INTO communities_controlmeasure
            (resident_id, arrival_id, rule, phases, start, "end", release_due, state,
             created_at)
        SELECT c.resident_id, c.arrival_id, c.new_rule, c.phases, c.start, c."end",
               c.release_due, 'active', {now}
        FROM recompute_change c JOIN recompute_resident g ON g.resident_id = c.resident_id
        WHERE g.ok AND c.action = 'write' AND c.phases IS NOT NULL
    )
    INSERT INTO communities_nucleicacidtest
        (resident_id, arrival_id, kind, due, result, withdrawn_result)
    SELECT t.resident_id, t.arrival_id, t.kind, t.due, 'pending', ''
    FROM recompute_test t JOIN recompute_resident g ON g.resident_id = t.resident_id
    WHERE g.ok
    ON CONFLICT DO NOTHING""",
    "DROP TABLE recompute_resident, recompute_change, recompute_test",
]


def _apply_copy(residents, changes, now, run, lo, hi):
    """_apply on PostgreSQL: COPY the residents' guards, the changes and their tests, then
    APPLY_SQL."""
    with connection.cursor() as cursor:
        cursor.execute(CHANGE_TABLE)
        with cursor.copy(f"COPY recompute_resident ({RESIDENT_COLUMNS}) FROM STDIN") as copy:
            for g in residents.values():
                copy.write_row((g.resident_id, g.code, g.rule, g.stands_at))
        with cursor.copy(f"COPY recompute_change ({CHANGE_COLUMNS}) FROM STDIN") as copy:
            for c in changes:
                measure = c.decision.measure if c.action == WRITE else ()
                copy.write_row(
                    (
                        c.arrival_id,
                        c.resident_id,
                        c.action,
                        c.old_code,
                        c.old_rule,
                        residents[c.resident_id].stands_at,
                        c.new_code,
                        c.new_rule,
                        code_event_kind(c.old_code, c.new_code),
                        c.reason,
                        json.dumps(c.decision.measure_dicts()) if measure else None,
                        measure[0].start if measure else None,
                        measure[-1].end if measure else None,
                        c.decision.release_due if measure else None,
                    )
                )
        with cursor.copy("COPY recompute_test FROM STDIN") as copy:
            for c in changes:
                if c.action == WRITE:
                    for test in c.decision.tests:
                        copy.write_row((c.resident_id, c.arrival_id, test.kind, test.due))
        # Statistics for the planner: without them it guesses a few rows and joins the
        # changes to themselves in nested loops (measured: 150 ms a chunk of 1,000).
        cursor.execute("ANALYZE recompute_resident, recompute_change, recompute_test")
        # The values go into the statements as literals (psycopg's sql module quotes
        # them): with placeholders, the client split these long statements for every
        # chunk (measured: 6 ms a statement).
        values = {
            "now": sql.Literal(now),
            "lo": sql.Literal(lo),
            "hi": sql.Literal(hi),
            "run": sql.Literal(run.pk),
            "announcement": sql.Literal(run.announcement_id),
        }
        statements = [
            sql.SQL(statement).format(**values).as_string(cursor.connection)
            for statement in APPLY_SQL
        ]
        cursor.execute(statements[0])
        done = defaultdict(set)
        for pk, what in cursor.fetchall():
            done[what].add(pk)
        for statement in statements[1:]:
            cursor.execute(statement)
    return _outcome(changes, done["ok"], done["write"], done["review"])


def _outcome(changes, ok, written, reviewed) -> tuple[list[Change], list[Change], int]:
    """(the changes written, the reviews filed, how many arrivals were covered), from the
    residents in `ok`, those `written` and the arrivals `reviewed`."""
    return (
        [c for c in changes if c.action == WRITE and c.resident_id in written],
        [c for c in changes if c.action == REVIEW and c.arrival_id in reviewed],
        sum(1 for c in changes if c.action == COVERED and c.resident_id in ok),
    )


def _apply_orm(residents, changes, now, run) -> tuple[list[Change], list[Change], int]:
    """The portable form (SQLite, the embedded default; its IMMEDIATE transactions
    serialize writers, so nothing changes between the guard's read and the writes): the
    guard in one read a batch of ids, one UPDATE per class of change (same new code and
    rule), then the rows in bulk."""
    ok = set()
    ids = list(residents)
    for start in range(0, len(ids), ORM_BATCH):
        rows = Resident.objects.select_for_update().filter(pk__in=ids[start : start + ORM_BATCH])
        for pk, code, rule, stands_at in rows.values_list(
            "pk", "code", "code_rule", "decision_stands_at"
        ):
            guard = residents[pk]
            if (code, rule, stands_at) == (guard.code, guard.rule, guard.stands_at):
                ok.add(pk)
    mine = [c for c in changes if c.resident_id in ok]
    writes = [c for c in mine if c.action == WRITE]
    for (code, rule), group in _classes(writes).items():
        Resident.objects.filter(pk__in=[c.resident_id for c in group]).update(
            code=code, code_rule=rule, code_changed_at=now
        )
    for (code, rule), group in _classes(mine).items():
        ArrivalReport.objects.filter(pk__in=[c.arrival_id for c in group]).update(
            decided_code=code, decided_rule=rule
        )
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
        for c in writes
    )
    measured = [c for c in writes if c.decision.measure]
    ControlMeasure.objects.filter(
        resident_id__in=[c.resident_id for c in measured], state=ControlMeasure.State.ACTIVE
    ).update(state=ControlMeasure.State.REPLACED)
    ControlMeasure.objects.bulk_create(
        ControlMeasure(
            resident_id=c.resident_id,
            arrival_id=c.arrival_id,
            rule=c.new_rule,
            phases=c.decision.measure_dicts(),
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
            for c in writes
            for t in c.decision.tests
        ),
        ignore_conflicts=True,
    )
    reviewed = _reviews_file([c for c in mine if c.action == REVIEW], now, run)
    return _outcome(changes, ok, {c.resident_id for c in writes}, reviewed)


def _classes(changes: list[Change]) -> dict[tuple[str, str], list[Change]]:
    classes = defaultdict(list)
    for change in changes:
        classes[(change.new_code, change.new_rule)].append(change)
    return classes


def _reviews_file(changes: list[Change], now, run: RecomputeRun) -> set[int]:
    """The review tasks of these changes, each naming the person's decision it meets; one
    an arrival and decision (a chunk run twice files none more). Returns their arrivals."""
    if not changes:
        return set()
    latest = {}
    for pk, resident_id in (
        PersonDecision.objects.filter(resident_id__in={c.resident_id for c in changes})
        .order_by("resident_id", "-at", "-pk")
        .values_list("pk", "resident_id")
    ):
        latest.setdefault(resident_id, pk)
    filed = set(
        DecisionReview.objects.filter(arrival_id__in=[c.arrival_id for c in changes]).values_list(
            "arrival_id", "code", "rule"
        )
    )
    new = [c for c in changes if (c.arrival_id, c.new_code, c.new_rule) not in filed]
    DecisionReview.objects.bulk_create(
        DecisionReview(
            resident_id=c.resident_id,
            arrival_id=c.arrival_id,
            announcement_id=run.announcement_id,
            run=run,
            person_decision_id=latest.get(c.resident_id),
            code=c.new_code,
            rule=c.new_rule,
            explanation=c.reason,
            created_at=now,
        )
        for c in new
    )
    return {c.arrival_id for c in new}
