"""The Taiyuan demo of the seeds (太原市, March 2022): places, one user per role,
residents, the announcement of 3月28日 and a few arrivals; what seed_demo builds of the core
(the command, in portal/, adds what the apps that build on it seed). Idempotent: a second
run adds nothing."""

import math
from datetime import date, timedelta
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone

from . import rules, services
from .announcements import file_load
from .models import Jurisdiction, Resident, User

Level = Jurisdiction.Level

DEMO_PASSWORD = "Demo@2022"  # noqa: S105 - demo accounts only; seed_demo refuses in production

# (district, GB/T 2260 code, {street: [communities]})
TAIYUAN = (
    "太原市",
    "140100",
    [
        (
            "小店区",
            "140105",
            {
                "小店街道": ["通达街社区", "小店村社区", "西岗村社区", "太榆路社区"],
                "坞城街道": ["坞城南路社区", "大马社区"],
                "营盘街道": ["营盘社区", "双塔南路社区"],
            },
        ),
        ("迎泽区", "140106", {"柳巷街道": ["柳巷社区"]}),
        ("杏花岭区", "140107", {"巨轮街道": ["巨轮社区"]}),
        (
            "尖草坪区",
            "140108",
            {
                "尖草坪街道": ["尖草坪社区", "光社社区"],
                "柴村街道": ["柴村社区"],
            },
        ),
        ("万柏林区", "140109", {"千峰街道": ["千峰社区"]}),
        ("晋源区", "140110", {"晋源街道": ["晋源社区"]}),
        (
            "阳曲县",
            "140122",
            {
                "黄寨镇": ["黄寨村", "思西村"],
            },
        ),
    ],
)
GRIDS_PER_COMMUNITY = 3

# (username, role, path of names below the city, grid numbers served, full name)
DEMO_USERS = [
    ("admin", "admin", [], [], "系统管理员"),
    ("city", "city_office", [], [], "市疫情防控办"),
    ("xiaodian", "district_office", ["小店区"], [], "小店区疫情防控办"),
    ("street", "street_supervisor", ["小店区", "小店街道"], [], "小店街道负责人"),
    ("tongda", "community_staff", ["小店区", "小店街道", "通达街社区"], [], "通达街社区工作人员"),
    ("grid", "grid_worker", ["小店区", "小店街道", "通达街社区"], [1, 2], "通达街网格员"),
    ("grid3", "grid_worker", ["小店区", "小店街道", "通达街社区"], [3], "通达街第3网格网格员"),
    ("inspector", "inspector", ["小店区", "小店街道"], [], "小店街道市场监管"),
    ("enforcer", "inspector", ["小店区", "小店街道"], [], "小店街道综合执法"),
    ("market2", "inspector", ["小店区", "小店街道"], [], "小店街道市场监管二组"),
    ("enforcer2", "inspector", ["小店区"], [], "小店区综合执法二组"),
    ("jcp_grid", "grid_worker", ["尖草坪区", "尖草坪街道", "尖草坪社区"], [1], "尖草坪社区网格员"),
    ("hotel", "hotel_staff", ["小店区"], [], "小店区隔离酒店工作人员"),
]

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉萍红娥玲芬燕彬斌宇浩凯健俊帆"
ROADS = ["通达街", "小店路", "太榆路", "坞城路", "龙城大街", "学府街", "长治路", "亲贤街"]

# Arrivals filed for the first residents of 通达街社区 第1网格 (demo_arrivals_file).
DEMO_JOURNEYS = [
    ("广东省", "佛山市", "禅城区"),  # a case county: red, R3 "7+5"
    ("吉林省", "吉林市", "丰满区"),  # a high-risk county: red, R1 "14+7"
    ("广东省", "肇庆市", "端州区"),  # an epidemic city: yellow, R4
]

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
# Births spread over every age, from 1940-01-01 over 31,000 days (to November 2024): the
# i-th block of residents is born BIRTH_STEP days after the one before, round the span
# (a step prime to the span: every day once before the pattern repeats).
BIRTH_START = date(1940, 1, 1)
BIRTH_DAYS = 31_000
BIRTH_STEP = 7919
RESIDENTS_PER_GRID = 1000  # a large city gets a grid per thousand residents
GRIDS_PER_EXTRA_COMMUNITY = 5
DEMO_RESIDENTS = 400
CHUNK = 20_000
DEMO_ANNOUNCEMENT = Path(__file__).resolve().parent / "fixtures" / "demo_announcement.json"


def demo_announcement_load():
    """The 3月28日 announcement of the seed; (announcement, created). Idempotent: its
    digest is unique. Its fixed date (2022-03-28) lies outside the window that people may
    publish, so the window is not checked."""
    return file_load(DEMO_ANNOUNCEMENT, check_window=False)[:2]


def resident_row(i: int, grid_ids: list[int]) -> tuple:
    """The i-th generated resident: the same i always gives the same person."""
    block = (i // len(COUNTY_CODES)) % BIRTH_DAYS
    birth = BIRTH_START + timedelta(days=block * BIRTH_STEP % BIRTH_DAYS)
    sequence = i // (len(COUNTY_CODES) * BIRTH_DAYS)
    id_number = rules.make_id_number(COUNTY_CODES[i % len(COUNTY_CODES)], birth, sequence)
    name = (
        SURNAMES[i % len(SURNAMES)] + GIVEN[(i // 7) % len(GIVEN)] + GIVEN[(i // 311) % len(GIVEN)]
    )
    phone = f"1{3 + i % 7}{i:09d}"
    road = ROADS[i % len(ROADS)]
    address = f"{road}{i % 300 + 1}号{i % 6 + 1}单元{i % 30 + 1}室"
    return name, id_number, phone, address, grid_ids[i % len(grid_ids)]


def _node(parent, name, level, code=""):
    node, _ = Jurisdiction.objects.get_or_create(
        parent=parent, name=name, defaults={"level": level, "code": code}
    )
    return node


@transaction.atomic
def demo_places_build(*, residents: int) -> list[int]:
    """The tree of TAIYUAN, one user per role (DEMO_USERS) and at least a grid per
    RESIDENTS_PER_GRID of `residents`; returns the ids of the city's grids."""
    city = _tree_build()
    _users_build(city)
    return _grids_ensure(city, math.ceil(residents / RESIDENTS_PER_GRID))


def _tree_build() -> Jurisdiction:
    city_name, city_code, districts = TAIYUAN
    city = _node(None, city_name, Level.CITY, city_code)
    for district_name, code, streets in districts:
        district = _node(city, district_name, Level.DISTRICT, code)
        for street_name, communities in streets.items():
            street = _node(district, street_name, Level.STREET)
            for community_name in communities:
                community = _node(street, community_name, Level.COMMUNITY)
                for n in range(1, GRIDS_PER_COMMUNITY + 1):
                    _node(community, f"第{n}网格", Level.GRID)
    return city


def _users_build(city: Jurisdiction) -> None:
    for username, role, names, grid_numbers, full_name in DEMO_USERS:
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
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
            if grid_numbers:
                user.grids.set(
                    Jurisdiction.objects.filter(
                        parent=node, name__in=[f"第{n}网格" for n in grid_numbers]
                    )
                )


def _grids_ensure(city: Jurisdiction, wanted: int) -> list[int]:
    """At least `wanted` grids: extra communities of five grids under the streets."""
    grids = Jurisdiction.objects.filter(level=Level.GRID, path__startswith=city.path)
    missing = wanted - grids.count()
    if missing > 0:
        streets = list(Jurisdiction.objects.filter(level=Level.STREET).order_by("path"))
        k = Jurisdiction.objects.filter(level=Level.COMMUNITY, name__startswith="扩展").count()
        while missing > 0:
            street = streets[k % len(streets)]
            community = _node(street, f"扩展第{k + 1}社区", Level.COMMUNITY)
            for n in range(1, GRIDS_PER_EXTRA_COMMUNITY + 1):
                _node(community, f"第{n}网格", Level.GRID)
            missing -= GRIDS_PER_EXTRA_COMMUNITY
            k += 1
    return list(grids.order_by("pk").values_list("pk", flat=True))


def demo_residents_add(*, total: int, grid_ids: list[int]) -> int:
    """Insert residents 0..total-1 that are not there yet (ID numbers are unique); returns
    how many were added."""
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
    before = _count("communities_resident")
    write = _copy_rows if connection.vendor == "postgresql" else _insert_rows
    write("communities_resident", columns, "id_number", rows)
    return _count("communities_resident") - before


def demo_arrivals_file() -> list[tuple[Resident, tuple[str, str, str]]]:
    """The first residents of 通达街社区 第1网格 arrived recently, so that every page has
    something to show: a case county (red, R3), a risk area (red, R1) and an epidemic
    city (yellow, R4). A second run finds their arrivals and files nothing. Returns the
    (resident, journey) filed."""
    grid = Jurisdiction.objects.get(name="第1网格", parent__name="通达街社区")
    worker = User.objects.get(username="grid")
    today = timezone.localdate()
    people = Resident.objects.filter(grid=grid).order_by("pk")[: len(DEMO_JOURNEYS)]
    filed = []
    for resident, (province, city, county) in zip(people, DEMO_JOURNEYS, strict=False):
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
        filed.append((resident, (province, city, county)))
    return filed


def _count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {table}")  # noqa: S608 - fixed table names
        return cursor.fetchone()[0]


def _copy_rows(table, columns, unique, rows) -> None:
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


def _insert_rows(table, columns, unique, rows) -> None:
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
