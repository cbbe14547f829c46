"""Decisions hold, over random sequences of events (issue 10, DOMAIN.md section 5).

Filing, publishing, test results, follow-ups with fevers, manual changes, appeals and
nightly releases in any order. After each publication (the real chunked job: COPY on
PostgreSQL, the ORM on SQLite):
- a resident changed only when the announcement made one of that resident's own arrival
  decisions stricter, that arrival was assessed after the last person's decision on the
  resident, and the resident now has that decision;
- a review task was filed only for a stricter decision that a person's decision stands
  against;
- each recent arrival's decision is now its old one or the new one, whichever is stricter;
- publishing the lists in force again changes nobody and files nothing.

Results are also withdrawn (issue 13): a withdrawal goes through exactly when no person
has decided on the resident since the result was recorded; a result recorded and at once
withdrawn leaves the resident as before (code, measures, open anomalies, decisions); and no
step writes two code events for one resident: one fact (a recording, a withdrawal, a filing,
a decision) changes a code once at most.
"""

from collections import Counter
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, example, given
from hypothesis import settings as examples
from hypothesis import strategies as st

from communities import recompute, services
from communities.models import (
    ArrivalReport,
    ControlMeasure,
    DecisionReview,
    FollowUp,
    HealthCodeEvent,
    NucleicAcidTest,
    PersonDecision,
    Resident,
)
from communities.rules.codes import WINDOW, is_stricter
from communities.tests.factories import announcement_publish, appeal_reviewed, arrival_file

TODAY = timezone.localdate()
COUNTIES = [
    ("吉林省", "长春市", "南关区"),
    ("吉林省", "长春市", "朝阳区"),
    ("吉林省", "吉林市", "船营区"),
]
CITIES = [("吉林省", "长春市"), ("吉林省", "吉林市")]
RESIDENTS = ("grid_a", "grid_b")
EXAMPLES = examples(
    max_examples=50,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Rollback(Exception):
    """Undoes one example's rows (the world fixture's stay)."""


lists = st.fixed_dictionaries(
    {
        "risk_areas": st.lists(st.sampled_from(COUNTIES[:2]), unique=True, max_size=2),
        "case_counties": st.lists(st.sampled_from(COUNTIES[1:]), unique=True, max_size=2),
        "epidemic_cities": st.lists(st.sampled_from(CITIES), unique=True, max_size=2),
    }
)
who = st.sampled_from(RESIDENTS)
NOTHING = {"risk_areas": [], "case_counties": [], "epidemic_cities": []}
steps = st.lists(
    st.one_of(
        st.tuples(st.just("file"), who, st.sampled_from(COUNTIES), st.integers(1, 13)),
        st.tuples(st.just("publish"), lists),
        st.tuples(st.just("test"), who, st.sampled_from(["negative", "negative", "positive"])),
        st.tuples(st.just("followup"), who, st.sampled_from(["36.5", "38.2"])),
        st.tuples(st.just("manual"), who, st.sampled_from(["green", "yellow", "red"])),
        st.tuples(st.just("appeal"), who, st.booleans()),
        st.tuples(st.just("nightly"), st.integers(0, 25)),
        st.tuples(st.just("withdraw"), who),
        st.tuples(st.just("slip"), who, st.sampled_from(["negative", "positive"])),
        st.tuples(st.just("resolve"), who, st.sampled_from(["retest_negative", "transferred"])),
    ),
    min_size=1,
    max_size=10,
)


def announcement(data: dict, n: int) -> dict:
    province = lambda p: {"province": p[0], "city": p[1]}  # noqa: E731
    return {
        "title": f"提示 {n}",
        "effective": "2022-03-28",
        "risk_areas": [
            {"level": "high", **province(p), "county": p[2]} for p in data["risk_areas"]
        ],
        "case_counties": [{**province(p), "county": p[2]} for p in data["case_counties"]],
        "epidemic_cities": [
            {**province(p), "since": "2022-03-01"} for p in data["epidemic_cities"]
        ],
    }


def decision_now(arrival: ArrivalReport):
    """The arrival's decision under the policy in force, computed apart from the job."""
    stays = list(
        arrival.stays.values("province", "city", "county", "street", "area", "start", "end")
    )
    return services.assessment_run(
        traveller=services.traveller_from(
            stays=stays,
            arrival_date=arrival.arrival_date,
            abroad_quarantine_days=arrival.abroad_quarantine_days,
        ),
        as_of=TODAY,
    )


def state():
    return {
        "residents": {
            r.pk: (r.code, r.code_rule, r.decision_stands_at) for r in Resident.objects.all()
        },
        "arrivals": {
            a.pk: (a.resident_id, a.decided_code, a.decided_rule, a.assessed_at)
            for a in ArrivalReport.objects.filter(
                state="assessed", arrival_date__gte=TODAY - WINDOW
            )
        },
        "events": HealthCodeEvent.objects.count(),
        "reviews": set(DecisionReview.objects.values_list("arrival_id", "code", "rule")),
    }


def check_publication(before, after):
    decisions = {pk: decision_now(ArrivalReport.objects.get(pk=pk)) for pk in before["arrivals"]}
    stricter = {
        pk: d
        for pk, d in decisions.items()
        if is_stricter(d.code, d.rule, before["arrivals"][pk][1], before["arrivals"][pk][2])
    }
    for pk, (_resident, code, rule, _at) in before["arrivals"].items():
        d = stricter.get(pk)
        expected = (str(d.code), d.rule) if d else (code, rule)
        assert after["arrivals"][pk][1:3] == expected, "an arrival's own decision"
    for resident_id, (code, rule, stands_at) in before["residents"].items():
        now = after["residents"][resident_id][:2]
        if now == (code, rule):
            continue
        causes = [
            (str(d.code), d.rule)
            for pk, d in stricter.items()
            if before["arrivals"][pk][0] == resident_id
            and (stands_at is None or before["arrivals"][pk][3] >= stands_at)
        ]
        assert now in causes, f"resident {resident_id} changed {(code, rule)} → {now}"
    for arrival_id, code, rule in after["reviews"] - before["reviews"]:
        resident_id, _c, _r, assessed_at = before["arrivals"][arrival_id]
        stands_at = before["residents"][resident_id][2]
        assert arrival_id in stricter and (
            str(stricter[arrival_id].code),
            stricter[arrival_id].rule,
        ) == (code, rule)
        assert stands_at is not None and assessed_at < stands_at, "a review without a decision"


def events_by_resident() -> Counter:
    return Counter(HealthCodeEvent.objects.values_list("resident_id", flat=True))


def check_one_event_a_fact(step, before: Counter):
    """A step is one fact for each resident (a slip is two: a recording, its withdrawal)."""
    written = events_by_resident() - before
    most = 2 if step[0] == "slip" else 1
    assert all(n <= most for n in written.values()), f"{step} wrote {dict(written)} events"


def resident_now(resident: Resident) -> dict:
    """What a withdrawal gives back: the code, the measures, the open anomalies and the
    person's decisions."""
    resident = Resident.objects.get(pk=resident.pk)
    return {
        "code": (resident.code, resident.code_rule, resident.decision_stands_at),
        "measures": list(resident.measures.order_by("pk").values_list("pk", "state")),
        "open": list(resident.anomalies.open().values_list("pk", flat=True)),
        "decisions": PersonDecision.objects.filter(resident=resident).count(),
    }


def code_of(resident: Resident) -> tuple[str, str]:
    return tuple(Resident.objects.filter(pk=resident.pk).values_list("code", "code_rule").get())


def last_event(resident: Resident) -> int:
    events = HealthCodeEvent.objects.filter(resident=resident).order_by("-pk")
    return events.values_list("pk", flat=True).first() or 0


def withdraw_last(resident: Resident, by, recordings: dict):
    """Withdraw the last result `by` recorded for the resident: refused exactly when a
    person decided on the resident since it was recorded; a code written since on other
    facts stays, and otherwise the code is the one before the recording or stays."""
    test = (
        NucleicAcidTest.objects.filter(resident=resident, recorded_by=by)
        .exclude(result="pending")
        .order_by("-recorded_at", "-pk")
        .first()
    )
    if test is None:
        return
    decided = PersonDecision.objects.filter(resident=resident, at__gte=test.recorded_at).exists()
    code_before_recording, recording_event = recordings[test.pk]
    moved = HealthCodeEvent.objects.filter(resident=resident, pk__gt=recording_event).exists()
    before, events, code = (
        resident_now(resident),
        HealthCodeEvent.objects.count(),
        code_of(resident),
    )
    last = HealthCodeEvent.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    try:
        services.test_result_withdraw(test=test, by=by)
    except ValidationError:
        assert decided, "a withdrawal refused though nobody decided since the recording"
        assert (resident_now(resident), HealthCodeEvent.objects.count()) == (before, events)
        return
    assert not decided, "a withdrawal went through over a person's decision"
    assert NucleicAcidTest.objects.get(pk=test.pk).result == "pending"
    by_people = HealthCodeEvent.objects.filter(pk__gt=last).exclude(actor=None)
    assert not by_people.exists(), "a withdrawal's event is by the system"
    if moved:
        assert code_of(resident) == code, "a withdrawal undid a code written since"
    else:
        assert code_of(resident) in (code_before_recording, code), "a code from nowhere"


def slip(resident: Resident, result: str, by):
    """A result recorded by mistake and withdrawn at once: as if it had never been."""
    test = NucleicAcidTest.objects.filter(resident=resident, result="pending").first()
    if test is None:
        return
    before = resident_now(resident)
    try:
        services.test_result_record(test=test, result=result, sampled_at=None, by=by)
    except ValidationError:
        return  # not due yet: nothing was recorded
    services.test_result_withdraw(test=test, by=by)
    assert resident_now(resident) == before, f"a {result} recorded and withdrawn left a trace"


def resolve_oldest(resident: Resident, outcome: str, by):
    anomaly = resident.anomalies.open().first()
    if anomaly is not None:
        services.anomaly_resolve(anomaly=anomaly, outcome=outcome, note="处置", by=by)


def publish(data: dict, n: int):
    a = announcement_publish(announcement(data, n))
    return recompute.run_inline(kind="announcement", today=TODAY, announcement_id=a.pk)


def act(step, world):
    users = world["users"]
    kind = step[0]
    if kind == "publish":
        return
    if kind == "nightly":
        recompute.run_inline(kind="nightly", today=TODAY + timedelta(days=step[1]))
        return
    resident = Resident.objects.get(pk=world["residents"][step[1]].pk)
    if kind == "withdraw":
        withdraw_last(resident, users["grid_worker"], world["recordings"])
        return
    if kind == "slip":
        slip(resident, step[2], users["grid_worker"])
        return
    try:
        if kind == "resolve":
            resolve_oldest(resident, step[2], users["community_staff"])
        elif kind == "file":
            arrival_file(resident, place=step[2], days_ago=step[3], by=users["grid_worker"])
        elif kind == "test":
            test = NucleicAcidTest.objects.filter(resident=resident, result="pending").first()
            if test:
                before = code_of(resident)
                services.test_result_record(
                    test=test, result=step[2], sampled_at=None, by=users["grid_worker"]
                )
                world["recordings"][test.pk] = (before, last_event(resident))
        elif kind == "followup":
            measure = resident.measures.filter(state=ControlMeasure.State.ACTIVE).first()
            if measure and measure.start <= TODAY:
                taken = set(
                    FollowUp.objects.filter(resident=resident).values_list("day", flat=True)
                )
                days = [
                    measure.start + timedelta(days=i)
                    for i in range((min(measure.end, TODAY) - measure.start).days + 1)
                ]
                free = [d for d in days if d not in taken]
                if free:
                    services.followup_record(
                        resident=resident,
                        day=free[-1],
                        temperature=Decimal(step[2]),
                        symptoms=[],
                        note="",
                        by=users["grid_worker"],
                    )
        elif kind == "manual":
            proposal = services.proposal_create(
                resident=resident, to_code=step[2], reason="核实", by=users["district_office"]
            )
            try:
                services.proposal_decide(
                    proposal=proposal, approve=True, note="同意", by=users["city_office"]
                )
            except ValidationError:  # a green waits for the open anomalies
                services.proposal_decide(
                    proposal=proposal, approve=False, note="待处置", by=users["city_office"]
                )
        elif kind == "appeal":
            appeal = appeal_reviewed(resident, users)
            try:
                services.appeal_resolve(
                    appeal=appeal, release=step[2], note="办结", by=users["city_office"]
                )
            except ValidationError:
                services.appeal_resolve(
                    appeal=appeal, release=False, note="办结", by=users["city_office"]
                )
    except ValidationError:
        pass  # refused (a green resident's appeal, the same code proposed): nothing happened


@pytest.mark.django_db
def test_a_publication_changes_a_resident_only_by_a_stricter_decision_of_their_own(
    world, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path

    @EXAMPLES
    @given(steps=steps, first=lists)
    # always tried: the city decides green on an R4, then a risk area in the same county
    @example(
        steps=[
            ("file", "grid_a", COUNTIES[0], 2),
            ("manual", "grid_a", "green"),
            ("publish", {**NOTHING, "risk_areas": [COUNTIES[0]]}),
        ],
        first={**NOTHING, "epidemic_cities": [CITIES[0]]},
    )
    # always tried: a positive slip on R4's landing test; R4 released by its third
    # negative, the release withdrawn, the test recorded again and released again; then
    # the city decides, and the last result stays
    @example(
        steps=[
            ("file", "grid_a", COUNTIES[0], 2),
            ("slip", "grid_a", "positive"),
            ("test", "grid_a", "negative"),
            ("test", "grid_a", "negative"),
            ("test", "grid_a", "negative"),
            ("withdraw", "grid_a"),
            ("test", "grid_a", "negative"),
            ("manual", "grid_a", "red"),
            ("withdraw", "grid_a"),
        ],
        first={**NOTHING, "epidemic_cities": [CITIES[0]]},
    )
    # always tried: a positive withdrawn under a fever, the fever resolved, then a positive
    # whose anomaly was resolved is withdrawn no more
    @example(
        steps=[
            ("file", "grid_a", COUNTIES[1], 2),
            ("followup", "grid_a", "38.2"),
            ("test", "grid_a", "positive"),
            ("withdraw", "grid_a"),
            ("resolve", "grid_a", "retest_negative"),
            ("test", "grid_a", "positive"),
            ("resolve", "grid_a", "transferred"),
            ("withdraw", "grid_a"),
        ],
        first={**NOTHING, "case_counties": [COUNTIES[1]]},
    )
    # always tried: a positive, then an announcement writes a stricter decision of the
    # arrival over the anomaly's red; withdrawing the positive leaves that decision
    @example(
        steps=[
            ("file", "grid_a", COUNTIES[0], 2),
            ("test", "grid_a", "positive"),
            ("publish", {**NOTHING, "risk_areas": [COUNTIES[0]]}),
            ("withdraw", "grid_a"),
        ],
        first={**NOTHING, "epidemic_cities": [CITIES[0]]},
    )
    # always tried: R4 released by its third negative, then an announcement writes the
    # arrival's stricter decision; withdrawing the negative leaves that decision
    @example(
        steps=[
            ("file", "grid_a", COUNTIES[0], 2),
            ("test", "grid_a", "negative"),
            ("test", "grid_a", "negative"),
            ("test", "grid_a", "negative"),
            ("publish", {**NOTHING, "risk_areas": [COUNTIES[0]]}),
            ("withdraw", "grid_a"),
        ],
        first={**NOTHING, "epidemic_cities": [CITIES[0]]},
    )
    def run(steps, first):
        world["recordings"] = {}  # test pk → (code before its recording, its last event)
        try:
            with transaction.atomic():
                publish(first, 0)
                in_force = first
                for n, step in enumerate(steps, start=1):
                    if step[0] == "publish":
                        before = state()
                        publish(step[1], n)
                        check_publication(before, state())
                        in_force = step[1]
                    else:
                        counts = events_by_resident()
                        act(step, world)
                        check_one_event_a_fact(step, counts)
                    again = state()
                    publish(in_force, 100 + n)  # the lists in force, published again
                    assert state() == again, f"republishing after {step} changed something"
                raise Rollback
        except Rollback:
            pass

    run()
