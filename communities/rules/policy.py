"""The policy in force on a day: risk areas, case counties, epidemic cities and the
measure of each rule (DOMAIN.md sections 3 and 4), indexed for lookups by place.

Place names match exactly after trimming white space. For the four municipalities the unit
that the rules call a "county" is the street or town (直辖市的街道、乡镇).
"""

from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})


class MeasureKind(StrEnum):
    CENTRALIZED_QUARANTINE = "centralized_quarantine"
    HOME_QUARANTINE = "home_quarantine"
    HOME_HEALTH_MONITORING = "home_health_monitoring"
    SELF_HEALTH_MONITORING = "self_health_monitoring"


MEASURE_LABELS = {
    MeasureKind.CENTRALIZED_QUARANTINE: "集中隔离医学观察",
    MeasureKind.HOME_QUARANTINE: "居家隔离医学观察",
    MeasureKind.HOME_HEALTH_MONITORING: "居家健康监测",
    MeasureKind.SELF_HEALTH_MONITORING: "自我健康监测",
}


class RiskLevel(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"


RISK_LABELS = {RiskLevel.HIGH: "高风险地区", RiskLevel.MEDIUM: "中风险地区"}


@dataclass(frozen=True)
class Phase:
    kind: MeasureKind
    days: int


# The measure of each rule as in force on 2022-03-28; an announcement's `measures`
# overrides these from its effective date on.
DEFAULT_MEASURES: dict[str, tuple[Phase, ...]] = {
    "R1": (
        Phase(MeasureKind.CENTRALIZED_QUARANTINE, 14),
        Phase(MeasureKind.HOME_HEALTH_MONITORING, 7),
    ),
    "R5a": (Phase(MeasureKind.CENTRALIZED_QUARANTINE, 7), Phase(MeasureKind.HOME_QUARANTINE, 7)),
    "R2": (Phase(MeasureKind.HOME_QUARANTINE, 14), Phase(MeasureKind.HOME_HEALTH_MONITORING, 7)),
    "R5b": (Phase(MeasureKind.HOME_QUARANTINE, 7),),
    "R3": (Phase(MeasureKind.HOME_QUARANTINE, 7), Phase(MeasureKind.HOME_HEALTH_MONITORING, 5)),
    "R6": (
        Phase(MeasureKind.HOME_HEALTH_MONITORING, 7),
        Phase(MeasureKind.SELF_HEALTH_MONITORING, 3),
    ),
}
# Rules whose day counts an announcement may change.
RULES_WITH_MEASURES = frozenset(DEFAULT_MEASURES)


def clean(name: str | None) -> str:
    return (name or "").strip()


@dataclass(frozen=True)
class RiskArea:
    level: RiskLevel
    province: str
    city: str
    county: str
    street: str = ""
    area: str = ""

    def describe(self) -> str:
        return "".join((self.province, self.city, self.county, self.street, self.area))


@dataclass(frozen=True)
class CaseCounty:
    province: str
    city: str
    county: str
    street: str = ""  # a municipality's street or town

    def describe(self) -> str:
        return "".join((self.province, self.city, self.county, self.street))


@dataclass(frozen=True)
class EpidemicCity:
    province: str
    city: str
    since: date


@dataclass(frozen=True)
class Policy:
    """One announcement with the measures in force; build with `Policy.build`."""

    title: str
    effective: date | None
    risk_areas: tuple[RiskArea, ...] = ()
    case_counties: tuple[CaseCounty, ...] = ()
    epidemic_cities: tuple[EpidemicCity, ...] = ()
    measures: dict[str, tuple[Phase, ...]] = field(default_factory=lambda: dict(DEFAULT_MEASURES))
    # Indexes: (province, city, county) → entries; (province, city) → since.
    risk_by_county: dict[tuple[str, str, str], tuple[RiskArea, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    cases_by_county: dict[tuple[str, str, str], tuple[CaseCounty, ...]] = field(
        default_factory=dict, compare=False, repr=False
    )
    since_by_city: dict[tuple[str, str], date] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def build(
        cls,
        *,
        title: str,
        effective: date | None,
        risk_areas=(),
        case_counties=(),
        epidemic_cities=(),
        measures: dict[str, tuple[Phase, ...]] | None = None,
    ) -> "Policy":
        risk_areas = tuple(
            RiskArea(
                RiskLevel(r.level),
                clean(r.province),
                clean(r.city),
                clean(r.county),
                clean(r.street),
                clean(r.area),
            )
            for r in risk_areas
        )
        case_counties = tuple(
            CaseCounty(clean(c.province), clean(c.city), clean(c.county), clean(c.street))
            for c in case_counties
        )
        epidemic_cities = tuple(
            EpidemicCity(clean(e.province), clean(e.city), e.since) for e in epidemic_cities
        )
        risk_by_county: dict = {}
        for area in risk_areas:
            risk_by_county.setdefault((area.province, area.city, area.county), []).append(area)
        cases_by_county: dict = {}
        for case in case_counties:
            cases_by_county.setdefault((case.province, case.city, case.county), []).append(case)
        since_by_city: dict = {}
        for city in epidemic_cities:
            key = (city.province, city.city)
            since_by_city[key] = min(city.since, since_by_city.get(key, city.since))
        return cls(
            title=title,
            effective=effective,
            risk_areas=risk_areas,
            case_counties=case_counties,
            epidemic_cities=epidemic_cities,
            measures={**DEFAULT_MEASURES, **(measures or {})},
            risk_by_county={k: tuple(v) for k, v in risk_by_county.items()},
            cases_by_county={k: tuple(v) for k, v in cases_by_county.items()},
            since_by_city=since_by_city,
        )

    def names(self, province: str, city: str, county: str) -> bool:
        """Whether the announcement names a stay's place at all (a risk area or case report
        in its county, or its city as an epidemic city). A stay it does not name matches no
        rule: the usual case, decided without looking further. Names as in the stays."""
        province, city = clean(province), clean(city)
        key = (province, city, clean(county))
        return (
            key in self.risk_by_county
            or key in self.cases_by_county
            or (province, city) in self.since_by_city
        )


NO_POLICY = Policy.build(title="", effective=None)
