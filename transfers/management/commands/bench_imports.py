"""Time and peak memory of an import of new residents at 10,000 and 50,000 rows (issue 15):
the import path as it runs (read, check every row, store in one transaction), beside the
naive import (a query or two a row to check it, one INSERT a row). Each run is a process
of its own, so that its peak RSS is its own, and each is rolled back afterwards: the
database is as before. Run on the demo's data:

    manage.py seed_demo --force --residents 100000
    manage.py bench_imports
"""

import io
import json
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from communities import rules
from communities.models import Jurisdiction, Resident, User
from communities.validators import validate_mobile
from transfers import checking, registry, writers
from transfers.models import Import

from .bench_exports import _peak_mb

COUNTY = "110101"  # a county the demo's residents are not from: every ID number is new


def residents_csv(rows: int, grids: list[tuple[str, str]]) -> bytes:
    """A file of `rows` new residents spread over `grids` (community, grid)."""
    lines = [["姓名", "身份证号", "手机号", "社区", "网格", "住址"]]
    for i in range(rows):
        community, grid = grids[i % len(grids)]
        birth = date(1950, 1, 1) + timedelta(days=i // 1000)
        id_number = rules.make_id_number(COUNTY, birth, i)
        lines.append([f"测试{i}", id_number, f"139{i:08d}", community, grid, f"测试路{i}号"])
    return "".join(writers.csv_lines(lines)).encode("utf-8")


class _Rollback(Exception):
    pass


class Command(BaseCommand):
    help = "Import figures (time, peak RSS) at 10,000 and 50,000 rows, with the naive way."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000])
        parser.add_argument("--naive-rows", type=int, nargs="*", default=[10_000])
        parser.add_argument("--child", nargs=2, metavar=("WAY", "ROWS"))

    def handle(self, *args, rows, naive_rows, child, **options):
        if child:
            way, count = child
            self.stdout.write(json.dumps(self.run_one(way, int(count))))
            return
        self.stdout.write(
            f"Dataset: {Resident.objects.count():,} residents on {connection.vendor}; a file of "
            "new residents (CSV) imported by the city office, each run a process of its own "
            "and rolled back."
        )
        self.stdout.write(f"{'rows':>8} {'way':>6} {'seconds':>8} {'peak MB':>8}")
        manage = str(settings.BASE_DIR / "manage.py")
        runs = [(count, "now") for count in rows] + [(count, "naive") for count in naive_rows]
        for count, way in sorted(runs):
            out = subprocess.run(  # noqa: S603 - our own manage.py, our own arguments
                [sys.executable, manage, "bench_imports", "--child", way, str(count)],
                capture_output=True,
                text=True,
            )
            if out.returncode:
                raise CommandError(out.stderr[-2000:])
            figure = json.loads(out.stdout.strip().splitlines()[-1])
            self.stdout.write(
                f"{count:>8,} {way:>6} {figure['seconds']:>8.1f} {figure['peak_mb']:>8.0f}"
                f"  (before: {figure['start_mb']:.0f} MB; stored {figure['stored']:,})"
            )

    def run_one(self, way: str, count: int) -> dict:
        user = User.objects.filter(role=User.Role.CITY_OFFICE, is_active=True).first()
        if user is None:
            raise CommandError("No city office user: run seed_demo first.")
        grids = list(
            Jurisdiction.objects.filter(level=Jurisdiction.Level.GRID)
            .order_by("pk")
            .values_list("parent__name", "name")
        )
        data = residents_csv(count, grids)
        start_mb = _peak_mb()
        started = time.perf_counter()
        stored = 0
        try:
            with transaction.atomic():
                stored = self.now(user, data) if way == "now" else self.naive(user, data)
                seconds = time.perf_counter() - started
                raise _Rollback
        except _Rollback:
            pass
        return {"seconds": seconds, "peak_mb": _peak_mb(), "start_mb": start_mb, "stored": stored}

    def now(self, user, data: bytes) -> int:
        """The import path: the file kept, checked (the dry run), checked again and stored."""
        kind = registry.import_kind("residents")
        with tempfile.TemporaryDirectory() as media, self.settings_media(media):
            path = Path(media) / "imports" / "bench.csv"
            path.parent.mkdir(parents=True)
            path.write_bytes(data)
            record = Import.objects.create(
                by=user,
                kind=kind.name,
                title=str(kind.title),
                file_name="bench.csv",
                file="imports/bench.csv",
                rows=0,
                state=Import.State.CHECKING,
            )
            if not checking.import_check(import_id=record.pk):
                raise CommandError(Import.objects.get(pk=record.pk).problems[:3])
            Import.objects.filter(pk=record.pk).update(state=Import.State.STORING)
            checking.import_store(import_id=record.pk)
            return Import.objects.get(pk=record.pk).stored_rows

    def naive(self, user, data: bytes) -> int:
        """A row at a time: its grid and its ID number looked up, then one INSERT."""
        import csv

        reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
        stored = 0
        for row in reader:
            grid = Jurisdiction.objects.filter(
                level=Jurisdiction.Level.GRID, name=row["网格"], parent__name=row["社区"]
            ).first()
            id_number = rules.normalize_id_number(row["身份证号"])
            if rules.id_number_problem(id_number, today=date.today()) or grid is None:
                continue
            validate_mobile(row["手机号"])
            if Resident.objects.filter(id_number=id_number).exists():
                continue
            Resident.objects.create(
                name=row["姓名"], id_number=id_number, phone=row["手机号"], grid=grid
            )
            stored += 1
        return stored

    def settings_media(self, media: str):
        from django.test import override_settings

        return override_settings(MEDIA_ROOT=media)
