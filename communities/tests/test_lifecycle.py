"""The services of a code's life: anomalies, release, manual changes, pushes, venues."""

import threading
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from communities import services
from communities.models import (
    CodeChangeProposal,
    GridTask,
    HealthCodeEvent,
    Resident,
)
from notices.models import Notice

from .factories import UserFactory, announcement_publish, arrival_file

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def announcement(db):
    return announcement_publish(DEMO)


def file_case_county(resident, by, arrived_days_ago=1):
    """An arrival from 佛山市禅城区 (a case county): red, R3, "7+5"."""
    return arrival_file(
        resident, place=("广东省", "佛山市", "禅城区"), days_ago=arrived_days_ago, by=by
    )


@pytest.fixture
def red_resident(world):
    resident = world["residents"]["grid_a"]
    file_case_county(resident, world["users"]["grid_worker"])
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R3")
    return resident


def test_a_fever_turns_red_alerts_street_and_district_and_blocks_release(world, red_resident):
    measure = red_resident.measures.get(state="active")
    services.followup_record(
        resident=red_resident,
        day=TODAY,
        temperature=Decimal("38.1"),
        symptoms=[],
        note="",
        by=world["users"]["grid_worker"],
    )
    red_resident.refresh_from_db()
    assert red_resident.code_rule == "anomaly"
    recipients = set(Notice.objects.values_list("recipient__username", flat=True))
    assert recipients == {
        world["users"]["community_staff"].username,
        world["users"]["street_supervisor"].username,
        world["users"]["district_office"].username,
    }
    assert not services.resident_release(resident=red_resident, today=measure.release_due)
    red_resident.refresh_from_db()
    assert red_resident.code == "red"


def test_release_on_the_due_day_without_anomaly_and_not_before(world, red_resident):
    measure = red_resident.measures.get(state="active")
    assert [p["days"] for p in measure.phases] == [7, 5]
    assert not services.resident_release(
        resident=red_resident, today=measure.release_due - timedelta(days=1)
    )
    assert services.resident_release(resident=red_resident, today=measure.release_due)
    assert not services.resident_release(resident=red_resident, today=measure.release_due)
    red_resident.refresh_from_db()
    assert red_resident.code == "green"
    release = red_resident.code_events.get(kind="release")
    assert release.actor is None and release.rule == "R3"


def test_a_normal_followup_changes_nothing(world, red_resident):
    services.followup_record(
        resident=red_resident,
        day=TODAY,
        temperature=Decimal("36.5"),
        symptoms=[],
        note="",
        by=world["users"]["grid_worker"],
    )
    assert red_resident.code_events.count() == 1 and not Notice.objects.exists()


def test_the_district_proposes_and_the_city_approves(world, red_resident):
    district, city = world["users"]["district_office"], world["users"]["city_office"]
    proposal = services.proposal_create(
        resident=red_resident, to_code="green", reason="核酸阴性，误赋码", by=district
    )
    red_resident.refresh_from_db()
    assert red_resident.code == "red"  # only approval changes the code
    services.proposal_decide(proposal=proposal, approve=True, note="同意", by=city)
    red_resident.refresh_from_db()
    assert red_resident.code == "green"
    event = red_resident.code_events.first()
    assert (event.kind, event.actor, event.rule) == ("release", city, "manual")
    assert not red_resident.measures.filter(state="active").exists()


def test_a_rejected_proposal_changes_nothing(world, red_resident):
    proposal = services.proposal_create(
        resident=red_resident, to_code="green", reason="x", by=world["users"]["district_office"]
    )
    services.proposal_decide(
        proposal=proposal, approve=False, note="证据不足", by=world["users"]["city_office"]
    )
    red_resident.refresh_from_db()
    assert red_resident.code == "red"
    assert CodeChangeProposal.objects.get().state == "rejected"


def test_proposals_need_two_different_people_in_the_right_roles(world, red_resident):
    with pytest.raises(PermissionDenied):
        services.proposal_create(
            resident=red_resident, to_code="green", reason="x", by=world["users"]["city_office"]
        )
    boss = UserFactory(is_superuser=True, role="", jurisdiction=None)
    proposal = services.proposal_create(resident=red_resident, to_code="green", reason="x", by=boss)
    with pytest.raises(PermissionDenied):
        services.proposal_decide(proposal=proposal, approve=True, note="", by=boss)
    with pytest.raises(PermissionDenied):
        services.proposal_decide(
            proposal=proposal, approve=True, note="", by=world["users"]["district_office"]
        )
    red_resident.refresh_from_db()
    assert red_resident.code == "red"


def test_only_one_pending_proposal_per_resident(world, red_resident):
    district = world["users"]["district_office"]
    services.proposal_create(resident=red_resident, to_code="green", reason="x", by=district)
    with pytest.raises(ValidationError):
        services.proposal_create(resident=red_resident, to_code="yellow", reason="y", by=district)


def test_a_push_of_a_known_resident_gives_temporary_yellow_and_a_task(world):
    resident = world["residents"]["grid_b"]
    task = services.push_receive(
        name=resident.name,
        id_number=resident.id_number,
        phone="",
        reason="时空伴随",
        community=None,
        by=None,
    )
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("yellow", "R7")
    assert (task.kind, task.community, task.resident) == (
        "verify_push",
        world["nodes"]["community"],
        resident,
    )
    assert task.due_at - timezone.now() > timedelta(hours=23)


def test_a_push_never_softens_a_red_code(world, red_resident):
    services.push_receive(
        name="", id_number=red_resident.id_number, phone="", reason="x", community=None, by=None
    )
    red_resident.refresh_from_db()
    assert red_resident.code == "red"


def test_a_push_of_an_unknown_person_is_a_task_to_find_them(world):
    task = services.push_receive(
        name="无名",
        id_number="",
        phone="13700000000",
        reason="x",
        community=world["nodes"]["community"],
        by=None,
    )
    assert task.kind == "find_person" and task.resident is None
    with pytest.raises(ValidationError):
        services.push_receive(
            name="无名", id_number="", phone="13700000001", reason="x", community=None, by=None
        )


def test_verifying_a_push_with_clean_stays_turns_green(world):
    resident = world["residents"]["grid_b"]
    task = services.push_receive(
        name="", id_number=resident.id_number, phone="", reason="x", community=None, by=None
    )
    services.push_verify(
        task=task,
        stays=[],
        arrival_date=None,
        note="已核实无旅居史",
        by=world["users"]["community_staff"],
    )
    resident.refresh_from_db()
    task.refresh_from_db()
    assert (resident.code, task.state) == ("green", "done")


def test_verifying_a_push_with_a_risk_area_stay_transfers_to_red(world):
    resident = world["residents"]["grid_b"]
    task = services.push_receive(
        name="", id_number=resident.id_number, phone="", reason="x", community=None, by=None
    )
    services.push_verify(
        task=task,
        arrival_date=TODAY - timedelta(days=1),
        note="",
        stays=[
            {
                "province": "吉林省",
                "city": "吉林市",
                "county": "丰满区",
                "start": TODAY - timedelta(days=5),
                "end": TODAY - timedelta(days=2),
            }
        ],
        by=world["users"]["community_staff"],
    )
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R1")
    assert resident.code_events.first().kind == "transfer"


def test_a_venue_report_becomes_a_task_for_the_persons_grid(world, red_resident):
    services.venue_report_file(
        id_number=red_resident.id_number,
        phone="",
        community=world["nodes"]["community"],
        venue_kind="shop",
        venue_name="通达药房",
        seen_code="red",
        seen_at=timezone.now(),
        note="",
        by=None,
    )
    task = GridTask.objects.get(kind="venue_report")
    assert task.community == world["nodes"]["community"] and task.resident == red_resident


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_write_one_event_for_one_change(world):
    """Two threads record a fever for the same resident at the same moment: the row lock
    makes one wait, and the second finds the code already red (one event, not two)."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (row locks); run it in the PostgreSQL pass")
    resident = world["residents"]["grid_a"]
    file_case_county(resident, world["users"]["grid_worker"])
    barrier = threading.Barrier(2)
    errors = []

    def anomaly(kind):
        try:
            barrier.wait()
            services.anomaly_raise(
                resident=Resident.objects.get(pk=resident.pk), kind=kind, detail="并发"
            )
        except Exception as error:
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=anomaly, args=(k,)) for k in ("fever", "symptom")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert resident.anomalies.count() == 2
    assert HealthCodeEvent.objects.filter(resident=resident, rule="anomaly").count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_two_pushes_at_once_lose_no_update(world):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (row locks); run it in the PostgreSQL pass")
    resident = world["residents"]["grid_b"]
    barrier = threading.Barrier(2)

    def push():
        barrier.wait()
        services.push_receive(
            name="", id_number=resident.id_number, phone="", reason="并发", community=None, by=None
        )
        connection.close()

    threads = [threading.Thread(target=push) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert HealthCodeEvent.objects.filter(resident=resident).count() == 1
    assert GridTask.objects.filter(resident=resident).count() == 2


def test_a_recorded_result_is_never_overwritten(world, red_resident):
    test = red_resident.tests.get()
    services.test_result_record(test=test, result="negative", sampled_at=None, by=None)
    with pytest.raises(ValidationError):
        services.test_result_record(test=test, result="positive", sampled_at=None, by=None)
    test.refresh_from_db()
    assert test.result == "negative" and not red_resident.anomalies.exists()


def test_a_fever_with_symptoms_names_both(world, red_resident):
    services.followup_record(
        resident=red_resident,
        day=TODAY,
        temperature=Decimal("37.8"),
        symptoms=["cough"],
        note="",
        by=world["users"]["grid_worker"],
    )
    anomaly = red_resident.anomalies.get()
    assert anomaly.kind == "fever" and "37.8" in anomaly.detail and "咳嗽" in anomaly.detail
