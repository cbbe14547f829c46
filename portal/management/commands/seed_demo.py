"""The demo of the whole portal, assembled here where every app may be known: the core
(communities/demo.py), then what each app that builds on it seeds (shops/demo.py), then
the dashboards' figures of the day."""

import time
from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from communities import demo
from dashboards import reports, summary
from hotels import demo as hotels_demo
from shops import demo as shops_demo
from vaccination import coverage
from vaccination import demo as vaccination_demo


class Command(BaseCommand):
    help = "Builds the Taiyuan demo (places, one user per role, residents, shops); idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--residents",
            type=int,
            default=demo.DEMO_RESIDENTS,
            help="total residents to have (a large city for benchmarks)",
        )
        parser.add_argument(
            "--shops", type=int, default=shops_demo.DEMO_SHOPS, help="total shops to have"
        )
        parser.add_argument(
            "--force",
            action="store_true",
            help="seed even with DEBUG off (demo accounts have known passwords)",
        )

    def handle(self, *args, residents, shops, force, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo creates accounts with a known password. It runs with DEBUG on; "
                "pass --force to seed a non-debug (benchmark) database."
            )
        if residents < 0 or shops < 0:
            raise CommandError("--residents and --shops cannot be negative.")
        started = time.monotonic()
        grid_ids = demo.demo_places_build(residents=residents)
        added = demo.demo_residents_add(total=residents, grid_ids=grid_ids)
        added_shops = shops_demo.demo_shops_add(total=shops)
        announcement, created = demo.demo_announcement_load()
        if created:
            self.stdout.write(f"Announcement loaded: {announcement}")
        for resident, (province, city, county) in demo.demo_arrivals_file():
            self.stdout.write(f"Arrival filed: {resident.name} from {province}{city}{county}")
        if shops_demo.demo_campaign_build(today=timezone.localdate()):
            self.stdout.write("The street sweep of 小店街道 started, with a few days done.")
        doses = vaccination_demo.demo_doses_add(today=timezone.localdate())
        self.stdout.write(f"Vaccination: {doses} doses added.")
        if hotels_demo.demo_hotels_build(today=timezone.localdate()):
            self.stdout.write("Quarantine hotels of 小店区 and 尖草坪区 set up, with their staff.")
        # The dashboards' figures before beat's first refresh, and yesterday's daily
        # reports (yesterday's figures: the demo's state now, as if found last night).
        now = timezone.now()
        summary.refresh(now - timedelta(days=1))
        nodes = summary.refresh(now)
        coverage.refresh(now - timedelta(days=1))
        coverage.refresh(now)
        built = reports.build(timezone.localdate(now) - timedelta(days=1), now=now)
        self.stdout.write(f"Dashboards: the figures of {nodes} nodes, {built} daily reports.")
        self.stdout.write(
            f"Residents: {added} added, shops: {added_shops} added, "
            f"in {time.monotonic() - started:.1f} s."
        )
        self.print_logins()

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})")
        for username, role, names, grid_numbers, _full_name in demo.DEMO_USERS:
            where = " / ".join(["太原市", *names])
            grids = f" grids {grid_numbers}" if grid_numbers else ""
            self.stdout.write(f"  {username:<10} {role:<18} {where}{grids}")
