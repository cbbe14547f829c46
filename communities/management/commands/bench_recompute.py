"""Benchmark of the recompute jobs at city scale, with the naive per-object loop beside.

    python manage.py bench_recompute --residents 1000000 --force

Seeds the large city if it has fewer residents (seed_demo, in a subprocess so that its
memory does not count here), then, on a benchmark database only:
1. release: gives 5 % of the residents a red R1 measure whose release is due today, runs
   the nightly release job (all chunks, one worker: this process) and times it;
2. recompute: files --arrivals recent arrivals (half from a high-risk county of the demo
   announcement, half from a clean one) on green residents; first the dry run of an
   announcement with the demo's lists (issue 14: the impact preview's job, which writes
   nothing), then the re-assessment job; the command stops with an error unless the dry
   run's figures are what the re-assessment did;
3. naive: the same work as a per-object save() loop on a sample, for the ratio (last, so
   that the objects it loads do not count in the jobs' memory).
Each job's line gives the process's RSS when it started and its peak during the job (the
peak is reset before the job on Linux), to compare cities of different sizes.
The last line is `release: <N> released of <M> residents in <S> s; naive <R>x slower`.
"""

import resource
import subprocess
import sys
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from communities import impact, policies, recompute, services
from communities.demo import demo_announcement_load
from communities.models import (
    ArrivalReport,
    ControlMeasure,
    HealthCodeEvent,
    ImpactPreview,
    RecomputeRun,
    Resident,
)

DUE_EVERY = 20  # 1 resident in 20 (5 %) has a measure due for release
ARRIVAL_EVERY = 10  # arrivals go to residents with id % 10 == 1
RISKY = ("吉林省", "吉林市", "丰满区")  # a high-risk county of the demo announcement
CLEAN = ("广东省", "广州市", "天河区")


# The rows a previous run left, in the order of their references (on_delete as in the
# models: follow-ups and stays and grid tasks go with their measure or arrival, anomalies
# keep their row and lose the link).
CLEAR_SQL = [
    "UPDATE communities_anomaly SET followup_id = NULL, test_id = NULL "
    "WHERE followup_id IS NOT NULL OR test_id IS NOT NULL",
    "DELETE FROM communities_followup",
    "DELETE FROM communities_controlmeasure",
    "DELETE FROM communities_nucleicacidtest",
    "DELETE FROM communities_stay",
    "DELETE FROM communities_gridtask WHERE arrival_id IS NOT NULL",
    "DELETE FROM communities_decisionreview",
    "UPDATE communities_identitychange SET arrival_id = NULL WHERE arrival_id IS NOT NULL",
    "DELETE FROM communities_arrivalreport",
    "DELETE FROM communities_healthcodeevent",
]


def peak_reset() -> bool:
    """Start the process's peak RSS afresh (Linux: writing 5 to clear_refs resets VmHWM),
    so that a job's peak is its own, not the set-up's. False where that is not possible."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
    except OSError:
        return False
    return True


def rss_mb(field: str = "VmRSS") -> float | None:
    """The process's resident memory now (VmRSS) or its peak since the last reset (VmHWM),
    from /proc; None without it."""
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return None


class Command(BaseCommand):
    help = "Times the nightly release and the re-assessment at city scale (see the module)."

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=int, default=1_000_000)
        parser.add_argument("--arrivals", type=int, default=100_000)
        parser.add_argument("--naive-sample", type=int, default=20_000)
        parser.add_argument(
            "--force",
            action="store_true",
            help="run with DEBUG off (it rewrites codes: benchmark databases only)",
        )

    def handle(self, *args, residents, arrivals, naive_sample, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "bench_recompute rewrites codes and measures; run it on a "
                "benchmark database with DEBUG on or --force."
            )
        self.today = timezone.localdate()
        if Resident.objects.count() < residents:
            self.stdout.write(f"Seeding {residents:,} residents…")
            seed = [
                sys.executable,
                "manage.py",
                "seed_demo",
                "--force",
                "--residents",
                str(residents),
                "--shops",
                "0",
            ]
            subprocess.run(seed, check=True)  # noqa: S603 - our own manage.py
        demo, _created = demo_announcement_load()  # an older benchmark database may lack it
        total = Resident.objects.count()
        vendor = connection.vendor
        self.stdout.write(f"dataset: {total:,} residents on {vendor}")

        due = self.setup_release()
        self.analyze()
        released, seconds, queries, memory = self.timed(
            recompute.run_inline, kind=RecomputeRun.Kind.NIGHTLY, today=self.today
        )
        self.report("release", due, released.to_green, seconds, queries, memory)

        filed = self.setup_arrivals(arrivals)
        self.analyze()
        preview = self.preview_queue(demo)
        _ran, seconds1, queries1, memory1 = self.timed(impact.preview_run, preview_id=preview.pk)
        preview.refresh_from_db()
        self.report("dry run", filed, preview.changed, seconds1, queries1, memory1)
        run, seconds2, queries2, memory2 = self.timed(
            recompute.run_inline, kind=RecomputeRun.Kind.ANNOUNCEMENT, today=self.today
        )
        self.report("recompute", filed, run.changed, seconds2, queries2, memory2)
        self.compare(preview, run, seconds1, seconds2)

        # The naive loops last: the objects they load would stay in the process's memory
        # and blur the jobs' figures.
        naive_recompute = self.naive_recompute(min(naive_sample, 5_000))
        self.stdout.write(
            f"  naive per-resident loop on {min(naive_sample, 5_000):,}: "
            f"{naive_recompute:,.0f}/s → set-based "
            f"{filed / seconds2 / naive_recompute:,.1f}x faster"
        )
        naive_release = self.naive_release(naive_sample)
        self.stdout.write(
            f"  naive save() loop on {naive_sample:,}: {naive_release:,.0f}/s "
            f"→ set-based {released.to_green / seconds / naive_release:,.1f}x faster"
        )
        ratio = (released.to_green / seconds) / naive_release
        self.stdout.write(
            f"release: {released.to_green} released of {total} residents in "
            f"{seconds:.2f} s; naive {ratio:.1f}x slower"
        )

    def preview_queue(self, demo) -> ImpactPreview:
        """The preview row of an announcement with the demo's lists, effective today (in
        force from today on, as the demo would be: the same decisions), queued afresh."""
        payload = {**demo.payload, "title": f"{demo.title}（影响预演）"}
        payload["effective"] = self.today.isoformat()
        digest = policies.canonical_digest(payload)
        ImpactPreview.objects.filter(digest=digest).delete()
        return ImpactPreview.objects.create(digest=digest, payload=payload, today=self.today)

    def compare(self, preview, run, dry_seconds, run_seconds):
        """The dry run said what the recompute then did, or the benchmark fails."""
        names = ("to_red", "to_yellow", "to_green", "kept_decided", "kept_covered", "to_review")
        said = {name: getattr(preview, name) for name in names}
        did = {name: getattr(run, name) for name in names}
        if said != did:
            raise CommandError(f"the dry run said {said}, the recompute did {did}")
        rules = ", ".join(f"{n:,} → {code} by {rule}" for code, rule, n in preview.by_rule)
        self.stdout.write(
            f"impact preview: {preview.changed:,} would change ({rules}), "
            f"{preview.to_review:,} review tasks, over {preview.chunks_total} chunks in "
            f"{dry_seconds:.2f} s; the recompute did the same in {run_seconds:.2f} s"
        )

    def timed(self, job, **kwargs):
        count = [0]

        def counter(execute, sql, params, many, context):
            count[0] += 1
            return execute(sql, params, many, context)

        # A wrapper, not CaptureQueriesContext: its log keeps only the last 9,000 queries.
        # (COPY, which the re-assessment uses on PostgreSQL, goes around it: not counted.)
        checkpoints = self.checkpoints()
        with connection.execute_wrapper(counter):
            start_mb = rss_mb() or 0
            reset = peak_reset()
            started = time.perf_counter()
            result = job(**kwargs)
            seconds = time.perf_counter() - started
        if reset:
            peak = rss_mb("VmHWM")
        else:  # the peak over the process's life, set-up included
            peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        if checkpoints is not None:
            checkpoints = self.checkpoints() - checkpoints
        return result, seconds, count[0], (start_mb, peak, checkpoints)

    def checkpoints(self) -> int | None:
        """PostgreSQL's checkpoints so far: one during a job costs it full-page writes and
        I/O (most of the spread between runs of the release)."""
        if connection.vendor != "postgresql":
            return None
        with connection.cursor() as cursor:
            cursor.execute("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")
            return cursor.fetchone()[0]

    def report(self, name, work, changed, seconds, queries, memory):
        # Memory: the process's RSS when the job started and its peak during the job (the
        # set-up's peak is reset first, on Linux). A chunk holds at most CHUNK_IDS
        # residents' rows, so the peak should not grow with the city.
        start_mb, peak, checkpoints = memory
        during = "" if checkpoints is None else f", {checkpoints} checkpoint(s) during it"
        self.stdout.write(
            f"{name}: {changed:,} changed of {work:,} candidates in {seconds:.2f} s "
            f"({work / seconds:,.0f} residents/s), {queries:,} queries, "
            f"{recompute.CHUNK_IDS:,} ids a chunk, RSS {start_mb:,.0f} MB at start, "
            f"peak {peak:,.0f} MB{during}"
        )

    # --- setting the scene (set-based SQL; benchmark databases only) -----------------------

    @transaction.atomic
    def setup_release(self) -> int:
        start, end = self.today - timedelta(days=21), self.today - timedelta(days=1)
        jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            # What the ORM's delete() of measures, tests, arrivals and events does, in SQL:
            # the ORM loads every row it cascades from (measured: +120 MB of the process's
            # memory after a previous run, which then hid the jobs' own).
            for statement in CLEAR_SQL:
                cursor.execute(statement)
        Resident.objects.exclude(code="green", code_rule="").update(code="green", code_rule="")
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO communities_controlmeasure "  # noqa: S608 - fixed SQL
                '(resident_id, rule, phases, start, "end", release_due, state, created_at) '
                f"SELECT id, 'R1', %s{jsonb}, %s, %s, %s, 'active', %s "
                "FROM communities_resident WHERE id %% %s = 0",
                [
                    '[{"kind": "centralized_quarantine", "days": 14}, '
                    '{"kind": "home_health_monitoring", "days": 7}]',
                    start,
                    end,
                    self.today,
                    timezone.now(),
                    DUE_EVERY,
                ],
            )
            cursor.execute(
                "UPDATE communities_resident SET code = 'red', code_rule = 'R1' WHERE id %% %s = 0",
                [DUE_EVERY],
            )
        return ControlMeasure.objects.filter(state="active").count()

    def analyze(self) -> None:
        """After the bulk set-up (which deletes and rewrites hundreds of thousands of rows on
        every run): reclaim the dead rows and refresh the planner's statistics, as
        autovacuum does for a database in service."""
        # VACUUM cannot run inside a transaction (a test's, say): ANALYZE alone then.
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")

    @transaction.atomic
    def setup_arrivals(self, count: int) -> int:
        """`count` assessed arrivals of yesterday, one stay each, on green residents (the
        set-up above left no arrival); in SQL, so that the process's memory at the job's
        start is not the set-up's. Each takes its resident's id as its (unique) reference:
        nobody looks these up on the public status page."""
        day = self.today - timedelta(days=1)
        jsonb = "::jsonb" if connection.vendor == "postgresql" else ""
        with connection.cursor() as cursor:
            cursor.execute(
                "INSERT INTO communities_arrivalreport "  # noqa: S608 - fixed SQL
                "(resident_id, community_id, name, id_number, phone, address, source, "
                "arrival_date, landing_point_kind, landing_point, transport, state, decision, "
                "decided_code, decided_rule, assessed_at, created_at, reference) "
                "SELECT r.id, g.parent_id, '', '', '', '', 'grid_worker', %s, 'station', '', "
                f"'train', 'assessed', '{{}}'{jsonb}, 'green', 'R0', %s, %s, 'BENCH-' || r.id "
                "FROM communities_resident r "
                "JOIN communities_jurisdiction g ON g.id = r.grid_id "
                "WHERE r.code = 'green' AND r.id %% %s = 1 ORDER BY r.id LIMIT %s",
                [day, timezone.now(), timezone.now(), ARRIVAL_EVERY, count],
            )
            filed = cursor.rowcount
            # Every other candidate (by resident id) stayed in the risky county.
            cursor.execute(
                "INSERT INTO communities_stay "
                '(arrival_id, province, city, county, street, area, start, "end") '
                "SELECT id, "
                "CASE WHEN resident_id / %(every)s %% 2 = 1 THEN %(rp)s ELSE %(cp)s END, "
                "CASE WHEN resident_id / %(every)s %% 2 = 1 THEN %(rc)s ELSE %(cc)s END, "
                "CASE WHEN resident_id / %(every)s %% 2 = 1 THEN %(rk)s ELSE %(ck)s END, "
                "'', '', %(start)s, %(end)s FROM communities_arrivalreport",
                {
                    "every": ARRIVAL_EVERY,
                    **dict(zip(("rp", "rc", "rk"), RISKY, strict=True)),
                    **dict(zip(("cp", "cc", "ck"), CLEAN, strict=True)),
                    "start": day - timedelta(days=5),
                    "end": day - timedelta(days=1),
                },
            )
        return filed

    # --- the naive baselines ---------------------------------------------------------------

    def naive_release(self, sample: int) -> float:
        """Per object: load, save the measure, save the resident, create the event."""
        self.setup_release()
        measures = list(
            ControlMeasure.objects.filter(state="active").select_related("resident")[:sample]
        )
        started = time.perf_counter()
        with transaction.atomic():
            for measure in measures:
                measure.state = "released"
                measure.save()
                resident = measure.resident
                HealthCodeEvent.objects.create(
                    resident=resident,
                    kind="release",
                    from_code=resident.code,
                    to_code="green",
                    rule=measure.rule,
                    reason="naive",
                )
                resident.code = "green"
                resident.save()
        return len(measures) / (time.perf_counter() - started)

    def naive_recompute(self, sample: int) -> float:
        """Per resident: the service a grid worker's filing uses (assess, apply)."""

        arrivals = list(
            ArrivalReport.objects.select_related("resident").prefetch_related("stays")[:sample]
        )
        Resident.objects.filter(pk__in=[a.resident_id for a in arrivals]).update(
            code="green", code_rule=""
        )
        started = time.perf_counter()
        for arrival in arrivals:
            stays = [
                {
                    "province": s.province,
                    "city": s.city,
                    "county": s.county,
                    "start": s.start,
                    "end": s.end,
                }
                for s in arrival.stays.all()
            ]
            decision = services.assessment_run(
                traveller=services.traveller_from(stays=stays, arrival_date=arrival.arrival_date),
                as_of=self.today,
            )
            services.decision_apply(
                resident=arrival.resident, decision=decision, arrival=arrival, actor=None
            )
        return len(arrivals) / (time.perf_counter() - started)
