"""Assessments per second of the rules engine on one core, beside a naive full scan.

Synthetic and deterministic: the same arguments build the same policy and travellers.
No database: the command only imports the pure rules.
"""

import random
import time
from datetime import date, timedelta

from django.core.management.base import BaseCommand, CommandError

from communities.rules.codes import (
    ABROAD_FULL_QUARANTINE_DAYS,
    ABROAD_MIN_QUARANTINE_DAYS,
    FLAG_RULES,
    R4_FOLLOWUP_DAYS,
    RULE_CODES,
    RULE_RANK,
    WINDOW_DAYS,
    Decision,
    Stay,
    TestDue,
    Traveller,
    _explanation,
    assess,
    schedule,
)
from communities.rules.policy import (
    MUNICIPALITIES,
    RISK_LABELS,
    CaseCounty,
    EpidemicCity,
    Policy,
    RiskArea,
    clean,
)

TARGET_PER_SECOND = 20_000
AS_OF = date(2022, 3, 28)
SEED = 20220328

PROVINCES = (
    "河北省",
    "山西省",
    "辽宁省",
    "吉林省",
    "黑龙江省",
    "江苏省",
    "浙江省",
    "安徽省",
    "福建省",
    "江西省",
    "山东省",
    "河南省",
    "湖北省",
    "湖南省",
    "广东省",
    "海南省",
    "四川省",
    "贵州省",
    "云南省",
    "陕西省",
    "甘肃省",
    "青海省",
)
CITIES_PER_PROVINCE = 10
COUNTIES_PER_CITY = 8
STREETS_PER_COUNTY = 12
# Two characters from this pool make a place name: 安平市, 兴华区, 和顺街道, …
SYLLABLES = "安平兴华和顺永昌东阳新城长乐宁远福山清河广德金沙临江龙泉南岗北湖西林宝丰"
AREA_SUFFIXES = ("小区", "花园", "家园", "苑", "大厦", "村")


def syllables(index: int, salt: int) -> str:
    n = len(SYLLABLES)
    return SYLLABLES[(index * 7 + salt) % n] + SYLLABLES[(index * 13 + salt * 3 + 1) % n]


def city_name(p: int, c: int) -> str:
    return syllables(p * CITIES_PER_PROVINCE + c, 1) + "市"


def county_name(p: int, c: int, k: int) -> str:
    suffix = "县" if k % 3 == 2 else "区"
    return syllables((p * CITIES_PER_PROVINCE + c) * COUNTIES_PER_CITY + k, 2) + suffix


def street_name(index: int) -> str:
    return syllables(index, 3) + ("镇" if index % 4 == 3 else "街道")


def area_name(index: int) -> str:
    return syllables(index, 4) + AREA_SUFFIXES[index % len(AREA_SUFFIXES)]


class Places:
    """The synthetic country: cities and counties (for the municipalities, districts whose
    streets and towns are the rules' county unit). Streets come from `street_name`."""

    def __init__(self):
        self.cities: list[tuple[str, str]] = []
        self.counties: list[tuple[str, str, str]] = []
        for p, province in enumerate(PROVINCES):
            for c in range(CITIES_PER_PROVINCE):
                city = city_name(p, c)
                self.cities.append((province, city))
                self.counties += [
                    (province, city, county_name(p, c, k)) for k in range(COUNTIES_PER_CITY)
                ]
        for m, municipality in enumerate(sorted(MUNICIPALITIES)):
            self.cities.append((municipality, municipality))
            self.counties += [
                (municipality, municipality, county_name(len(PROVINCES) + m, 0, k))
                for k in range(COUNTIES_PER_CITY * 2)
            ]


def synthetic_policy(
    places: Places, rng: random.Random, risk_areas: int, case_counties: int, cities: int
) -> Policy:
    # Risk areas cluster: about two to a county, as in a real announcement.
    risk_county_count = max(1, risk_areas // 2)
    wanted = min(risk_county_count + case_counties, len(places.counties))
    counties = rng.sample(places.counties, wanted)
    areas = []
    for i in range(risk_areas):
        province, city, county = counties[rng.randrange(risk_county_count)]
        # One in five is a whole county; the rest name a street, most of them an area too.
        whole = i % 5 == 0
        street = "" if whole else street_name(rng.randrange(STREETS_PER_COUNTY))
        area = "" if whole or i % 5 == 1 else area_name(i)
        areas.append(RiskArea(rng.choice(("high", "medium")), province, city, county, street, area))
    cases = []
    for i in range(case_counties):
        province, city, county = counties[(risk_county_count + i) % len(counties)]
        street = (
            street_name(rng.randrange(STREETS_PER_COUNTY)) if province in MUNICIPALITIES else ""
        )
        cases.append(CaseCounty(province, city, county, street))
    epidemic = [
        EpidemicCity(province, city, AS_OF - timedelta(days=rng.randrange(5, 20)))
        for province, city in rng.sample(places.cities, min(cities, len(places.cities)))
    ]
    return Policy.build(
        title="市疫情防控办提示 基准测试",
        effective=AS_OF - timedelta(days=1),
        risk_areas=areas,
        case_counties=cases,
        epidemic_cities=epidemic,
    )


def synthetic_travellers(
    places: Places, policy: Policy, rng: random.Random, count: int
) -> list[Traveller]:
    """1-4 stays each: inside a risk area, elsewhere in its county, in a case county, in an
    epidemic city or anywhere; a few travellers from abroad or flagged."""
    counties_of: dict[tuple[str, str], list[tuple[str, str, str]]] = {}
    for county in places.counties:
        counties_of.setdefault(county[:2], []).append(county)

    def place():
        kind = rng.random()
        if kind < 0.15:  # inside a risk area
            area = rng.choice(policy.risk_areas)
            street = area.street or street_name(rng.randrange(STREETS_PER_COUNTY))
            return area.province, area.city, area.county, street, area.area
        if kind < 0.25:  # the county of a risk area, another street or area
            area = rng.choice(policy.risk_areas)
            street = street_name(rng.randrange(STREETS_PER_COUNTY))
            return area.province, area.city, area.county, street, area_name(rng.randrange(999))
        if kind < 0.35:  # a case county
            case = rng.choice(policy.case_counties)
            return case.province, case.city, case.county, case.street, ""
        if kind < 0.55:  # an epidemic city, some county of it
            city = rng.choice(policy.epidemic_cities)
            county = rng.choice(counties_of[city.province, city.city])
            return (*county, street_name(rng.randrange(STREETS_PER_COUNTY)), "")
        county = rng.choice(places.counties)  # anywhere, mostly clean
        return (*county, street_name(rng.randrange(STREETS_PER_COUNTY)), "")

    travellers = []
    for _ in range(count):
        arrival = AS_OF - timedelta(days=rng.randrange(0, 4))
        stays = []
        for _ in range(rng.randint(1, 4)):
            province, city, county, street, area = place()
            end = arrival - timedelta(days=rng.randrange(0, 20))
            start = end - timedelta(days=rng.randrange(0, 6))
            stays.append(Stay(province, city, county, start, end, street, area))
        roll = rng.random()
        travellers.append(
            Traveller(
                stays=tuple(stays),
                arrival_date=arrival,
                abroad_quarantine_days=rng.choice((7, 14, 21)) if roll < 0.04 else None,
                spatiotemporal_companion=0.04 <= roll < 0.08,
                big_data_push=0.08 <= roll < 0.11,
                flag_date=AS_OF - timedelta(days=1) if roll < 0.11 else None,
            )
        )
    return travellers


def naive_assess(traveller: Traveller, policy: Policy, as_of: date) -> Decision:
    """The rules by brute force: every stay is compared with every risk area, case county and
    epidemic city of the policy, ignoring its indexes. The decision, explanation included,
    is built as `assess` builds it, so that the two rates differ by the lookups alone."""
    matched: dict[str, list[str]] = {}
    window_start = as_of - timedelta(days=WINDOW_DAYS)
    for stay in traveller.stays:
        if stay.end < window_start:
            continue
        province, city, county = clean(stay.province), clean(stay.city), clean(stay.county)
        street, area_name_ = clean(stay.street), clean(stay.area)
        where = stay.describe()
        municipality = province in MUNICIPALITIES
        inside = risky = case = since = None
        for area in policy.risk_areas:
            if (area.province, area.city, area.county) != (province, city, county):
                continue
            if (
                inside is None
                and (not area.street or area.street == street)
                and (not area.area or area.area == area_name_)
            ):
                inside = area
            if risky is None and (
                not municipality or not area.street or not street or area.street == street
            ):
                risky = area
        for entry in policy.case_counties:
            if (
                case is None
                and (entry.province, entry.city, entry.county) == (province, city, county)
                and (not entry.street or not street or entry.street == street)
            ):
                case = entry
        for epidemic in policy.epidemic_cities:
            if (epidemic.province, epidemic.city) == (province, city):
                since = epidemic.since if since is None else min(since, epidemic.since)
        if inside:
            level = RISK_LABELS[inside.level]
            matched.setdefault("R1", []).append(
                f"{where}旅居，该地为{level}（{inside.describe()}）"
            )
        if risky:
            matched.setdefault("R2", []).append(
                f"{where}旅居，所在县（区）有中高风险地区（{risky.describe()}）"
            )
        if case:
            matched.setdefault("R3", []).append(
                f"{where}旅居，所在县（区）有病例报告（{case.describe()}）"
            )
        if since is not None and stay.end >= since and not risky and not case:
            matched.setdefault("R4", []).append(
                f"{where}旅居，该市为涉疫地市（{since.month}月{since.day}日以来）"
            )
    days = traveller.abroad_quarantine_days
    if days is not None:
        if days >= ABROAD_FULL_QUARANTINE_DAYS:
            matched["R5b"] = [f"境外入境，首站集中隔离{days}天"]
        elif days >= ABROAD_MIN_QUARANTINE_DAYS:
            matched["R5a"] = [f"境外入境，首站集中隔离{days}天"]
        else:
            matched["R5"] = [f"境外入境，首站集中隔离仅{days}天（不足14天），需人工复核"]
    if traveller.spatiotemporal_companion:
        matched["R6"] = ["时空伴随者"]
    if traveller.big_data_push:
        matched["R7"] = ["大数据推送，尚未排除"]

    rules = tuple(sorted(matched, key=RULE_RANK.__getitem__))
    rule = rules[0] if rules else "R0"
    code = RULE_CODES[rule]
    arrival = traveller.arrival_date
    flag_day = traveller.flag_date or as_of
    start = flag_day if rule in FLAG_RULES else (arrival or as_of)
    measure = schedule(policy.measures.get("R1" if rule == "R5" else rule, ()), start)
    release_due = measure[-1].end + timedelta(days=1) if measure else None
    tests = [TestDue("landing", arrival)] if arrival else []
    if rule == "R4" and arrival:
        tests += [TestDue("followup", arrival + timedelta(days=d)) for d in R4_FOLLOWUP_DAYS]
    manual_review = rule == "R5"
    return Decision(
        code=code,
        rule=rule,
        matched_rules=rules,
        measure=measure,
        release_due=release_due,
        tests=tuple(tests),
        announcement=policy.title,
        explanation=_explanation(rule, code, measure, release_due, manual_review, matched, policy),
        manual_review=manual_review,
        verify_due=flag_day + timedelta(days=1) if rule == "R7" else None,
    )


def per_second(engine, travellers, policy, seconds: float) -> float:
    """Whole passes over the pool until `seconds` have gone by; the clock is read between
    passes only."""
    done = 0
    began = time.perf_counter()
    while True:
        for traveller in travellers:
            engine(traveller, policy, AS_OF)
        done += len(travellers)
        elapsed = time.perf_counter() - began
        if elapsed >= seconds:
            return done / elapsed


class Command(BaseCommand):
    help = (
        "Measures assessments per second of the rules engine (one core) on a synthetic "
        "policy, beside a naive scan of every entry; needs no database."
    )
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("--policy-areas", type=int, default=500, help="risk areas")
        parser.add_argument("--case-counties", type=int, default=300)
        parser.add_argument("--epidemic-cities", type=int, default=100)
        parser.add_argument("--travellers", type=int, default=1000, help="size of the pool")
        parser.add_argument("--seconds", type=float, default=3.0, help="per engine")

    def handle(self, *args, **options):
        if min(options["policy_areas"], options["case_counties"], options["epidemic_cities"]) < 1:
            raise CommandError("the policy needs at least one entry of each kind")
        if options["travellers"] < 1 or options["seconds"] <= 0:
            raise CommandError("--travellers and --seconds must be positive")
        rng = random.Random(SEED)
        places = Places()
        policy = synthetic_policy(
            places,
            rng,
            options["policy_areas"],
            options["case_counties"],
            options["epidemic_cities"],
        )
        travellers = synthetic_travellers(places, policy, rng, options["travellers"])

        rules_seen: dict[str, int] = {}
        for traveller in travellers:
            decision = assess(traveller, policy, AS_OF)
            naive = naive_assess(traveller, policy, AS_OF)
            if naive != decision:
                raise CommandError(f"the engines disagree on {traveller}:\n{decision}\n!=\n{naive}")
            rules_seen[decision.rule] = rules_seen.get(decision.rule, 0) + 1

        seconds = options["seconds"]
        indexed_rate = per_second(assess, travellers, policy, seconds)
        naive_rate = per_second(naive_assess, travellers, policy, seconds)
        mix = ", ".join(
            f"{rule} {rules_seen[rule]:,}" for rule in sorted(rules_seen, key=RULE_RANK.get)
        )
        ratio = indexed_rate / naive_rate
        relative = f"{ratio:.1f}x slower" if ratio >= 1 else f"{1 / ratio:.1f}x faster"
        self.stdout.write(
            f"indexed: {indexed_rate:,.0f} assessments/s; "
            f"naive scan: {naive_rate:,.0f} assessments/s ({relative}); "
            f"policy: {len(policy.risk_areas):,} risk areas, "
            f"{len(policy.case_counties):,} case counties, "
            f"{len(policy.epidemic_cities):,} epidemic cities; "
            f"travellers: {len(travellers):,}"
        )
        self.stdout.write(f"decisions (both engines agree on every field): {mix}")
        if indexed_rate < TARGET_PER_SECOND:
            self.stderr.write(
                f"below the target of {TARGET_PER_SECOND:,} assessments/s for the indexed engine"
            )
