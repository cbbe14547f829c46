"""Properties of the code rules (DOMAIN.md section 4) over random policies and travellers.

Names come from a small pool (with two municipalities) so that stays hit risk areas, case
counties and epidemic cities often; some names carry stray white space.
"""

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from communities.rules.codes import RULE_RANK, SEVERITY, Decision, Stay, Traveller, assess
from communities.rules.policy import (
    CaseCounty,
    EpidemicCity,
    MeasureKind,
    Phase,
    Policy,
    RiskArea,
)

PROPERTY_SETTINGS = settings(max_examples=200, deadline=None, database=None)

BASE_DAY = date(2022, 3, 28)

# (province, city, counties); the municipalities' counties are districts whose towns are
# the rules' "county" unit.
PLACES = [
    ("吉林省", "吉林市", ("船营区", "昌邑区")),
    ("广东省", "深圳市", ("福田区", "南山区")),
    ("广东省", "佛山市", ("禅城区",)),
    ("上海市", "上海市", ("闵行区", "浦东新区")),
    ("北京市", "北京市", ("朝阳区",)),
]
STREETS = ("", "北京路街道", "七宝镇", "张江镇")
AREAS = ("", "某某小区", "幸福小区")
# (province, city, county, street, area): every combination, drawn in one step.
ALL_PLACES = [
    (province, city, county, street, area)
    for province, city, counties in PLACES
    for county in counties
    for street in STREETS
    for area in (AREAS if street else ("",))
]
# Stray white space around every name of an entry (str.strip removes both kinds).
PADDINGS = (("", ""), ("", ""), (" ", ""), ("", "\u3000"), ("\u3000", " "))

days_offset = st.integers(min_value=-25, max_value=0)
places = st.sampled_from(ALL_PLACES)


def pad(names, padding):
    before, after = padding
    return [f"{before}{name}{after}" for name in names]


@st.composite
def risk_areas(draw):
    names = pad(draw(places), draw(st.sampled_from(PADDINGS)))
    return RiskArea(draw(st.sampled_from(("high", "medium"))), *names)


@st.composite
def case_counties(draw):
    province, city, county, street, _ = draw(places)
    return CaseCounty(*pad((province, city, county, street), draw(st.sampled_from(PADDINGS))))


@st.composite
def epidemic_cities(draw):
    province, city, _ = draw(st.sampled_from(PLACES))
    return EpidemicCity(province, city, BASE_DAY + timedelta(days=draw(days_offset)))


phase_lists = st.lists(
    st.builds(Phase, st.sampled_from(list(MeasureKind)), st.integers(min_value=1, max_value=21)),
    min_size=1,
    max_size=3,
).map(tuple)


@st.composite
def policies(draw):
    measures = draw(
        st.dictionaries(
            st.sampled_from(("R1", "R5a", "R2", "R5b", "R3", "R6")), phase_lists, max_size=2
        )
    )
    return Policy.build(
        title="市疫情防控办提示 随机",
        effective=BASE_DAY - timedelta(days=30),
        risk_areas=draw(st.lists(risk_areas(), max_size=5)),
        case_counties=draw(st.lists(case_counties(), max_size=4)),
        epidemic_cities=draw(st.lists(epidemic_cities(), max_size=3)),
        measures=measures,
    )


@st.composite
def stays(draw):
    province, city, county, street, area = pad(draw(places), draw(st.sampled_from(PADDINGS)))
    end = BASE_DAY + timedelta(days=draw(days_offset))
    start = end - timedelta(days=draw(st.integers(min_value=0, max_value=10)))
    return Stay(province, city, county, start, end, street, area)


optional_day = st.none() | days_offset.map(lambda d: BASE_DAY + timedelta(days=d))


# Mostly unset, so that stays decide often; the abroad values straddle 14 and 21.
abroad_days = st.sampled_from((*[None] * 14, 0, 10, 13, 14, 20, 21, 30))
rare_flag = st.sampled_from((False, False, False, True))


@st.composite
def travellers(draw):
    return Traveller(
        stays=tuple(draw(st.lists(stays(), max_size=4))),
        arrival_date=draw(optional_day),
        abroad_quarantine_days=draw(abroad_days),
        spatiotemporal_companion=draw(rare_flag),
        big_data_push=draw(rare_flag),
        flag_date=draw(optional_day),
    )


as_ofs = st.integers(min_value=0, max_value=5).map(lambda d: BASE_DAY + timedelta(days=d))
maybe_policies = st.none() | policies()


def strictness(decision: Decision) -> tuple[int, int]:
    """Larger is stricter: the code's severity first, then the rule's place in RULE_ORDER."""
    return SEVERITY[decision.code], -RULE_RANK[decision.rule]


@PROPERTY_SETTINGS
@given(maybe_policies, travellers(), stays(), st.integers(min_value=0, max_value=4), as_ofs)
def test_adding_a_stay_never_makes_the_decision_milder(policy, who, extra, position, as_of):
    before = assess(who, policy, as_of)
    position = min(position, len(who.stays))
    more = (*who.stays[:position], extra, *who.stays[position:])
    after = assess(replace(who, stays=more), policy, as_of)
    assert strictness(after) >= strictness(before)
    assert set(before.matched_rules) <= set(after.matched_rules)


@PROPERTY_SETTINGS
@given(
    maybe_policies,
    travellers(),
    st.sampled_from(("spatiotemporal_companion", "big_data_push")),
    as_ofs,
)
def test_setting_a_flag_never_makes_the_decision_milder(policy, who, flag, as_of):
    before = assess(replace(who, **{flag: False}), policy, as_of)
    after = assess(replace(who, **{flag: True}), policy, as_of)
    assert strictness(after) >= strictness(before)
    assert set(before.matched_rules) <= set(after.matched_rules)


@PROPERTY_SETTINGS
@given(maybe_policies, travellers(), as_ofs)
def test_phases_are_contiguous_and_cover_their_days(policy, who, as_of):
    decision = assess(who, policy, as_of)
    for phase in decision.measure:
        assert (phase.end - phase.start).days + 1 == phase.days
    for previous, phase in zip(decision.measure, decision.measure[1:], strict=False):
        assert phase.start == previous.end + timedelta(days=1)
    if decision.measure:
        flag_rule = decision.rule in ("R6", "R7")
        expected_start = (who.flag_date if flag_rule else who.arrival_date) or as_of
        assert decision.measure[0].start == expected_start
        rule = "R1" if decision.rule == "R5" else decision.rule
        expected = [(str(p.kind), p.days) for p in policy.measures[rule]]
        assert [(p.kind, p.days) for p in decision.measure] == expected


@PROPERTY_SETTINGS
@given(maybe_policies, travellers(), as_ofs)
def test_release_is_due_the_day_after_the_last_phase(policy, who, as_of):
    decision = assess(who, policy, as_of)
    if decision.measure:
        assert decision.release_due == decision.measure[-1].end + timedelta(days=1)
    else:
        assert decision.release_due is None
        assert decision.rule in ("R0", "R4", "R7")


@PROPERTY_SETTINGS
@given(maybe_policies, travellers(), as_ofs)
def test_matched_rules_are_sorted_and_start_with_the_decision(policy, who, as_of):
    decision = assess(who, policy, as_of)
    ranks = [RULE_RANK[rule] for rule in decision.matched_rules]
    assert ranks == sorted(ranks)
    assert len(set(ranks)) == len(ranks)
    assert "R0" not in decision.matched_rules
    if decision.matched_rules:
        assert decision.matched_rules[0] == decision.rule
    else:
        assert decision.rule == "R0"
    if policy is None:
        assert decision.rule == "R0"
    for rule in decision.matched_rules:
        assert f"{rule}：" in decision.explanation
