"""Issue 10: a re-assessment compares each arrival's new decision with the decision already
taken for that arrival, never with the resident's present code, and a person's decision
stands (DOMAIN.md section 5). Every test runs the real chunked job (COPY on PostgreSQL, the
ORM on SQLite)."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from communities import recompute, services
from communities.models import DecisionReview, HealthCodeEvent, NucleicAcidTest, PersonDecision
from communities.tests.factories import announcement_publish, arrival_file, image_bytes
from notices import texts
from notices.models import Notice

TODAY = timezone.localdate()
NANGUAN = {"province": "吉林省", "city": "长春市", "county": "南关区"}
CHANGCHUN = {"province": "吉林省", "city": "长春市", "since": "2022-03-01"}
PNG = image_bytes("PNG")


def publish(title, **lists):
    """A new announcement (its title makes it new) and the job that follows it."""
    announcement = announcement_publish({"title": title, "effective": "2022-03-28", **lists})
    return recompute.run_inline(kind="announcement", today=TODAY, announcement_id=announcement.pk)


def events(resident) -> list[tuple[str, str, str]]:
    return list(
        HealthCodeEvent.objects.filter(resident=resident)
        .order_by("created_at", "pk")
        .values_list("to_code", "rule", "kind")
    )


@pytest.fixture
def r4(world):
    """A resident filed after a stay in an epidemic city: yellow R4."""
    publish("提示 1", epidemic_cities=[CHANGCHUN])
    resident = world["residents"]["grid_a"]
    arrival_file(resident, days_ago=2, by=world["users"]["grid_worker"])
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("yellow", "R4")
    return resident


def negative_tests(resident, world):
    for test in NucleicAcidTest.objects.filter(resident=resident).order_by("due"):
        services.test_result_record(
            test=test, result="negative", sampled_at=None, by=world["users"]["grid_worker"]
        )


def test_a_released_r4_stays_green_when_the_same_lists_are_published_again(world, r4):
    negative_tests(r4, world)
    r4.refresh_from_db()
    assert r4.code == "green"
    before = events(r4)
    run = publish("提示 2", epidemic_cities=[CHANGCHUN])  # the next day's, same lists
    r4.refresh_from_db()
    assert (r4.code, run.changed, run.kept_decided) == ("green", 0, 1)
    assert events(r4) == before


def test_a_released_r3_stays_green_though_its_window_is_still_open(world):
    publish("提示 1", case_counties=[NANGUAN])
    resident = world["residents"]["grid_a"]
    arrival_file(resident, days_ago=13)  # 7+5 ended yesterday: released, still in 14 days
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R3")
    release = recompute.run_inline(kind="nightly", today=TODAY)
    resident.refresh_from_db()
    assert (release.to_green, resident.code) == (1, "green")
    run = publish("提示 2", case_counties=[NANGUAN])
    resident.refresh_from_db()
    assert (resident.code, run.changed, run.kept_decided) == ("green", 0, 1)


def test_an_announcement_stricter_for_the_arrival_still_writes_after_a_release(world, r4):
    """A release is a decision carried out, not a person's: new facts (the county is now a
    risk area) still apply."""
    negative_tests(r4, world)
    run = publish("提示 2", risk_areas=[{"level": "high", **NANGUAN}])
    r4.refresh_from_db()
    assert (r4.code, r4.code_rule, run.to_red) == ("red", "R1", 1)
    assert r4.arrivals.get().decided_rule == "R1"
    assert publish("提示 3", risk_areas=[{"level": "high", **NANGUAN}]).changed == 0


def approve(resident, world, to_code="green"):
    """The district proposes, the city approves: a person's decision."""
    proposal = services.proposal_create(
        resident=resident,
        to_code=to_code,
        reason="核实为途经，未停留",
        by=world["users"]["district_office"],
    )
    services.proposal_decide(
        proposal=proposal, approve=True, note="同意", by=world["users"]["city_office"]
    )


@pytest.fixture
def r1(world):
    publish("提示 1", risk_areas=[{"level": "high", **NANGUAN}])
    resident = world["residents"]["grid_a"]
    arrival_file(resident, days_ago=2)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R1")
    return resident


def test_an_approved_green_stays_green_when_the_lists_are_published_again(world, r1):
    approve(r1, world)
    run = publish("提示 2", risk_areas=[{"level": "high", **NANGUAN}])
    r1.refresh_from_db()
    assert (r1.code, r1.code_rule, run.changed) == ("green", "manual", 0)
    assert not DecisionReview.objects.exists()  # the same decision: nothing to review


def test_an_appeal_granted_stays_released(world, r1):
    appeal = services.appeal_file(
        resident=r1,
        reason="未到过风险区",
        evidence=SimpleUploadedFile("r.png", PNG, content_type="image/png"),
        source="grid_worker",
        quarantine_status="居家",
        by=world["users"]["grid_worker"],
    )
    users = world["users"]
    appeal = services.appeal_verify(appeal=appeal, note="属实", by=users["grid_worker"])
    appeal = services.appeal_review(appeal=appeal, note="同意", by=users["district_office"])
    services.appeal_resolve(appeal=appeal, release=True, note="解码", by=users["city_office"])
    run = publish("提示 2", risk_areas=[{"level": "high", **NANGUAN}])
    r1.refresh_from_db()
    assert (r1.code, run.changed) == ("green", 0)
    appeal.refresh_from_db()
    assert (appeal.state, appeal.outcome) == ("resolved", "released")


def test_a_stricter_announcement_after_a_persons_decision_is_a_review_task(world):
    publish("提示 1", epidemic_cities=[CHANGCHUN])
    resident = world["residents"]["grid_a"]
    arrival = arrival_file(resident, days_ago=2)
    approve(resident, world)  # the city decided green, the arrival assessed before
    run = publish("提示 2", risk_areas=[{"level": "high", **NANGUAN}])
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("green", "manual")
    assert (run.changed, run.to_review) == (0, 1)
    review = DecisionReview.objects.get()
    assert (review.resident, review.arrival, review.code, review.rule, review.state) == (
        resident,
        arrival,
        "red",
        "R1",
        "open",
    )
    assert review.person_decision == PersonDecision.objects.get(resident=resident)
    assert review.announcement_id == run.announcement_id and review.run == run
    notice = Notice.objects.get(kind="decision_review")
    assert notice.recipient == world["users"]["district_office"]
    assert notice.text == texts.staff_text("decision_review", title="提示 2", count=1)
    # the same facts again: no second task, nothing written
    again = publish("提示 3", risk_areas=[{"level": "high", **NANGUAN}])
    assert (again.changed, again.to_review, again.kept_decided) == (0, 0, 1)
    assert DecisionReview.objects.count() == 1


def test_an_arrival_filed_after_the_persons_decision_is_new_facts(world, r1):
    approve(r1, world)
    publish("提示 2", epidemic_cities=[CHANGCHUN])
    later = arrival_file(r1, place=("吉林省", "长春市", "朝阳区"), days_ago=1)
    r1.refresh_from_db()
    assert (r1.code, r1.code_rule) == ("yellow", "R4")
    run = publish(
        "提示 3",
        risk_areas=[{"level": "high", **NANGUAN}, {"level": "high", **NANGUAN, "county": "朝阳区"}],
    )
    r1.refresh_from_db()
    assert (r1.code, r1.code_rule, run.to_red, run.to_review) == ("red", "R1", 1, 0)
    assert r1.measures.get(state="active").arrival == later


def test_a_chunk_run_twice_files_one_review_and_counts_once(world):
    publish("提示 1", epidemic_cities=[CHANGCHUN])
    resident = world["residents"]["grid_a"]
    arrival_file(resident, days_ago=2)
    approve(resident, world)
    announcement = announcement_publish(
        {"title": "提示 2", "effective": "2022-03-28", "risk_areas": [{"level": "high", **NANGUAN}]}
    )
    run = recompute.run_start(kind="announcement", today=TODAY, announcement_id=announcement.pk)
    chunk = run.chunks.get()
    recompute.chunk_run(chunk_id=chunk.pk)
    recompute.chunk_run(chunk_id=chunk.pk)
    run.refresh_from_db()
    assert (DecisionReview.objects.count(), run.to_review, run.kept_decided) == (1, 1, 0)


def test_a_milder_second_arrival_does_not_soften_a_stricter_code(world, r1):
    """Two recent arrivals, each compared with its own decision: the second one's stricter
    decision (R4 → R3) is covered by the R1 in force and writes nothing."""
    publish("提示 2", risk_areas=[{"level": "high", **NANGUAN}], epidemic_cities=[CHANGCHUN])
    arrival_file(r1, place=("吉林省", "长春市", "朝阳区"), days_ago=1)
    r1.refresh_from_db()
    assert (r1.code, r1.code_rule) == ("red", "R1")
    run = publish(
        "提示 3",
        risk_areas=[{"level": "high", **NANGUAN}],
        case_counties=[{**NANGUAN, "county": "朝阳区"}],
    )
    r1.refresh_from_db()
    assert (r1.code, r1.code_rule, run.changed, run.kept_covered, run.kept_decided) == (
        "red",
        "R1",
        0,
        1,
        1,
    )


def test_the_runs_page_counts_what_was_not_written_by_reason(client, world):
    from django.urls import reverse

    publish("提示 1", epidemic_cities=[CHANGCHUN])
    resident = world["residents"]["grid_a"]
    arrival_file(resident, days_ago=2)
    approve(resident, world)
    publish("提示 2", risk_areas=[{"level": "high", **NANGUAN}])
    client.force_login(world["users"]["city_office"])
    html = client.get(reverse("review:run-list")).content.decode()
    assert 'data-testid="run-to-review">1<' in html
    assert 'data-testid="run-kept-decided">0<' in html


def test_the_measure_starts_from_the_arrival_the_decision_belongs_to(world, r4):
    """The written measure is the arrival's own (start on its arrival date), not today's."""
    run = publish("提示 2", risk_areas=[{"level": "high", **NANGUAN}])
    assert run.to_red == 1
    measure = r4.measures.get(state="active")
    assert measure.start == TODAY - timedelta(days=2)


def test_the_nightly_release_never_turns_a_code_a_person_set_green(world):
    """The district proposed yellow for an R3 red, the city approved: when the R3 measure
    ends the measure is released, but the code stays the person's decision."""
    publish("提示 1", case_counties=[NANGUAN])
    resident = world["residents"]["grid_a"]
    arrival_file(resident, days_ago=2)
    approve(resident, world, to_code="yellow")
    measure = resident.measures.get(state="active")
    run = recompute.run_inline(kind="nightly", today=measure.release_due)
    resident.refresh_from_db()
    measure.refresh_from_db()
    assert (resident.code, resident.code_rule, measure.state) == ("yellow", "manual", "released")
    assert run.to_green == 0 and not resident.code_events.filter(to_code="green").exists()
