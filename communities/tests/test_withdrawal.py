"""A result recorded by mistake is withdrawn by the person who recorded it, within 10
minutes, undoing exactly what recording it did (issue 13); after that, or once a person
has decided on the resident since, only a manual change corrects it."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from communities import services
from communities.models import (
    WITHDRAW_WITHIN,
    Anomaly,
    ControlMeasure,
    HealthCodeEvent,
    NucleicAcidTest,
    PersonDecision,
    Resident,
)
from communities.tests.factories import (
    UserFactory,
    announcement_publish,
    appeal_reviewed,
    arrival_file,
)
from notices.models import Notice

TODAY = timezone.localdate()
HTMX = {"HTTP_HX_REQUEST": "true"}
MANUAL = "人工赋码变更更正：由区县疫情防控办提出，市疫情防控办审核"  # the way left


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    """A file cache of the test's own (conftest.own_cache)."""


@pytest.fixture
def worker(world):
    return world["users"]["grid_worker"]


def pending(resident, *, due=TODAY, kind="landing"):
    return NucleicAcidTest.objects.create(resident=resident, kind=kind, due=due)


def record(test, result, by):
    return services.test_result_record(test=test, result=result, sampled_at=None, by=by)


def withdraw(test, by):
    return services.test_result_withdraw(test=test, by=by)


def snapshot(resident) -> dict:
    """What a withdrawal must give back: the code, the measures, the anomalies' state and
    the person's decisions."""
    resident = Resident.objects.get(pk=resident.pk)
    return {
        "code": (resident.code, resident.code_rule, resident.decision_stands_at),
        "measures": list(resident.measures.order_by("pk").values_list("pk", "state", "rule")),
        "open": list(resident.anomalies.open().values_list("pk", flat=True)),
        "decisions": PersonDecision.objects.filter(resident=resident).count(),
    }


def latest_event(resident) -> HealthCodeEvent:
    return HealthCodeEvent.objects.filter(resident=resident).latest("created_at", "pk")


def r6_measure(resident, *, start) -> ControlMeasure:
    """R6's seven days of home health monitoring from `start`, running."""
    return ControlMeasure.objects.create(
        resident=resident,
        rule="R6",
        phases=[{"kind": "home_health_monitoring", "days": 7}],
        start=start,
        end=start + timedelta(days=6),
        release_due=start + timedelta(days=7),
    )


@pytest.fixture
def watched(world):
    """The resident of grid_a: yellow, R6, under "7+3"."""
    resident = world["residents"]["grid_a"]
    Resident.objects.filter(pk=resident.pk).update(code="yellow", code_rule="R6")
    r6_measure(resident, start=TODAY - timedelta(days=2))
    resident.refresh_from_db()
    return resident


@pytest.fixture
def r4(world, worker):
    """Back from 肇庆市 (an epidemic city) three days ago: yellow R4, three tests due by
    today."""
    announcement_publish(
        {
            "title": "提示 涉疫地市",
            "effective": "2022-03-28",
            "epidemic_cities": [{"province": "广东省", "city": "肇庆市", "since": "2022-03-13"}],
        }
    )
    resident = world["residents"]["grid_a"]
    arrival_file(resident, place=("广东省", "肇庆市", "端州区"), days_ago=3, by=worker)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("yellow", "R4")
    return resident


def r4_released(resident, worker) -> NucleicAcidTest:
    """R4's three tests recorded negative: released; returns the third."""
    tests = list(NucleicAcidTest.objects.filter(resident=resident).order_by("due"))
    for test in tests:
        record(test, "negative", worker)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("green", "R4")
    return NucleicAcidTest.objects.get(pk=tests[-1].pk)


# --- Who and when ----------------------------------------------------------------------------


def test_a_negative_withdrawn_by_its_recorder_is_pending_again_with_who_and_when(
    world, watched, worker
):
    test = pending(watched)
    before = snapshot(watched)
    events = HealthCodeEvent.objects.count()
    record(test, "negative", worker)
    withdraw(test, worker)
    test.refresh_from_db()
    assert (test.result, test.sampled_at, test.recorded_by, test.recorded_at) == (
        "pending",
        None,
        None,
        None,
    )
    assert (test.withdrawn_result, test.withdrawn_by) == ("negative", worker)
    assert timezone.now() - test.withdrawn_at < timedelta(minutes=1)
    assert snapshot(watched) == before and HealthCodeEvent.objects.count() == events


def test_another_user_may_not_withdraw_a_result(world, watched, worker):
    colleague = UserFactory(
        role="grid_worker", jurisdiction=world["nodes"]["community"], grids=[watched.grid]
    )
    test = pending(watched)
    record(test, "positive", worker)
    before = snapshot(watched)
    for other in (colleague, world["users"]["community_staff"], world["users"]["admin"]):
        with pytest.raises(ValidationError) as refused:
            withdraw(test, other)
        assert "只有录入该结果的人" in refused.value.messages[0]
        assert MANUAL in refused.value.messages[0]
    test.refresh_from_db()
    assert test.result == "positive" and snapshot(watched) == before


@pytest.mark.parametrize(
    ("ago", "allowed"),
    [(timedelta(minutes=9), True), (WITHDRAW_WITHIN + timedelta(seconds=1), False)],
)
def test_a_result_is_withdrawn_within_ten_minutes_only(world, watched, worker, ago, allowed):
    test = pending(watched)
    record(test, "negative", worker)
    NucleicAcidTest.objects.filter(pk=test.pk).update(recorded_at=timezone.now() - ago)
    if allowed:
        withdraw(test, worker)
    else:
        with pytest.raises(ValidationError) as refused:
            withdraw(test, worker)
        assert "10分钟内撤回" in refused.value.messages[0]
        assert MANUAL in refused.value.messages[0]
    test.refresh_from_db()
    assert test.result == ("pending" if allowed else "negative")


def test_a_result_recorded_before_withdrawals_existed_is_not_withdrawn(world, watched, worker):
    test = pending(watched)
    NucleicAcidTest.objects.filter(pk=test.pk).update(result="negative", sampled_at=timezone.now())
    with pytest.raises(ValidationError):
        withdraw(test, worker)


def test_withdrawing_twice_undoes_once(world, watched, worker):
    test = pending(watched)
    record(test, "positive", worker)
    withdraw(test, worker)
    after = (snapshot(watched), HealthCodeEvent.objects.count(), Notice.objects.count())
    with pytest.raises(ValidationError) as refused:
        withdraw(test, worker)
    assert refused.value.messages == ["该检测没有可撤回的结果。"]
    assert (snapshot(watched), HealthCodeEvent.objects.count(), Notice.objects.count()) == after


# --- A positive ------------------------------------------------------------------------------


def test_a_positive_withdrawn_closes_its_anomaly_and_returns_the_code_it_replaced(
    world, watched, worker
):
    test = pending(watched)
    before = snapshot(watched)
    record(test, "positive", worker)
    watched.refresh_from_db()
    assert (watched.code, watched.code_rule) == ("red", "anomaly")
    alerted = set(Notice.objects.values_list("recipient", flat=True))
    withdraw(test, worker)
    anomaly = Anomaly.objects.get(test=test)
    assert (anomaly.outcome, anomaly.resolved_by) == ("withdrawn", worker)
    assert "系误录" in anomaly.resolution_note
    assert snapshot(watched) == before  # yellow R6, the measure running, no decision
    event = latest_event(watched)
    assert (event.from_code, event.to_code, event.rule, event.actor) == (
        "red",
        "yellow",
        "R6",
        None,
    )
    assert "系误录" in event.reason and str(worker) in event.reason
    told = Notice.objects.filter(kind="anomaly_withdrawn")
    assert set(told.values_list("recipient", flat=True)) == alerted and alerted
    assert all(watched.name in n.text and "误录" in n.text for n in told)


def test_a_positive_under_another_open_anomaly_leaves_the_code_red(world, watched, worker):
    followup = services.followup_record(
        resident=watched,
        day=TODAY,
        temperature=Decimal("38.2"),
        symptoms=[],
        note="",
        by=worker,
    )
    fever = Anomaly.objects.get(followup=followup)
    test = pending(watched)
    before = snapshot(watched)
    events = HealthCodeEvent.objects.count()
    record(test, "positive", worker)
    withdraw(test, worker)
    assert snapshot(watched) == before  # red by the fever, which stays open
    assert HealthCodeEvent.objects.count() == events
    # the fever excluded later gives back the code both interrupted: the positive counts
    # as never having happened
    services.anomaly_resolve(
        anomaly=fever,
        outcome="retest_negative",
        note="复检阴性",
        by=world["users"]["district_office"],
    )
    watched.refresh_from_db()
    assert (watched.code, watched.code_rule) == ("yellow", "R6")


def test_a_code_written_since_by_a_new_arrival_stays_when_the_positive_is_withdrawn(
    world, watched, worker
):
    test = pending(watched)
    record(test, "positive", worker)
    announcement_publish(
        {
            "title": "提示 高风险",
            "effective": "2022-03-28",
            "risk_areas": [
                {"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}
            ],
        }
    )
    arrival_file(watched, days_ago=1, by=worker)
    watched.refresh_from_db()
    assert (watched.code, watched.code_rule) == ("red", "R1")
    events = HealthCodeEvent.objects.count()
    withdraw(test, worker)
    watched.refresh_from_db()
    assert (watched.code, watched.code_rule) == ("red", "R1")
    assert HealthCodeEvent.objects.count() == events
    assert not watched.anomalies.open().exists()


# --- R4's third negative ---------------------------------------------------------------------


def test_a_third_negative_withdrawn_returns_r4_to_yellow_and_the_measure_as_it_was(
    world, r4, worker
):
    r6_measure(r4, start=TODAY - timedelta(days=1))  # left as it is by R4
    tests = list(NucleicAcidTest.objects.filter(resident=r4).order_by("due"))
    for test in tests[:2]:
        record(test, "negative", worker)
    before = snapshot(r4)
    third = record(tests[2], "negative", worker)
    release = latest_event(r4)
    assert third.release_event == release and release.to_code == "green"
    withdraw(third, worker)
    assert snapshot(r4) == before  # yellow R4, the measure as it was, no decision
    event = latest_event(r4)
    assert (event.from_code, event.to_code, event.rule, event.actor) == (
        "green",
        "yellow",
        "R4",
        None,
    )
    assert "系误录" in event.reason
    third.refresh_from_db()
    assert (third.result, third.release_event) == ("pending", None)
    # recorded again (correctly this time): released once more, on this recording
    record(third, "negative", worker)
    r4.refresh_from_db()
    assert (r4.code, r4.code_rule) == ("green", "R4")
    rules = list(
        HealthCodeEvent.objects.filter(resident=r4)
        .order_by("created_at", "pk")
        .values_list("to_code", "actor")
    )
    assert rules[-3:] == [("green", None), ("yellow", None), ("green", None)]


def test_a_negative_that_released_nothing_withdraws_no_code(world, r4, worker):
    first = NucleicAcidTest.objects.filter(resident=r4).order_by("due").first()
    before = snapshot(r4)
    events = HealthCodeEvent.objects.count()
    withdraw(record(first, "negative", worker), worker)
    assert snapshot(r4) == before and HealthCodeEvent.objects.count() == events


def test_a_release_superseded_by_a_stricter_arrival_stays_superseded(world, r4, worker):
    third = r4_released(r4, worker)
    announcement_publish(
        {
            "title": "提示 病例县",
            "effective": "2022-03-28",
            "case_counties": [{"province": "广东省", "city": "佛山市", "county": "禅城区"}],
        }
    )
    arrival_file(r4, place=("广东省", "佛山市", "禅城区"), days_ago=0, by=worker)
    r4.refresh_from_db()
    assert (r4.code, r4.code_rule) == ("red", "R3")
    events = HealthCodeEvent.objects.count()
    withdraw(third, worker)
    r4.refresh_from_db()
    assert (r4.code, r4.code_rule) == ("red", "R3")
    assert HealthCodeEvent.objects.count() == events


# --- A person's decision since -----------------------------------------------------------------


def manual_change(resident, to, world):
    proposal = services.proposal_create(
        resident=resident, to_code=to, reason="核实", by=world["users"]["district_office"]
    )
    services.proposal_decide(
        proposal=proposal, approve=True, note="同意", by=world["users"]["city_office"]
    )


def appeal_upheld(resident, world):
    appeal = appeal_reviewed(resident, world["users"])
    services.appeal_resolve(
        appeal=appeal, release=False, note="维持", by=world["users"]["city_office"]
    )


def test_a_positive_whose_anomaly_was_resolved_since_is_not_withdrawn(world, watched, worker):
    test = pending(watched)
    record(test, "positive", worker)
    services.anomaly_resolve(
        anomaly=Anomaly.objects.get(test=test),
        outcome="transferred",
        note="转运就医",
        by=world["users"]["community_staff"],
    )
    before = snapshot(watched)
    with pytest.raises(ValidationError) as refused:
        withdraw(test, worker)
    assert "异常已经处置" in refused.value.messages[0]
    assert MANUAL in refused.value.messages[0]
    test.refresh_from_db()
    assert test.result == "positive" and snapshot(watched) == before


@pytest.mark.parametrize("decided", ["manual_yellow", "appeal_upheld"])
def test_a_positive_is_not_withdrawn_after_a_persons_decision(
    world, watched, worker, decided, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    test = pending(watched)
    record(test, "positive", worker)
    if decided == "manual_yellow":
        manual_change(watched, "yellow", world)
    else:
        appeal_upheld(watched, world)
    before = snapshot(watched)
    events = HealthCodeEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        withdraw(test, worker)
    assert "已有人对此居民的健康码作出决定" in refused.value.messages[0]
    assert MANUAL in refused.value.messages[0]
    assert snapshot(watched) == before and HealthCodeEvent.objects.count() == events
    assert Anomaly.objects.get(test=test).resolved_at is None


def test_a_release_is_not_withdrawn_after_a_manual_change(world, r4, worker):
    third = r4_released(r4, worker)
    manual_change(r4, "yellow", world)
    before = snapshot(r4)
    with pytest.raises(ValidationError) as refused:
        withdraw(third, worker)
    assert "已有人对此居民的健康码作出决定" in refused.value.messages[0]
    assert snapshot(r4) == before
    third.refresh_from_db()
    assert third.result == "negative"


def test_a_decision_before_the_recording_does_not_stand_in_the_way(world, watched, worker):
    manual_change(watched, "red", world)
    test = pending(watched)
    before = snapshot(watched)
    record(test, "positive", worker)
    withdraw(test, worker)
    assert snapshot(watched) == before


def test_the_withdrawn_outcome_is_not_a_resolvers_choice(world, watched, worker):
    test = pending(watched)
    record(test, "positive", worker)
    anomaly = Anomaly.objects.get(test=test)
    with pytest.raises(ValidationError):
        services.anomaly_resolve(
            anomaly=anomaly, outcome="withdrawn", note="误录", by=world["users"]["community_staff"]
        )
    anomaly.refresh_from_db()
    assert anomaly.resolved_at is None


# --- The pages ---------------------------------------------------------------------------------


def test_the_recorded_row_offers_the_withdrawal_and_the_list_keeps_it_ten_minutes(
    client, world, watched, worker
):
    test = pending(watched)
    client.force_login(worker)
    response = client.post(
        reverse("care:test-record", args=[test.pk]), {"result": "positive"}, **HTMX
    )
    withdraw_url = reverse("care:test-withdraw", args=[test.pk])
    assert f'hx-post="{withdraw_url}"' in response.content.decode()
    html = client.get(reverse("care:test-list")).content.decode()
    assert 'data-testid="recent"' in html and withdraw_url in html
    NucleicAcidTest.objects.filter(pk=test.pk).update(
        recorded_at=timezone.now() - WITHDRAW_WITHIN - timedelta(seconds=1)
    )
    assert withdraw_url not in client.get(reverse("care:test-list")).content.decode()


def test_the_withdrawal_is_offered_to_its_recorder_only(client, world, watched, worker):
    test = pending(watched)
    record(test, "negative", worker)
    colleague = UserFactory(
        role="grid_worker", jurisdiction=world["nodes"]["community"], grids=[watched.grid]
    )
    client.force_login(colleague)
    html = client.get(reverse("care:test-list")).content.decode()
    assert reverse("care:test-withdraw", args=[test.pk]) not in html
    response = client.post(reverse("care:test-withdraw", args=[test.pk]), **HTMX)
    assert 'data-testid="withdraw-refused"' in response.content.decode()
    test.refresh_from_db()
    assert test.result == "negative"


def test_a_withdrawal_by_htmx_returns_the_row_pending_again(client, world, watched, worker):
    test = pending(watched)
    client.force_login(worker)
    client.post(reverse("care:test-record", args=[test.pk]), {"result": "positive"}, **HTMX)
    with translation.override("zh-hans"):
        response = client.post(
            reverse("care:test-withdraw", args=[test.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans", **HTMX
        )
    html = response.content.decode()
    assert 'data-testid="withdrawn"' in html and 'data-testid="record-form"' in html
    assert "黄码" in html and "<html" not in html
    test.refresh_from_db()
    assert test.result == "pending"


def test_a_withdrawal_without_htmx_goes_back_to_the_list_with_a_message(
    client, world, watched, worker
):
    test = pending(watched)
    record(test, "negative", worker)
    client.force_login(worker)
    url = reverse("care:test-withdraw", args=[test.pk])
    assert client.get(url).status_code == 405
    response = client.post(url, follow=True)
    assert response.redirect_chain == [(reverse("care:test-list"), 302)]
    assert [m.level_tag for m in response.context["messages"]] == ["success"]
    response = client.post(url, follow=True)  # again: nothing to withdraw
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_residents_page_shows_the_withdrawal(client, world, watched, worker):
    test = pending(watched)
    record(test, "positive", worker)
    withdraw(test, worker)
    client.force_login(worker)
    html = client.get(reverse("communities:resident-detail", args=[watched.pk])).content.decode()
    assert 'data-testid="test-withdrawn"' in html and str(worker) in html


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor", "inspector"])
def test_outsiders_get_404_on_a_withdrawal(client, world, watched, worker, role):
    test = pending(watched)
    record(test, "positive", worker)
    client.force_login(world["users"][role])
    assert client.post(reverse("care:test-withdraw", args=[test.pk]), **HTMX).status_code == 404
    test.refresh_from_db()
    assert test.result == "positive"


def test_a_positive_withdrawn_after_a_re_assessment_overwrote_an_open_anomaly_leaves_no_trace(
    world, worker
):
    """Found by the property test on PostgreSQL: an anomaly stays open while a
    re-assessment writes its own red (R1) over the anomaly's code; a positive then takes
    the code, and its withdrawal must give back the R1 it took, though the older anomaly
    is still open (it no longer held the code)."""
    resident = world["residents"]["grid_a"]
    services.anomaly_raise(resident=resident, kind="fever", detail="38.5 °C")
    services.health_code_change(
        resident=Resident.objects.get(pk=resident.pk),
        to="red",
        rule="R1",
        reason="re-assessed",
        actor=None,
    )
    before = snapshot(resident)
    assert before["code"][:2] == ("red", "R1") and len(before["open"]) == 1
    test = pending(resident)
    record(test, "positive", worker)
    assert snapshot(resident)["code"][:2] == ("red", "anomaly")
    withdraw(test, worker)
    assert snapshot(resident) == before
