"""The code rules (赋码规则) of DOMAIN.md section 4: stays, flags and a policy in, a
decision out. Pure: the caller passes `as_of`; nothing here reads a clock or the database.

All rules that match are collected; the decision is the first of RULE_ORDER among them, and
the explanation names every rule that matched and the stay that matched it.
"""

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from functools import cache

from .policy import (
    MEASURE_LABELS,
    MUNICIPALITIES,
    NO_POLICY,
    RISK_LABELS,
    CaseCounty,
    Phase,
    Policy,
    RiskArea,
    clean,
)

WINDOW_DAYS = 14  # a stay counts when it ended on or after as_of - 14 days
ABROAD_FULL_QUARANTINE_DAYS = 21  # R5b: 21 days at the first entry point
ABROAD_MIN_QUARANTINE_DAYS = 14  # R5a: 14 days; fewer goes to manual review
R4_FOLLOWUP_DAYS = (1, 3)  # R4's tests 2 and 3: arrival + 1 and arrival + 3 days
VERIFY_WITHIN_HOURS = 24  # R7: the grid verifies a big-data push within 24 hours
WINDOW = timedelta(days=WINDOW_DAYS)
ONE_DAY = timedelta(days=1)


class Code(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"


CODE_LABELS = {Code.GREEN: "绿码", Code.YELLOW: "黄码", Code.RED: "红码"}
SEVERITY = {Code.GREEN: 0, Code.YELLOW: 1, Code.RED: 2}

# R5 is the first-entry quarantine under 14 days: red with R1's measure, manual review.
RULE_ORDER = ("R1", "R5", "R5a", "R2", "R5b", "R3", "R6", "R4", "R7", "R0")
RULE_RANK = {rule: rank for rank, rule in enumerate(RULE_ORDER)}
RULE_CODES = {
    "R1": Code.RED,
    "R5": Code.RED,
    "R5a": Code.RED,
    "R2": Code.RED,
    "R5b": Code.RED,
    "R3": Code.RED,
    "R6": Code.YELLOW,
    "R4": Code.YELLOW,
    "R7": Code.YELLOW,
    "R0": Code.GREEN,
}
# Rules whose measure starts on the day the flag was set rather than on arrival.
FLAG_RULES = frozenset({"R6", "R7"})


def _rank(rule: str) -> int:
    # No rule yet counts as R0; a rule outside R0–R7 (a manual change, an anomaly) ranks
    # last within its colour.
    return RULE_RANK.get(rule or "R0", len(RULE_RANK))


@cache  # a few dozen (code, rule) pairs; a re-assessment asks hundreds of thousands of times
def strictness(code: str, rule: str) -> tuple[int, int]:
    """A decision's place in the order of strictness: its colour's severity, then its
    rule's rank in RULE_ORDER (an empty code is no decision yet: green)."""
    return (SEVERITY[Code(code or Code.GREEN)], -_rank(rule))


def is_stricter(code: str, rule: str, than_code: str, than_rule: str) -> bool:
    """Whether the decision (code, rule) is stricter than (than_code, than_rule): a more
    severe colour, or the same colour by a rule earlier in RULE_ORDER. A re-assessment
    writes a decision only when it is stricter than the one taken for the same arrival; a
    push only when it is stricter than the resident's present one."""
    return strictness(code, rule) > strictness(than_code, than_rule)


@dataclass(frozen=True)
class Stay:
    province: str
    city: str
    county: str
    start: date
    end: date
    street: str = ""
    area: str = ""

    def describe(self) -> str:
        place = "".join(
            clean(p) for p in (self.province, self.city, self.county, self.street, self.area)
        )
        # isoformat() is YYYY-MM-DD like strftime, at an eighth of the cost.
        return f"{self.start.isoformat()}至{self.end.isoformat()}在{place}"


@dataclass(frozen=True)
class Traveller:
    """What the rules look at. `flag_date` is the day a companion or push flag was set."""

    stays: tuple[Stay, ...] = ()
    arrival_date: date | None = None
    abroad_quarantine_days: int | None = None
    spatiotemporal_companion: bool = False
    big_data_push: bool = False
    flag_date: date | None = None


@dataclass(frozen=True)
class PhaseDates:
    kind: str
    days: int
    start: date
    end: date


@dataclass(frozen=True)
class TestDue:
    kind: str  # landing | followup
    due: date


@dataclass(frozen=True)
class Decision:
    code: Code
    rule: str
    matched_rules: tuple[str, ...]
    measure: tuple[PhaseDates, ...]
    release_due: date | None
    tests: tuple[TestDue, ...]
    announcement: str
    explanation: str
    manual_review: bool = False
    verify_due: date | None = None

    @property
    def days_label(self) -> str:
        return _days_label(self.measure)

    def measure_dicts(self) -> list[dict]:
        """The measure's phases as stored on a control measure and in the API's answer."""
        return [
            {"kind": p.kind, "days": p.days, "start": p.start.isoformat(), "end": p.end.isoformat()}
            for p in self.measure
        ]

    def as_dict(self) -> dict:
        """The answer of POST /api/v1/assessments/ (DOMAIN.md section 8)."""
        return {
            "code": str(self.code),
            "rule": self.rule,
            "matched_rules": list(self.matched_rules),
            "measure": self.measure_dicts(),
            "release_due": self.release_due.isoformat() if self.release_due else None,
            "tests": [{"kind": t.kind, "due": t.due.isoformat()} for t in self.tests],
            "announcement": self.announcement,
            "explanation": self.explanation,
            "manual_review": self.manual_review,
        }


def _measure_label(measure: tuple[PhaseDates, ...]) -> str:
    return "+".join(f"{MEASURE_LABELS[p.kind]}{p.days}天" for p in measure)


def _days_label(measure: tuple[PhaseDates, ...]) -> str:
    return "+".join(str(p.days) for p in measure)


def schedule(phases: tuple[Phase, ...], start: date) -> tuple[PhaseDates, ...]:
    """Phases back to back from `start`; a phase of N days from D covers D .. D+N-1."""
    out = []
    for phase in phases:
        end = start + timedelta(days=phase.days - 1)
        out.append(PhaseDates(str(phase.kind), phase.days, start, end))
        start = end + timedelta(days=1)
    return tuple(out)


def _county_unit_risk(areas: tuple[RiskArea, ...], municipality: bool, street: str):
    """The risk area that makes the stay's county (a municipality: street/town) a risk
    county, or None. `areas` are the risk areas of the stay's county."""
    if not municipality:
        return areas[0]
    for area in areas:
        # A whole-district risk area covers every street; without a street on the stay
        # the unit is unknown, and the district's risk is taken (the safer reading).
        if not area.street or not street or area.street == street:
            return area
    return None


def _inside(area: RiskArea, street: str, area_name: str) -> bool:
    return (not area.street or area.street == street) and (not area.area or area.area == area_name)


def _case_match(cases: tuple[CaseCounty, ...], street: str):
    for case in cases:
        if not case.street or not street or case.street == street:
            return case
    return None


def assess(traveller: Traveller, policy: Policy | None, as_of: date) -> Decision:
    """The decision for `traveller` on `as_of` under `policy` (None: no announcement yet,
    so nothing is a risk area and the decision is R0)."""
    policy = policy or NO_POLICY
    matched: dict[str, list[str]] = {}

    def match(rule: str, reason: str) -> None:
        matched.setdefault(rule, []).append(reason)

    if policy is not NO_POLICY:
        window_start = as_of - WINDOW
        risk_by_county = policy.risk_by_county
        cases_by_county = policy.cases_by_county
        since_by_city = policy.since_by_city
        for stay in traveller.stays:
            if stay.end < window_start:
                continue
            province, city = clean(stay.province), clean(stay.city)
            key = (province, city, clean(stay.county))
            areas = risk_by_county.get(key)
            cases = cases_by_county.get(key)
            since = since_by_city.get((province, city))
            if not areas and not cases and since is None:
                continue  # the usual stay: a place the announcement does not name
            street, area_name = clean(stay.street), clean(stay.area)
            where = (
                f"{stay.start.isoformat()}至{stay.end.isoformat()}"
                f"在{province}{city}{key[2]}{street}{area_name}"
            )  # stay.describe(), from the names already cleaned
            risky = None
            if areas:
                inside = next((a for a in areas if _inside(a, street, area_name)), None)
                if inside:
                    match(
                        "R1",
                        f"{where}旅居，该地为{RISK_LABELS[inside.level]}（{inside.describe()}）",
                    )
                risky = _county_unit_risk(areas, province in MUNICIPALITIES, street)
                if risky:
                    match("R2", f"{where}旅居，所在县（区）有中高风险地区（{risky.describe()}）")
            case = _case_match(cases, street) if cases else None
            if case:
                match("R3", f"{where}旅居，所在县（区）有病例报告（{case.describe()}）")
            if since is not None and stay.end >= since and not risky and not case:
                match("R4", f"{where}旅居，该市为涉疫地市（{since.month}月{since.day}日以来）")

        days = traveller.abroad_quarantine_days
        if days is not None:
            if days >= ABROAD_FULL_QUARANTINE_DAYS:
                match("R5b", f"境外入境，首站集中隔离{days}天")
            elif days >= ABROAD_MIN_QUARANTINE_DAYS:
                match("R5a", f"境外入境，首站集中隔离{days}天")
            else:
                match("R5", f"境外入境，首站集中隔离仅{days}天（不足14天），需人工复核")
        if traveller.spatiotemporal_companion:
            match("R6", "时空伴随者")
        if traveller.big_data_push:
            match("R7", "大数据推送，尚未排除")

    matched_rules = tuple(sorted(matched, key=RULE_RANK.__getitem__))
    rule = matched_rules[0] if matched_rules else "R0"
    code = RULE_CODES[rule]
    arrival = traveller.arrival_date
    flag_day = traveller.flag_date or as_of
    start = flag_day if rule in FLAG_RULES else (arrival or as_of)
    phases = policy.measures.get("R1" if rule == "R5" else rule, ())
    measure = schedule(phases, start) if phases else ()
    release_due = measure[-1].end + ONE_DAY if measure else None

    tests = [TestDue("landing", arrival)] if arrival else []
    if rule == "R4" and arrival:
        tests += [TestDue("followup", arrival + timedelta(days=d)) for d in R4_FOLLOWUP_DAYS]

    manual_review = rule == "R5"
    return Decision(
        code=code,
        rule=rule,
        matched_rules=matched_rules,
        measure=measure,
        release_due=release_due,
        tests=tuple(tests),
        announcement=policy.title,
        explanation=_explanation(rule, code, measure, release_due, manual_review, matched, policy),
        manual_review=manual_review,
        verify_due=flag_day + ONE_DAY if rule == "R7" else None,
    )


def _explanation(
    rule: str,
    code: Code,
    measure: tuple[PhaseDates, ...],
    release_due: date | None,
    manual_review: bool,
    matched: dict[str, list[str]],
    policy: Policy,
) -> str:
    parts = [f"{r}：{'；'.join(matched[r])}" for r in sorted(matched, key=RULE_RANK.__getitem__)]
    if not policy.title:
        parts.append("尚无市疫情防控办提示，不涉及中高风险地区")
    elif not parts:
        parts.append("14天内无中高风险地区、病例报告县（区）或涉疫地市旅居史")
    outcome = f"按{rule}赋{CODE_LABELS[code]}"
    if measure:
        first, last = measure[0], measure[-1]
        outcome += (
            f"，{_days_label(measure)}：{_measure_label(measure)}，"
            f"{first.start.isoformat()}至{last.end.isoformat()}，"
            f"{release_due.isoformat()}起无异常自动解码"
        )
    elif rule == "R4":
        outcome += "，签署承诺书，纳入社区管理；落地核酸及72小时内再做2次核酸均为阴性后转绿码"
    elif rule == "R7":
        outcome += "（临时），网格员24小时内核查后重新研判"
    if manual_review:
        outcome += "，按R1措施管理，转人工复核"
    if policy.title:
        outcome += f"（依据：{policy.title}）"
    return "；".join(parts) + "。" + outcome + "。"
