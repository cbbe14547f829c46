import math
import time
from datetime import date, timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from communities import demo, rules, services
from communities.management.commands.load_announcement import file_load
from communities.models import Jurisdiction, Resident, User
from shops import demo as shops_demo
from shops.models import Shop

Level = Jurisdiction.Level
# Shanxi county codes used as the issuing region of generated ID numbers.
COUNTY_CODES = [
    "140105",
    "140106",
    "140107",
    "140108",
    "140109",
    "140110",
    "140121",
    "140122",
    "140123",
    "140181",
]
BIRTH_DAYS = 20000  # births spread over 1950-01-01 + 20,000 days
RESIDENTS_PER_GRID = 1000  # a large city gets a grid per thousand residents
GRIDS_PER_EXTRA_COMMUNITY = 5
DEMO_RESIDENTS = 400
DEMO_SHOPS = 120
CHUNK = 20_000
DEMO_ANNOUNCEMENT = Path(__file__).resolve().parents[2] / "fixtures" / "demo_announcement.json"


def demo_announcement_load():
    """The 3月28日 announcement of the seed; (announcement, created). Idempotent: its
    digest is unique. Its fixed date (2022-03-28) lies outside the window that people may
    publish, so the window is not checked."""
    return file_load(DEMO_ANNOUNCEMENT, check_window=False)[:2]


def resident_row(i: int, grid_ids: list[int]) -> tuple:
    """The i-th generated resident: the same i always gives the same person."""
    birth = date(1950, 1, 1) + timedelta(days=(i // len(COUNTY_CODES)) % BIRTH_DAYS)
    sequence = i // (len(COUNTY_CODES) * BIRTH_DAYS)
    id_number = rules.make_id_number(COUNTY_CODES[i % len(COUNTY_CODES)], birth, sequence)
    name = (
        demo.SURNAMES[i % len(demo.SURNAMES)]
        + demo.GIVEN[(i // 7) % len(demo.GIVEN)]
        + demo.GIVEN[(i // 311) % len(demo.GIVEN)]
    )
    phone = f"1{3 + i % 7}{i:09d}"
    road = demo.ROADS[i % len(demo.ROADS)]
    address = f"{road}{i % 300 + 1}号{i % 6 + 1}单元{i % 30 + 1}室"
    return name, id_number, phone, address, grid_ids[i % len(grid_ids)]


class Command(BaseCommand):
    help = "Builds the Taiyuan demo (places, one user per role, residents, shops); idempotent."

    def add_arguments(self, parser):
        parser.add_argument(
            "--residents",
            type=int,
            default=DEMO_RESIDENTS,
            help="total residents to have (a large city for benchmarks)",
        )
        parser.add_argument("--shops", type=int, default=DEMO_SHOPS, help="total shops to have")
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
        with transaction.atomic():
            city = self.build_tree()
            self.build_users(city)
            grid_ids = self.ensure_grids(city, math.ceil(residents / RESIDENTS_PER_GRID))
        added = self.add_residents(residents, grid_ids)
        added_shops = self.add_shops(shops)
        self.load_announcement()
        self.file_demo_arrivals()
        if shops_demo.demo_campaign_build(today=timezone.localdate()):
            self.stdout.write("The street sweep of 小店街道 started, with a few days done.")
        self.stdout.write(
            f"Residents: {added} added, shops: {added_shops} added, "
            f"in {time.monotonic() - started:.1f} s."
        )
        self.print_logins()

    def node(self, parent, name, level, code=""):
        node, _ = Jurisdiction.objects.get_or_create(
            parent=parent, name=name, defaults={"level": level, "code": code}
        )
        return node

    def build_tree(self) -> Jurisdiction:
        city_name, city_code, districts = demo.TAIYUAN
        city = self.node(None, city_name, Level.CITY, city_code)
        for district_name, code, streets in districts:
            district = self.node(city, district_name, Level.DISTRICT, code)
            for street_name, communities in streets.items():
                street = self.node(district, street_name, Level.STREET)
                for community_name in communities:
                    community = self.node(street, community_name, Level.COMMUNITY)
                    for n in range(1, demo.GRIDS_PER_COMMUNITY + 1):
                        self.node(community, f"第{n}网格", Level.GRID)
        return city

    def build_users(self, city: Jurisdiction) -> None:
        for username, role, names, grid_numbers, full_name in demo.DEMO_USERS:
            node = city
            for name in names:
                node = Jurisdiction.objects.get(parent=node, name=name)
            user, created = User.objects.get_or_create(
                username=username,
                defaults={
                    "role": role,
                    "jurisdiction": node,
                    "first_name": full_name,
                    "is_staff": role == "admin",
                    "is_superuser": role == "admin",
                },
            )
            if created:
                user.set_password(demo.DEMO_PASSWORD)
                user.save(update_fields=["password"])
                if grid_numbers:
                    user.grids.set(
                        Jurisdiction.objects.filter(
                            parent=node, name__in=[f"第{n}网格" for n in grid_numbers]
                        )
                    )

    def ensure_grids(self, city: Jurisdiction, wanted: int) -> list[int]:
        """At least `wanted` grids: extra communities of five grids under the streets."""
        grids = Jurisdiction.objects.filter(level=Level.GRID, path__startswith=city.path)
        missing = wanted - grids.count()
        if missing > 0:
            streets = list(Jurisdiction.objects.filter(level=Level.STREET).order_by("path"))
            k = Jurisdiction.objects.filter(level=Level.COMMUNITY, name__startswith="扩展").count()
            while missing > 0:
                street = streets[k % len(streets)]
                community = self.node(street, f"扩展第{k + 1}社区", Level.COMMUNITY)
                for n in range(1, GRIDS_PER_EXTRA_COMMUNITY + 1):
                    self.node(community, f"第{n}网格", Level.GRID)
                missing -= GRIDS_PER_EXTRA_COMMUNITY
                k += 1
        return list(grids.order_by("pk").values_list("pk", flat=True))

    def add_residents(self, total: int, grid_ids: list[int]) -> int:
        """Insert residents 0..total-1 that are not there yet (ID numbers are unique)."""
        now = timezone.now()
        columns = (
            "name",
            "id_number",
            "phone",
            "address",
            "grid_id",
            "code",
            "code_rule",
            "created_at",
            "updated_at",
        )
        rows = ((*resident_row(i, grid_ids), "green", "", now, now) for i in range(total))
        before = self.count("communities_resident")
        write = self.copy_rows if connection.vendor == "postgresql" else self.insert_rows
        write("communities_resident", columns, "id_number", rows)
        return self.count("communities_resident") - before

    def add_shops(self, total: int) -> int:
        street = Jurisdiction.objects.get(name="小店街道")
        grid_ids = list(
            Jurisdiction.objects.filter(level=Level.GRID, path__startswith=street.path)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        kinds = list(Shop.Kind.values)
        before = Shop.objects.count()
        rows = []
        for j in range(total):
            kind = kinds[j % len(kinds)]
            road = demo.ROADS[j % len(demo.ROADS)]
            rows.append(
                Shop(
                    name=f"{road}{demo.SHOP_NAMES[kind]}{j + 1}号店",
                    address=f"{road}{j + 1}号",
                    road=road,
                    grid_id=grid_ids[j % len(grid_ids)],
                    kind=kind,
                    contact_phone=f"1{5 + j % 4}{j:09d}",
                    venue_code_posted=j % 3 != 0,
                )
            )
            if len(rows) == CHUNK:
                Shop.objects.bulk_create(rows, ignore_conflicts=True)
                rows = []
        Shop.objects.bulk_create(rows, ignore_conflicts=True)
        return Shop.objects.count() - before

    def load_announcement(self) -> None:
        announcement, created = demo_announcement_load()
        if created:
            self.stdout.write(f"Announcement loaded: {announcement}")

    def file_demo_arrivals(self) -> None:
        """The first residents of 通达街社区 第1网格 arrived recently, so that every page has
        something to show: a case county (red, R3), a risk area (red, R1) and an epidemic
        city (yellow, R4). A second run finds their arrivals and files nothing."""
        grid = Jurisdiction.objects.get(name="第1网格", parent__name="通达街社区")
        worker = User.objects.get(username="grid")
        today = timezone.localdate()
        people = Resident.objects.filter(grid=grid).order_by("pk")[: len(demo.DEMO_JOURNEYS)]
        for resident, (province, city, county) in zip(people, demo.DEMO_JOURNEYS, strict=False):
            if resident.arrivals.exists():
                continue
            services.arrival_report_file(
                resident=resident,
                arrival_date=today - timedelta(days=2),
                stays=[
                    {
                        "province": province,
                        "city": city,
                        "county": county,
                        "start": today - timedelta(days=9),
                        "end": today - timedelta(days=3),
                    }
                ],
                landing_point_kind="station",
                landing_point="太原南站",
                transport="train",
                abroad_quarantine_days=None,
                source="grid_worker",
                by=worker,
            )
            self.stdout.write(f"Arrival filed: {resident.name} from {province}{city}{county}")

    def count(self, table: str) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
            return cursor.fetchone()[0]

    def copy_rows(self, table, columns, unique, rows) -> None:
        """PostgreSQL: COPY into a temporary table, then one INSERT ... ON CONFLICT DO
        NOTHING, so that a second run adds nothing (measured ~100k rows/s here)."""
        cols = ", ".join(columns)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                f"CREATE TEMP TABLE seed_rows ON COMMIT DROP AS "  # noqa: S608
                f"SELECT {cols} FROM {table} WITH NO DATA"
            )
            with cursor.copy(f"COPY seed_rows ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            cursor.execute(
                f"INSERT INTO {table} ({cols}) SELECT {cols} FROM seed_rows "  # noqa: S608
                f"ON CONFLICT ({unique}) DO NOTHING"
            )
            # Dropped here, not only ON COMMIT: inside an outer transaction (a test, a
            # caller's atomic block) a second call would find it still there.
            cursor.execute("DROP TABLE seed_rows")

    def insert_rows(self, table, columns, unique, rows) -> None:
        """SQLite: INSERT … ON CONFLICT DO NOTHING in chunks inside one transaction (not
        INSERT OR IGNORE, which would also swallow NOT NULL and CHECK failures)."""
        sql = (
            f"INSERT INTO {table} ({', '.join(columns)}) "  # noqa: S608
            f"VALUES ({', '.join(['%s'] * len(columns))}) ON CONFLICT ({unique}) DO NOTHING"
        )
        with transaction.atomic(), connection.cursor() as cursor:
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == CHUNK:
                    cursor.executemany(sql, chunk)
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)

    def print_logins(self) -> None:
        self.stdout.write(f"\nDemo logins (password for all: {demo.DEMO_PASSWORD})")
        for username, role, names, grid_numbers, _full_name in demo.DEMO_USERS:
            where = " / ".join(["太原市", *names])
            grids = f" grids {grid_numbers}" if grid_numbers else ""
            self.stdout.write(f"  {username:<10} {role:<18} {where}{grids}")
