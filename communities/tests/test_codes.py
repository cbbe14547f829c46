"""The code rules R0-R7 of DOMAIN.md section 4 and the assessment answer of section 8.

Pure functions, no database: every case is a traveller, a policy and an `as_of` day.
"""

import re
from dataclasses import replace
from datetime import date, timedelta

import pytest

from communities.rules.codes import (
    RULE_ORDER,
    RULE_RANK,
    Code,
    Stay,
    Traveller,
    assess,
)
from communities.rules.policy import (
    DEFAULT_MEASURES,
    CaseCounty,
    EpidemicCity,
    MeasureKind,
    Phase,
    Policy,
    RiskArea,
)

AS_OF = date(2022, 3, 28)
ARRIVAL = date(2022, 3, 27)
FLAG_DAY = date(2022, 3, 25)
DAY = timedelta(days=1)

CENTRALIZED = "centralized_quarantine"
HOME_QUARANTINE = "home_quarantine"
HOME_MONITORING = "home_health_monitoring"
SELF_MONITORING = "self_health_monitoring"

# The announcement of DOMAIN.md section 8, as a policy.
EXAMPLE_POLICY = Policy.build(
    title="市疫情防控办提示 3月28日",
    effective=date(2022, 3, 28),
    risk_areas=[
        RiskArea("high", "吉林省", "吉林市", "船营区", "北京路街道", "某某小区"),
        RiskArea("medium", "广东省", "深圳市", "福田区"),
    ],
    case_counties=[
        CaseCounty("广东省", "佛山市", "禅城区"),
        CaseCounty("上海市", "上海市", "闵行区", "七宝镇"),
    ],
    epidemic_cities=[EpidemicCity("广东省", "肇庆市", date(2022, 3, 13))],
    measures={
        "R3": (
            Phase(MeasureKind.HOME_QUARANTINE, 7),
            Phase(MeasureKind.HOME_HEALTH_MONITORING, 7),
        )
    },
)

# The same places with the default measures, plus a municipality risk area with a street
# and two epidemic cities that also hold a risk county (深圳市) and a case county (佛山市).
POLICY = Policy.build(
    title="市疫情防控办提示 测试",
    effective=date(2022, 3, 1),
    risk_areas=[
        RiskArea("high", "吉林省", "吉林市", "船营区", "北京路街道", "某某小区"),
        RiskArea("medium", "广东省", "深圳市", "福田区"),
        RiskArea("high", "上海市", "上海市", "浦东新区", "张江镇"),
    ],
    case_counties=[
        CaseCounty("广东省", "佛山市", "禅城区"),
        CaseCounty("上海市", "上海市", "闵行区", "七宝镇"),
    ],
    epidemic_cities=[
        EpidemicCity("广东省", "肇庆市", date(2022, 3, 13)),
        EpidemicCity("广东省", "深圳市", date(2022, 3, 1)),
        EpidemicCity("广东省", "佛山市", date(2022, 3, 1)),
    ],
)


def stay(province, city, county, street="", area="", *, end=date(2022, 3, 26), days=7):
    return Stay(province, city, county, end - timedelta(days=days - 1), end, street, area)


RISK_AREA_STAY = stay("吉林省", "吉林市", "船营区", "北京路街道", "某某小区")
RISK_STREET_OTHER_AREA_STAY = stay("吉林省", "吉林市", "船营区", "北京路街道", "幸福小区")
RISK_COUNTY_STAY = stay("吉林省", "吉林市", "船营区", "致和街道")
WHOLE_COUNTY_RISK_STAY = stay("广东省", "深圳市", "福田区", "华强北街道", "某大厦")
WHOLE_COUNTY_NO_STREET_STAY = stay("广东省", "深圳市", "福田区")
CASE_COUNTY_STAY = stay("广东省", "佛山市", "禅城区", "祖庙街道")
EPIDEMIC_CITY_STAY = stay("广东省", "肇庆市", "端州区")
EPIDEMIC_CITY_CLEAN_COUNTY_STAY = stay("广东省", "深圳市", "南山区")
CLEAN_STAY = stay("山西省", "太原市", "小店区")
SHANGHAI_CASE_TOWN_STAY = stay("上海市", "上海市", "闵行区", "七宝镇")
SHANGHAI_OTHER_TOWN_STAY = stay("上海市", "上海市", "闵行区", "虹桥镇")
SHANGHAI_RISK_TOWN_STAY = stay("上海市", "上海市", "浦东新区", "张江镇", "某小区")
SHANGHAI_OTHER_PUDONG_STAY = stay("上海市", "上海市", "浦东新区", "花木街道")


def traveller(*stays, arrival=ARRIVAL, **flags):
    return Traveller(stays=tuple(stays), arrival_date=arrival, **flags)


def days_after(start, days):
    return start + timedelta(days=days)


# -- every rule ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "rule", "code", "matched"),
    [
        pytest.param(traveller(), "R0", Code.GREEN, (), id="R0-no-stays"),
        pytest.param(traveller(CLEAN_STAY), "R0", Code.GREEN, (), id="R0-clean-place"),
        pytest.param(traveller(arrival=None), "R0", Code.GREEN, (), id="R0-did-not-travel"),
        pytest.param(traveller(RISK_AREA_STAY), "R1", Code.RED, ("R1", "R2"), id="R1-in-area"),
        pytest.param(
            traveller(WHOLE_COUNTY_RISK_STAY),
            "R1",
            Code.RED,
            ("R1", "R2"),
            id="R1-whole-county-risk-area",
        ),
        pytest.param(
            traveller(WHOLE_COUNTY_NO_STREET_STAY),
            "R1",
            Code.RED,
            ("R1", "R2"),
            id="R1-whole-county-stay-without-street",
        ),
        pytest.param(
            traveller(RISK_COUNTY_STAY), "R2", Code.RED, ("R2",), id="R2-other-street-of-county"
        ),
        pytest.param(
            traveller(RISK_STREET_OTHER_AREA_STAY),
            "R2",
            Code.RED,
            ("R2",),
            id="R2-same-street-other-area",
        ),
        pytest.param(traveller(CASE_COUNTY_STAY), "R3", Code.RED, ("R3",), id="R3-case-county"),
        pytest.param(
            traveller(EPIDEMIC_CITY_STAY), "R4", Code.YELLOW, ("R4",), id="R4-epidemic-city"
        ),
        pytest.param(
            traveller(EPIDEMIC_CITY_CLEAN_COUNTY_STAY),
            "R4",
            Code.YELLOW,
            ("R4",),
            id="R4-clean-county-of-epidemic-city-with-risk-area",
        ),
        pytest.param(
            traveller(WHOLE_COUNTY_RISK_STAY),
            "R1",
            Code.RED,
            ("R1", "R2"),
            id="no-R4-in-risk-county-of-epidemic-city",
        ),
        pytest.param(
            traveller(CASE_COUNTY_STAY),
            "R3",
            Code.RED,
            ("R3",),
            id="no-R4-in-case-county-of-epidemic-city",
        ),
        pytest.param(
            traveller(abroad_quarantine_days=10), "R5", Code.RED, ("R5",), id="R5-abroad-10-days"
        ),
        pytest.param(
            traveller(abroad_quarantine_days=0), "R5", Code.RED, ("R5",), id="R5-abroad-0-days"
        ),
        pytest.param(
            traveller(abroad_quarantine_days=13), "R5", Code.RED, ("R5",), id="R5-abroad-13-days"
        ),
        pytest.param(
            traveller(abroad_quarantine_days=14),
            "R5a",
            Code.RED,
            ("R5a",),
            id="R5a-abroad-14-days",
        ),
        pytest.param(
            traveller(abroad_quarantine_days=20),
            "R5a",
            Code.RED,
            ("R5a",),
            id="R5a-abroad-20-days",
        ),
        pytest.param(
            traveller(abroad_quarantine_days=21),
            "R5b",
            Code.RED,
            ("R5b",),
            id="R5b-abroad-21-days",
        ),
        pytest.param(
            traveller(abroad_quarantine_days=28),
            "R5b",
            Code.RED,
            ("R5b",),
            id="R5b-abroad-28-days",
        ),
        pytest.param(
            traveller(spatiotemporal_companion=True, flag_date=FLAG_DAY),
            "R6",
            Code.YELLOW,
            ("R6",),
            id="R6-companion",
        ),
        pytest.param(
            traveller(big_data_push=True, flag_date=FLAG_DAY),
            "R7",
            Code.YELLOW,
            ("R7",),
            id="R7-big-data-push",
        ),
    ],
)
def test_decision_is_the_first_matched_rule_with_its_code(who, rule, code, matched):
    decision = assess(who, POLICY, AS_OF)
    assert (decision.rule, decision.code, decision.matched_rules) == (rule, code, matched)
    assert decision.manual_review is (rule == "R5")
    assert decision.announcement == POLICY.title


def test_abroad_under_14_days_is_red_with_r1_measure_and_manual_review():
    decision = assess(traveller(abroad_quarantine_days=10), POLICY, AS_OF)
    assert decision.code == Code.RED
    assert decision.manual_review is True
    assert [(p.kind, p.days) for p in decision.measure] == [
        (CENTRALIZED, 14),
        (HOME_MONITORING, 7),
    ]
    assert decision.release_due == days_after(ARRIVAL, 21)
    assert "人工复核" in decision.explanation


@pytest.mark.parametrize("days", [14, 20, 21, 30])
def test_abroad_14_days_or_more_needs_no_manual_review(days):
    assert assess(traveller(abroad_quarantine_days=days), POLICY, AS_OF).manual_review is False


# -- precedence: the rule listed later in RULE_ORDER loses --------------------------------

CASES_BY_RULE = {
    "R1": {"stays": (RISK_AREA_STAY,)},
    "R5": {"abroad_quarantine_days": 7},
    "R5a": {"abroad_quarantine_days": 14},
    "R2": {"stays": (RISK_COUNTY_STAY,)},
    "R5b": {"abroad_quarantine_days": 21},
    "R3": {"stays": (CASE_COUNTY_STAY,)},
    "R6": {"spatiotemporal_companion": True},
    "R4": {"stays": (EPIDEMIC_CITY_STAY,)},
    "R7": {"big_data_push": True},
}


def combined(first: str, second: str) -> Traveller:
    """A traveller matching both rules; the later rule's stays are listed first."""
    a, b = CASES_BY_RULE[second], CASES_BY_RULE[first]
    fields = {**a, **b, "stays": a.get("stays", ()) + b.get("stays", ())}
    return Traveller(arrival_date=ARRIVAL, flag_date=FLAG_DAY, **fields)


@pytest.mark.parametrize(
    ("winner", "loser"),
    [
        pytest.param(first, second, id=f"{first}-beats-{second}")
        for i, first in enumerate(RULE_ORDER[:-2])
        for second in RULE_ORDER[i + 1 : -1]
        if not (first.startswith("R5") and second.startswith("R5"))
    ],
)
def test_earlier_rule_in_rule_order_wins(winner, loser):
    decision = assess(combined(winner, loser), POLICY, AS_OF)
    assert decision.rule == winner
    assert winner in decision.matched_rules
    assert loser in decision.matched_rules
    assert list(decision.matched_rules) == sorted(decision.matched_rules, key=RULE_RANK.get)


def test_case_county_listed_before_risk_area_still_gives_r1_with_both_matched():
    decision = assess(traveller(CASE_COUNTY_STAY, RISK_AREA_STAY), POLICY, AS_OF)
    assert decision.rule == "R1"
    assert decision.matched_rules == ("R1", "R2", "R3")
    assert [(p.kind, p.days) for p in decision.measure] == [
        (CENTRALIZED, 14),
        (HOME_MONITORING, 7),
    ]


def test_epidemic_city_listed_before_case_county_gives_r3_with_r4_matched():
    decision = assess(traveller(EPIDEMIC_CITY_STAY, CASE_COUNTY_STAY), POLICY, AS_OF)
    assert (decision.rule, decision.matched_rules) == ("R3", ("R3", "R4"))


# -- the 14-day window and the epidemic city's `since` ------------------------------------


def test_stay_ending_on_first_day_of_window_counts():
    first_day = AS_OF - timedelta(days=14)
    case_stay = stay("广东省", "佛山市", "禅城区", end=first_day)
    assert assess(traveller(case_stay), POLICY, AS_OF).rule == "R3"


def test_stay_ending_the_day_before_the_window_does_not_count():
    before = AS_OF - timedelta(days=15)
    decision = assess(traveller(stay("广东省", "佛山市", "禅城区", end=before)), POLICY, AS_OF)
    assert decision.rule == "R0"
    assert decision.matched_rules == ()


@pytest.mark.parametrize(
    ("end", "rule"),
    [
        pytest.param(AS_OF - timedelta(days=14), "R1", id="first-day-R1"),
        pytest.param(AS_OF - timedelta(days=15), "R0", id="day-before-R0"),
    ],
)
def test_window_cuts_risk_area_stays_on_the_same_day(end, rule):
    area_stay = stay("吉林省", "吉林市", "船营区", "北京路街道", "某某小区", end=end)
    assert assess(traveller(area_stay), POLICY, AS_OF).rule == rule


def test_stay_in_epidemic_city_ending_on_since_gives_r4():
    as_of = date(2022, 3, 20)  # the window starts on 03-06, so only `since` (03-13) cuts
    on_since = stay("广东省", "肇庆市", "端州区", end=date(2022, 3, 13))
    assert assess(traveller(on_since, arrival=as_of), POLICY, as_of).rule == "R4"


def test_stay_in_epidemic_city_ending_the_day_before_since_gives_r0():
    as_of = date(2022, 3, 20)
    before_since = stay("广东省", "肇庆市", "端州区", end=date(2022, 3, 12))
    decision = assess(traveller(before_since, arrival=as_of), POLICY, as_of)
    assert decision.rule == "R0"
    assert decision.matched_rules == ()


def test_since_does_not_cut_risk_county_stays_of_an_epidemic_city():
    as_of = date(2022, 3, 20)
    policy = Policy.build(
        title="t",
        effective=as_of,
        risk_areas=[RiskArea("medium", "广东省", "深圳市", "福田区")],
        epidemic_cities=[EpidemicCity("广东省", "深圳市", date(2022, 3, 15))],
    )
    risk_before_since = stay("广东省", "深圳市", "福田区", end=date(2022, 3, 8))
    clean_before_since = stay("广东省", "深圳市", "南山区", end=date(2022, 3, 8))
    clean_after_since = stay("广东省", "深圳市", "南山区", end=date(2022, 3, 15))
    assert assess(traveller(risk_before_since, arrival=as_of), policy, as_of).rule == "R1"
    assert assess(traveller(clean_before_since, arrival=as_of), policy, as_of).rule == "R0"
    assert assess(traveller(clean_after_since, arrival=as_of), policy, as_of).rule == "R4"


# -- municipalities: the "county" is the street or town -----------------------------------


@pytest.mark.parametrize(
    ("place", "rule", "matched"),
    [
        pytest.param(SHANGHAI_CASE_TOWN_STAY, "R3", ("R3",), id="case-town-R3"),
        pytest.param(SHANGHAI_OTHER_TOWN_STAY, "R0", (), id="other-town-of-case-district-R0"),
        pytest.param(SHANGHAI_RISK_TOWN_STAY, "R1", ("R1", "R2"), id="risk-town-R1-R2"),
        pytest.param(
            replace(SHANGHAI_RISK_TOWN_STAY, area=""), "R1", ("R1", "R2"), id="risk-town-no-area"
        ),
        pytest.param(SHANGHAI_OTHER_PUDONG_STAY, "R0", (), id="other-town-of-risk-district-R0"),
    ],
)
def test_municipality_rules_apply_to_the_town_only(place, rule, matched):
    decision = assess(traveller(place), POLICY, AS_OF)
    assert (decision.rule, decision.matched_rules) == (rule, matched)


def test_municipality_risk_area_with_an_area_gives_r2_to_the_rest_of_its_town():
    policy = Policy.build(
        title="t",
        effective=AS_OF,
        risk_areas=[RiskArea("high", "北京市", "北京市", "朝阳区", "望京街道", "某某小区")],
    )
    inside = stay("北京市", "北京市", "朝阳区", "望京街道", "某某小区")
    same_town = stay("北京市", "北京市", "朝阳区", "望京街道", "另一小区")
    other_town = stay("北京市", "北京市", "朝阳区", "三里屯街道")
    assert assess(traveller(inside), policy, AS_OF).matched_rules == ("R1", "R2")
    assert assess(traveller(same_town), policy, AS_OF).matched_rules == ("R2",)
    assert assess(traveller(other_town), policy, AS_OF).matched_rules == ()


def test_whole_district_risk_area_of_a_municipality_covers_every_town():
    policy = Policy.build(
        title="t",
        effective=AS_OF,
        risk_areas=[RiskArea("medium", "天津市", "天津市", "西青区")],
    )
    decision = assess(traveller(stay("天津市", "天津市", "西青区", "杨柳青镇")), policy, AS_OF)
    assert decision.matched_rules == ("R1", "R2")


def test_whole_district_case_county_of_a_municipality_covers_every_town():
    policy = Policy.build(
        title="t", effective=AS_OF, case_counties=[CaseCounty("重庆市", "重庆市", "渝中区")]
    )
    decision = assess(traveller(stay("重庆市", "重庆市", "渝中区", "解放碑街道")), policy, AS_OF)
    assert decision.rule == "R3"


def test_outside_a_municipality_a_risk_area_with_a_street_makes_the_whole_county_r2():
    decision = assess(traveller(stay("吉林省", "吉林市", "船营区", "大东街道")), POLICY, AS_OF)
    assert decision.matched_rules == ("R2",)


def test_epidemic_municipality_gives_r4_to_towns_without_risk_or_cases():
    policy = Policy.build(
        title="t",
        effective=AS_OF,
        risk_areas=[RiskArea("high", "上海市", "上海市", "浦东新区", "张江镇")],
        epidemic_cities=[EpidemicCity("上海市", "上海市", date(2022, 3, 1))],
    )
    assert assess(traveller(SHANGHAI_OTHER_PUDONG_STAY), policy, AS_OF).rule == "R4"
    assert assess(traveller(SHANGHAI_RISK_TOWN_STAY), policy, AS_OF).matched_rules == ("R1", "R2")


# -- white space --------------------------------------------------------------------------


def test_stay_names_with_stray_white_space_still_match():
    padded = stay(
        " 吉林省 ", "吉林市\u3000", "\u3000船营区 ", "  北京路街道", "某某小区\u3000\u3000"
    )
    decision = assess(traveller(padded), POLICY, AS_OF)
    assert decision.matched_rules == ("R1", "R2")
    assert "吉林省吉林市船营区北京路街道某某小区" in decision.explanation


def test_policy_names_with_stray_white_space_still_match():
    policy = Policy.build(
        title="t",
        effective=AS_OF,
        risk_areas=[
            RiskArea("high", "\u3000吉林省", " 吉林市 ", "船营区\u3000", " 北京路街道 ", "")
        ],
        case_counties=[CaseCounty(" 广东省", "佛山市 ", "\u3000禅城区\u3000")],
        epidemic_cities=[EpidemicCity("广东省\u3000", " 肇庆市", date(2022, 3, 13))],
    )
    assert assess(traveller(RISK_AREA_STAY), policy, AS_OF).matched_rules == ("R1", "R2")
    assert assess(traveller(CASE_COUNTY_STAY), policy, AS_OF).rule == "R3"
    assert assess(traveller(EPIDEMIC_CITY_STAY), policy, AS_OF).rule == "R4"


def test_padded_municipality_town_matches_only_its_own_town():
    padded_case = stay("\u3000上海市", " 上海市", "闵行区 ", "七宝镇\u3000")
    padded_other = stay("上海市 ", "上海市", " 闵行区", "\u3000虹桥镇")
    padded_pudong = stay(" 上海市\u3000", "上海市", "浦东新区", " 花木街道")
    assert assess(traveller(padded_case), POLICY, AS_OF).rule == "R3"
    assert assess(traveller(padded_other), POLICY, AS_OF).rule == "R0"
    assert assess(traveller(padded_pudong), POLICY, AS_OF).rule == "R0"


# -- tests, measures and release ----------------------------------------------------------


def test_r4_tests_are_landing_and_followups_on_arrival_plus_1_and_plus_3():
    decision = assess(traveller(EPIDEMIC_CITY_STAY), POLICY, AS_OF)
    assert [(t.kind, t.due) for t in decision.tests] == [
        ("landing", ARRIVAL),
        ("followup", days_after(ARRIVAL, 1)),
        ("followup", days_after(ARRIVAL, 3)),
    ]
    assert decision.measure == ()
    assert decision.release_due is None


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(traveller(EPIDEMIC_CITY_STAY), id="R4"),
        pytest.param(traveller(big_data_push=True, flag_date=FLAG_DAY), id="R7"),
        pytest.param(traveller(CLEAN_STAY), id="R0"),
        pytest.param(traveller(arrival=None), id="R0-no-arrival"),
    ],
)
def test_release_is_not_by_date_for_r4_r7_and_r0(who):
    decision = assess(who, POLICY, AS_OF)
    assert decision.measure == ()
    assert decision.release_due is None
    assert decision.as_dict()["release_due"] is None


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(traveller(RISK_AREA_STAY), id="R1"),
        pytest.param(traveller(CASE_COUNTY_STAY), id="R3"),
        pytest.param(traveller(abroad_quarantine_days=21), id="R5b"),
    ],
)
def test_other_rules_get_only_the_landing_test(who):
    assert [(t.kind, t.due) for t in assess(who, POLICY, AS_OF).tests] == [("landing", ARRIVAL)]


def test_resident_without_arrival_gets_no_tests():
    assert assess(traveller(EPIDEMIC_CITY_STAY, arrival=None), POLICY, AS_OF).tests == ()


def test_r7_verification_is_due_a_day_after_the_flag():
    decision = assess(traveller(big_data_push=True, flag_date=FLAG_DAY), POLICY, AS_OF)
    assert decision.verify_due == days_after(FLAG_DAY, 1)
    assert assess(traveller(RISK_AREA_STAY), POLICY, AS_OF).verify_due is None


@pytest.mark.parametrize(
    ("who", "phases", "start"),
    [
        pytest.param(
            traveller(RISK_AREA_STAY),
            [(CENTRALIZED, 14), (HOME_MONITORING, 7)],
            ARRIVAL,
            id="R1-on-arrival",
        ),
        pytest.param(
            traveller(abroad_quarantine_days=7),
            [(CENTRALIZED, 14), (HOME_MONITORING, 7)],
            ARRIVAL,
            id="R5-on-arrival",
        ),
        pytest.param(
            traveller(abroad_quarantine_days=14),
            [(CENTRALIZED, 7), (HOME_QUARANTINE, 7)],
            ARRIVAL,
            id="R5a-on-arrival",
        ),
        pytest.param(
            traveller(RISK_COUNTY_STAY),
            [(HOME_QUARANTINE, 14), (HOME_MONITORING, 7)],
            ARRIVAL,
            id="R2-on-arrival",
        ),
        pytest.param(
            traveller(abroad_quarantine_days=21),
            [(HOME_QUARANTINE, 7)],
            ARRIVAL,
            id="R5b-on-arrival",
        ),
        pytest.param(
            traveller(CASE_COUNTY_STAY),
            [(HOME_QUARANTINE, 7), (HOME_MONITORING, 5)],
            ARRIVAL,
            id="R3-on-arrival",
        ),
        pytest.param(
            traveller(CASE_COUNTY_STAY, arrival=None),
            [(HOME_QUARANTINE, 7), (HOME_MONITORING, 5)],
            AS_OF,
            id="R3-without-arrival-on-as-of",
        ),
        pytest.param(
            traveller(spatiotemporal_companion=True, flag_date=FLAG_DAY),
            [(HOME_MONITORING, 7), (SELF_MONITORING, 3)],
            FLAG_DAY,
            id="R6-on-flag-date",
        ),
        pytest.param(
            traveller(spatiotemporal_companion=True),
            [(HOME_MONITORING, 7), (SELF_MONITORING, 3)],
            AS_OF,
            id="R6-without-flag-date-on-as-of",
        ),
    ],
)
def test_measure_runs_back_to_back_from_its_start_and_release_is_the_day_after(who, phases, start):
    decision = assess(who, POLICY, AS_OF)
    assert [(p.kind, p.days) for p in decision.measure] == phases
    day = start
    for phase in decision.measure:
        assert phase.start == day
        assert phase.end == day + timedelta(days=phase.days - 1)
        day = phase.end + DAY
    assert decision.release_due == day
    assert decision.release_due == start + timedelta(days=sum(days for _, days in phases))


def test_r7_without_flag_date_is_verified_from_as_of():
    decision = assess(traveller(big_data_push=True), POLICY, AS_OF)
    assert decision.verify_due == days_after(AS_OF, 1)


def test_policy_measures_override_changes_days_and_release():
    decision = assess(traveller(CASE_COUNTY_STAY), EXAMPLE_POLICY, AS_OF)
    assert decision.rule == "R3"
    assert [(p.kind, p.days, p.start, p.end) for p in decision.measure] == [
        (HOME_QUARANTINE, 7, ARRIVAL, days_after(ARRIVAL, 6)),
        (HOME_MONITORING, 7, days_after(ARRIVAL, 7), days_after(ARRIVAL, 13)),
    ]
    assert decision.release_due == days_after(ARRIVAL, 14)
    assert decision.days_label == "7+7"


def test_policy_measures_override_leaves_other_rules_at_their_defaults():
    assert EXAMPLE_POLICY.measures["R1"] == DEFAULT_MEASURES["R1"]
    decision = assess(traveller(RISK_COUNTY_STAY), EXAMPLE_POLICY, AS_OF)
    assert decision.days_label == "14+7"


def test_overriding_r1_changes_the_measure_of_abroad_under_14_days():
    policy = Policy.build(
        title="t",
        effective=AS_OF,
        measures={"R1": (Phase(MeasureKind.CENTRALIZED_QUARANTINE, 10),)},
    )
    decision = assess(traveller(abroad_quarantine_days=5), policy, AS_OF)
    assert [(p.kind, p.days) for p in decision.measure] == [(CENTRALIZED, 10)]
    assert decision.release_due == days_after(ARRIVAL, 10)


# -- no announcement yet ------------------------------------------------------------------


@pytest.mark.parametrize(
    "who",
    [
        pytest.param(traveller(RISK_AREA_STAY, CASE_COUNTY_STAY), id="stays"),
        pytest.param(traveller(abroad_quarantine_days=3), id="abroad"),
        pytest.param(traveller(spatiotemporal_companion=True, big_data_push=True), id="flags"),
    ],
)
def test_no_policy_gives_r0_even_with_stays(who):
    decision = assess(who, None, AS_OF)
    assert (decision.code, decision.rule, decision.matched_rules) == (Code.GREEN, "R0", ())
    assert decision.measure == ()
    assert decision.release_due is None
    assert decision.announcement == ""
    assert "尚无市疫情防控办提示" in decision.explanation


# -- the example of DOMAIN.md section 8 ---------------------------------------------------

EXAMPLE_REQUEST = Traveller(
    stays=(
        Stay(
            province="吉林省",
            city="吉林市",
            county="船营区",
            street="北京路街道",
            area="某某小区",
            start=date(2022, 3, 20),
            end=date(2022, 3, 26),
        ),
    ),
    arrival_date=date(2022, 3, 27),
    abroad_quarantine_days=None,
    spatiotemporal_companion=False,
    big_data_push=False,
)

EXAMPLE_ANSWER = {
    "code": "red",
    "rule": "R1",
    "matched_rules": ["R1", "R2"],
    "measure": [
        {"kind": "centralized_quarantine", "days": 14, "start": "2022-03-27", "end": "2022-04-09"},
        {"kind": "home_health_monitoring", "days": 7, "start": "2022-04-10", "end": "2022-04-16"},
    ],
    "release_due": "2022-04-17",
    "tests": [{"kind": "landing", "due": "2022-03-27"}],
    "announcement": "市疫情防控办提示 3月28日",
}


def test_domain_example_answer_is_reproduced_exactly():
    answer = assess(EXAMPLE_REQUEST, EXAMPLE_POLICY, date(2022, 3, 28)).as_dict()
    explanation = answer.pop("explanation")
    assert answer == {**EXAMPLE_ANSWER, "manual_review": False}
    assert isinstance(explanation, str)


def test_domain_example_explanation_is_chinese_and_names_rules_and_place():
    explanation = assess(EXAMPLE_REQUEST, EXAMPLE_POLICY, date(2022, 3, 28)).explanation
    assert len(re.findall(r"[\u4e00-\u9fff]", explanation)) > 20
    assert "R1" in explanation
    assert "R2" in explanation
    assert "吉林省吉林市船营区北京路街道某某小区" in explanation
    assert "2022-03-20至2022-03-26" in explanation
    assert "红码" in explanation


def test_explanation_names_every_matched_rule():
    who = Traveller(
        stays=(CASE_COUNTY_STAY, RISK_AREA_STAY, EPIDEMIC_CITY_STAY),
        arrival_date=ARRIVAL,
        abroad_quarantine_days=16,
        spatiotemporal_companion=True,
        big_data_push=True,
    )
    decision = assess(who, POLICY, AS_OF)
    assert decision.matched_rules == ("R1", "R5a", "R2", "R3", "R6", "R4", "R7")
    for rule in decision.matched_rules:
        assert f"{rule}：" in decision.explanation
    for place in ("广东省佛山市禅城区", "吉林省吉林市船营区", "广东省肇庆市端州区"):
        assert place in decision.explanation


def test_r0_explanation_says_no_risky_travel():
    decision = assess(traveller(CLEAN_STAY), POLICY, AS_OF)
    assert "无中高风险地区" in decision.explanation
    assert "绿码" in decision.explanation
