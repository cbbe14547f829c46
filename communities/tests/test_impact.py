"""An announcement's impact before it is published (issue 14): the dry run decides as the
recompute does and writes nothing; its figures are what the recompute then does."""

import json
from datetime import timedelta
from unittest import mock

import pytest
from django.apps import apps
from django.utils import timezone

from communities import impact, policies, recompute, services
from communities.announcements import parse_announcement
from communities.models import Announcement, ImpactPreview, RecomputeRun, Resident
from communities.tasks import impact_preview_task
from communities.tests.factories import announcement_publish, arrival_file

TODAY = timezone.localdate()
NANGUAN = ("吉林省", "长春市", "南关区")
CHAOYANG = ("吉林省", "长春市", "朝阳区")
CHUANYING = ("吉林省", "吉林市", "船营区")
CLEAN = ("广东省", "广州市", "天河区")
FIGURES = ("to_red", "to_yellow", "to_green", "kept_decided", "kept_covered", "to_review")


def place(p: tuple) -> dict:
    return {"province": p[0], "city": p[1], "county": p[2]}


def candidate(n=1, effective=None, **lists) -> dict:
    """A validated, unsaved announcement (as the pages hold it after their checks)."""
    data = {
        "title": f"提示 候选 {n}",
        "effective": (effective or TODAY).isoformat(),
        "risk_areas": [],
        "case_counties": [],
        "epidemic_cities": [],
        **lists,
    }
    parsed = parse_announcement(json.dumps(data, ensure_ascii=False))
    assert not parsed.errors, parsed.errors
    return parsed.data


def manual(resident, to: str, users):
    """A person's decision on the resident: the district proposes, the city approves."""
    proposal = services.proposal_create(
        resident=resident, to_code=to, reason="核实", by=users["district_office"]
    )
    services.proposal_decide(proposal=proposal, approve=True, note="同意", by=users["city_office"])


def city_build(world):
    """Recent arrivals under an empty announcement: grid_a's resident from 南关区 and
    朝阳区, grid_b's from 南关区 (then a person decided yellow on them), the other
    district's from a clean county."""
    announcement_publish(
        {"title": "提示 0", "effective": "2022-03-28", "risk_areas": [], "case_counties": []}
    )
    users = world["users"]
    residents = world["residents"]
    arrival_file(residents["grid_a"], place=NANGUAN, days_ago=3, by=users["grid_worker"])
    arrival_file(residents["grid_a"], place=CHAOYANG, days_ago=5, by=users["grid_worker"])
    arrival_file(residents["grid_b"], place=NANGUAN, days_ago=2)
    manual(Resident.objects.get(pk=residents["grid_b"].pk), "yellow", users)
    arrival_file(residents["other_grid"], place=CLEAN, days_ago=4)
    return world


@pytest.fixture
def city(world):
    return city_build(world)


def figures_of(obj) -> dict:
    return {name: getattr(obj, name) for name in FIGURES}


def published_run(data: dict) -> RecomputeRun:
    announcement = announcement_publish(policies.payload_of(data))
    return recompute.run_inline(kind="announcement", today=TODAY, announcement_id=announcement.pk)


# --- The policy as if the candidate were published ---------------------------------------------


@pytest.mark.parametrize("days", [0, -3, 5])
def test_the_candidates_policy_is_the_one_in_force_once_it_is_stored(db, days):
    """Before the stored one's date, on it, or not yet in force: policy_with gives what
    policy_on gives after storing (its lists and the measures merged in date order)."""
    announcement_publish(
        {
            "title": "提示 存",
            "effective": (TODAY - timedelta(days=2)).isoformat(),
            "risk_areas": [{"level": "high", **place(CHAOYANG)}],
            "measures": {"R3": [{"kind": "home_quarantine", "days": 10}]},
        }
    )
    data = candidate(
        effective=TODAY + timedelta(days=days),
        risk_areas=[{"level": "medium", **place(NANGUAN)}],
        measures={"R2": [{"kind": "home_quarantine", "days": 7}]},
    )
    dry = policies.policy_with(TODAY, policies.payload_of(data))
    announcement_publish(policies.payload_of(data))
    policies._cache.clear()
    assert dry == policies.policy_on(TODAY)


def test_the_candidate_is_not_stored(db):
    policies.policy_with(TODAY, policies.payload_of(candidate()))
    assert not Announcement.objects.exists()


# --- The same figures as the recompute ---------------------------------------------------------


def test_the_preview_says_what_the_recompute_then_does(city):
    data = candidate(
        risk_areas=[{"level": "high", **place(NANGUAN)}],
        case_counties=[place(CHAOYANG)],
    )
    figures = impact.impact_compute(payload=policies.payload_of(data), today=TODAY)
    # grid_a: R1 written, R3 covered; grid_b: R1 met the person's yellow (review); the
    # other district's clean arrival stays decided
    assert (figures["to_red"], figures["kept_covered"], figures["to_review"]) == (1, 1, 1)
    assert figures["kept_decided"] == 1
    assert figures["figures"]["by_rule"] == [["red", "R1", 1]]
    [district] = figures["figures"]["by_district"]
    assert district == {
        "district": "小店区",
        "changed": 1,
        "by_rule": [["red", "R1", 1]],
        "reviews": 1,
    }
    run = published_run(data)
    assert figures_of(run) == {name: figures[name] for name in FIGURES}


def test_the_dry_run_writes_nothing(city):
    data = candidate(
        risk_areas=[{"level": "high", **place(NANGUAN)}], epidemic_cities=[], case_counties=[]
    )
    models = [m for m in apps.get_app_config("communities").get_models()] + [
        apps.get_model("notices", "Notice")
    ]
    counts = {m.__name__: m.objects.count() for m in models}
    residents = list(Resident.objects.order_by("pk").values_list("code", "code_rule"))
    arrivals = list(
        apps.get_model("communities", "ArrivalReport")
        .objects.order_by("pk")
        .values_list("decided_code", "decided_rule")
    )
    figures = impact.impact_compute(payload=policies.payload_of(data), today=TODAY)
    assert figures["to_red"] == 1  # it found something to write, and wrote nothing
    assert {m.__name__: m.objects.count() for m in models} == counts
    assert list(Resident.objects.order_by("pk").values_list("code", "code_rule")) == residents
    assert (
        list(
            apps.get_model("communities", "ArrivalReport")
            .objects.order_by("pk")
            .values_list("decided_code", "decided_rule")
        )
        == arrivals
    )


def test_before_any_announcement_the_candidate_alone_decides(world):
    arrival_file(world["residents"]["grid_a"], place=NANGUAN, days_ago=3)
    data = candidate(risk_areas=[{"level": "high", **place(NANGUAN)}])
    figures = impact.impact_compute(payload=policies.payload_of(data), today=TODAY)
    assert figures["to_red"] == 1


def test_a_candidate_not_yet_in_force_changes_nobody_today(city):
    """The recompute that publishing starts decides as of its day: a candidate effective
    later is not in force then, and the preview says so (nobody changes)."""
    data = candidate(
        effective=TODAY + timedelta(days=3), risk_areas=[{"level": "high", **place(NANGUAN)}]
    )
    figures = impact.impact_compute(payload=policies.payload_of(data), today=TODAY)
    assert figures_of(published_run(data)) == {name: figures[name] for name in FIGURES}
    assert figures["to_red"] == 0


# --- The job ----------------------------------------------------------------------------------


def test_the_job_fills_the_row_and_running_it_twice_is_harmless(city):
    data = candidate(risk_areas=[{"level": "high", **place(NANGUAN)}])
    with mock.patch("communities.services.previews.impact_preview_task.delay") as delay:
        preview = services.impact_preview_request(data=data, by=None)
    assert preview.state == "pending"
    assert impact_preview_task.run(preview.pk) is True
    preview.refresh_from_db()
    assert (preview.state, preview.to_red, preview.to_review, preview.percent) == (
        "done",
        1,
        1,
        100,
    )
    assert preview.chunks_done == preview.chunks_total == 1
    assert impact_preview_task.run(preview.pk) is False  # done: not again
    assert delay.call_count == 0  # on_commit: not in a test's transaction


def test_the_same_candidate_is_not_computed_twice(city, django_capture_on_commit_callbacks):
    data = candidate(risk_areas=[{"level": "high", **place(NANGUAN)}])
    with mock.patch("communities.services.previews.impact_preview_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            first = services.impact_preview_request(data=data, by=None)
        impact_preview_task.run(first.pk)
        with django_capture_on_commit_callbacks(execute=True):
            again = services.impact_preview_request(
                data=dict(reversed(list(data.items()))), by=None
            )
    assert again.pk == first.pk and again.state == "done"
    assert delay.call_count == 1
    assert ImpactPreview.objects.count() == 1


def test_a_preview_of_another_day_or_failed_is_computed_again(
    city, django_capture_on_commit_callbacks
):
    data = candidate(risk_areas=[{"level": "high", **place(NANGUAN)}])
    with mock.patch("communities.services.previews.impact_preview_task.delay") as delay:
        with django_capture_on_commit_callbacks(execute=True):
            preview = services.impact_preview_request(data=data, by=None)
        impact_preview_task.run(preview.pk)
        ImpactPreview.objects.filter(pk=preview.pk).update(today=TODAY - timedelta(days=1))
        with django_capture_on_commit_callbacks(execute=True):
            assert services.impact_preview_request(data=data, by=None).state == "pending"
        impact.preview_fail(preview_id=preview.pk, error="boom")
        with django_capture_on_commit_callbacks(execute=True):
            assert services.impact_preview_request(data=data, by=None).state == "pending"
    assert delay.call_count == 3


def test_a_failing_job_marks_the_row_failed(city):
    data = candidate(risk_areas=[{"level": "high", **place(NANGUAN)}])
    preview = services.impact_preview_request(data=data, by=None)
    with (
        mock.patch("communities.impact.impact_compute", side_effect=RuntimeError("boom")),
        pytest.raises(RuntimeError),
    ):
        impact_preview_task.run(preview.pk)
    preview.refresh_from_db()
    assert preview.state == "failed" and "boom" in preview.errors


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_a_chunk_of_the_dry_run_cannot_write(world):
    """Each chunk is decided in a READ ONLY transaction: a write there fails, it does not
    happen (here a write slipped into the decision, as a regression would)."""
    from django.db import connection
    from django.db.utils import InternalError

    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL; run it in the PostgreSQL pass")
    arrival_file(world["residents"]["grid_a"], place=NANGUAN, days_ago=3)
    decide = recompute.reassess_decide

    def writing(lo, hi, today, policy):
        Resident.objects.filter(pk__gte=lo, pk__lte=hi).update(code="red")
        return decide(lo, hi, today, policy)

    data = candidate(risk_areas=[{"level": "high", **place(NANGUAN)}])
    with (
        mock.patch("communities.recompute.reassess_decide", writing),
        pytest.raises(InternalError, match="read-only transaction"),
    ):
        impact.impact_compute(payload=policies.payload_of(data), today=TODAY)
    assert not Resident.objects.filter(code="red").exists()
    assert impact.impact_compute(payload=policies.payload_of(data), today=TODAY)["to_red"] == 1
