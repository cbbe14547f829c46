"""Benchmark of the dashboards' jobs at city scale, with the naive version beside each.

    python manage.py bench_dashboards --force

On the database as it is (seed it first: `seed_demo --force --residents 1000000 --shops
2000`, and `bench_recompute --force --residents 1000000` for measures, tests and 100,000
recent arrivals):
1. refresh: the summary rows of every node (summary.refresh), best of --runs; the naive
   version counts each figure of each node with its own query over the node's subtree
   (what a dashboard without summary rows does), timed on a sample of nodes and scaled to
   all of them;
2. reports: the daily reports of every street, district and the city (reports.build) of
   today (bench_recompute's arrivals and releases happened today: the busiest day of the
   data); the naive version builds one report at a time, reading the day's events for
   that node only, timed on a sample and scaled.
Each line gives the seconds, the queries and the process's peak RSS. The last line is
`refresh: <S> s for <N> nodes, reports: <R> s for <M> reports; naive <x>x and <y>x slower`.
"""

import resource
import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import (
    Anomaly,
    Appeal,
    ControlMeasure,
    HealthCodeEvent,
    Jurisdiction,
    NucleicAcidTest,
    Resident,
)
from communities.selectors import day_bounds
from dashboards import reports, summary


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Command(BaseCommand):
    help = "Times the dashboards' refresh and the daily reports, with the naive versions."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=3, help="runs of each job (best kept)")
        parser.add_argument("--sample", type=int, default=20, help="nodes the naive runs time")
        parser.add_argument("--force", action="store_true", help="run with DEBUG off")

    def handle(self, *args, runs, sample, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError("bench_dashboards writes summary rows; use --force.")
        residents = Resident.objects.count()
        nodes = Jurisdiction.objects.count()
        self.stdout.write(
            f"dataset: {residents:,} residents, {nodes:,} nodes, "
            f"{ControlMeasure.objects.count():,} measures on {connection.vendor}"
        )
        now = timezone.now()
        day = timezone.localdate(now)
        refresh, queries = self.best(runs, summary.refresh, now)
        self.stdout.write(
            f"  refresh: {refresh:.2f} s, {queries} queries, peak RSS {peak_mb():.0f} MB"
        )
        naive_refresh = self.naive_refresh(sample) * nodes
        self.stdout.write(
            f"  naive refresh (a query per figure per node, {sample} nodes timed): "
            f"{naive_refresh:.1f} s for {nodes:,} nodes"
        )
        built, queries = self.best(runs, reports.build, day, now=now)
        count = Jurisdiction.objects.filter(level__in=reports.LEVELS).count()
        self.stdout.write(
            f"  reports: {built:.2f} s for {count:,} reports, {queries} queries, "
            f"peak RSS {peak_mb():.0f} MB"
        )
        events = reports.DailyReport.objects.get(node__level="city", day=day).figures
        self.stdout.write(
            f"  the day's events: {events['arrivals']:,} arrivals, {events['releases']:,} "
            f"releases, {events['anomalies_new']:,} anomalies"
        )
        naive_reports = self.naive_reports(day, sample) * count
        self.stdout.write(
            f"  naive reports (each read on its own, {sample} timed): {naive_reports:.1f} s"
        )
        self.stdout.write(
            f"refresh: {refresh:.2f} s for {nodes} nodes, reports: {built:.2f} s for {count} "
            f"reports; naive {naive_refresh / refresh:.0f}x and {naive_reports / built:.0f}x slower"
        )

    def best(self, runs, job, *args, **kwargs) -> tuple[float, int]:
        """The best time of `runs` runs, and the queries of one run."""
        times, queries = [], 0
        for _ in range(runs):
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                job(*args, **kwargs)
                times.append(time.perf_counter() - started)
            queries = len(captured)
        return min(times), queries

    def naive_refresh(self, sample: int) -> float:
        """Seconds a node for the naive refresh: each figure its own count over the
        node's subtree."""
        today = timezone.localdate()
        chosen = list(Jurisdiction.objects.order_by("?")[:sample])
        started = time.perf_counter()
        for node in chosen:
            under = {"resident__grid__path__startswith": node.path}
            Resident.objects.filter(grid__path__startswith=node.path).values("code").annotate(
                n=Count("*")
            ).count()
            active = ControlMeasure.objects.filter(state="active", **under)
            active.count()
            active.filter(end__lt=today + timedelta(days=3)).count()
            pending = NucleicAcidTest.objects.filter(result="pending", **under)
            pending.filter(due=today).count()
            pending.filter(due__lt=today).count()
            pending.filter(sampled_at__isnull=False).count()
            Anomaly.objects.filter(resolved_at__isnull=True, **under).count()
            Appeal.objects.exclude(state="resolved").filter(**under).count()
        return (time.perf_counter() - started) / max(len(chosen), 1)

    def naive_reports(self, day, sample: int) -> float:
        """Seconds a report for the naive build: the day's events read for each node."""
        start, end = day_bounds(day)
        chosen = list(Jurisdiction.objects.filter(level__in=reports.LEVELS).order_by("?")[:sample])
        started = time.perf_counter()
        for node in chosen:
            under = {"resident__grid__path__startswith": node.path}
            list(Anomaly.objects.filter(created_at__gte=start, created_at__lt=end, **under))
            list(
                HealthCodeEvent.objects.filter(
                    kind="release", created_at__gte=start, created_at__lt=end, **under
                )
            )
            list(Appeal.objects.filter(resolved_at__gte=start, resolved_at__lt=end, **under))
        return (time.perf_counter() - started) / max(len(chosen), 1)
