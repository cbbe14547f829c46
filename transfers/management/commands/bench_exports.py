"""Time and peak memory of an export at 10,000 and 100,000 rows (issue 15), beside the
naive export (every object in memory, a normal openpyxl workbook). Each run is a process
of its own, so that its peak RSS is its own; the figures are printed with the dataset.

    manage.py seed_demo --force --residents 100000
    manage.py bench_exports            # residents, Excel and CSV, as the city office
"""

import json
import resource
import subprocess
import sys
import tempfile
import time

import openpyxl
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.http import QueryDict

from communities.models import Resident, User
from transfers import jobs, registry, writers


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux


class Command(BaseCommand):
    help = "Export figures (time, peak RSS) at 10,000 and 100,000 rows, with the naive way."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 100_000])
        parser.add_argument("--formats", nargs="+", default=["xlsx", "csv"])
        parser.add_argument("--no-naive", action="store_true")
        parser.add_argument("--child", nargs=3, metavar=("WAY", "ROWS", "FORMAT"))

    def handle(self, *args, rows, formats, no_naive, child, **options):
        if child:
            way, count, kind = child
            self.stdout.write(json.dumps(self.run_one(way, int(count), kind)))
            return
        total = Resident.objects.count()
        if total < max(rows):
            raise CommandError(f"{total} residents: seed_demo --force --residents {max(rows)}")
        self.stdout.write(
            f"Dataset: {total:,} residents on {connection.vendor}; the list 居民 as the city "
            "office (every resident), each run a process of its own."
        )
        self.stdout.write(f"{'rows':>8} {'format':>6} {'way':>6} {'seconds':>8} {'peak MB':>8}")
        ways = ["now"] + ([] if no_naive else ["naive"])
        for count in rows:
            for kind in formats:
                for way in ways:
                    manage = str(settings.BASE_DIR / "manage.py")
                    command = [sys.executable, manage, "bench_exports", "--child"]
                    out = subprocess.run(  # noqa: S603 - our own manage.py, our own arguments
                        [*command, way, str(count), kind], capture_output=True, text=True
                    )
                    if out.returncode:
                        raise CommandError(out.stderr[-2000:])
                    figure = json.loads(out.stdout.strip().splitlines()[-1])
                    self.stdout.write(
                        f"{figure['rows']:>8,} {kind:>6} {way:>6} {figure['seconds']:>8.1f} "
                        f"{figure['peak_mb']:>8.0f}  (before: {figure['start_mb']:.0f} MB)"
                    )

    def run_one(self, way: str, count: int, kind: str) -> dict:
        user = User.objects.filter(role=User.Role.CITY_OFFICE, is_active=True).first()
        if user is None:
            raise CommandError("No city office user: run seed_demo first.")
        item = registry.get("residents")
        queryset = item.rows(user, QueryDict())[:count]
        start_mb = _peak_mb()
        started = time.perf_counter()
        with tempfile.NamedTemporaryFile(suffix=f".{kind}") as target:
            if way == "now":
                rows = jobs.sheet_rows(item, user=user, queryset=queryset)
                if kind == "csv":
                    with open(target.name, "w", encoding="utf-8", newline="") as out:
                        out.writelines(writers.csv_lines(rows))
                else:
                    writers.xlsx_write(rows, target.name, title=item.title)
            else:  # naive: all objects in memory, a workbook held whole
                objects = list(queryset)
                item.prepare(objects)
                columns = item.columns(user)
                table = [[str(c.heading) for c in columns]]
                table += [[writers.cell(c.value(o)) for c in columns] for o in objects]
                if kind == "csv":
                    with open(target.name, "w", encoding="utf-8", newline="") as out:
                        out.writelines(writers.csv_lines(table))
                else:
                    book = openpyxl.Workbook()
                    for row in table:
                        book.active.append(row)
                    book.save(target.name)
        return {
            "rows": count,
            "seconds": time.perf_counter() - started,
            "peak_mb": _peak_mb(),
            "start_mb": start_mb,
        }
