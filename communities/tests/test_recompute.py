"""Publishing an announcement re-assesses recent arrivals (the simple, synchronous form;
the set-based job is issue 5)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from communities import services
from communities.models import HealthCodeEvent, RecomputeChunk, RecomputeRun
from communities.serializers import AnnouncementIn
from communities.tasks import (
    nightly_release_task,
    recompute_after_announcement_task,
    recompute_chunk_task,
)
from communities.tests.factories import announcement_publish, arrival_file

TODAY = timezone.localdate()


def publish(**lists):
    return announcement_publish({"title": f"提示 {len(lists)}", "effective": "2022-03-28", **lists})


@pytest.fixture
def arrival(world):
    publish(risk_areas=[])
    resident = world["residents"]["grid_a"]
    arrival_file(resident, days_ago=3, by=world["users"]["grid_worker"])
    resident.refresh_from_db()
    assert resident.code == "green"
    return resident


def test_a_new_risk_area_turns_a_recent_arrival_red_once(arrival):
    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    assert services.residents_reassess() == 1
    assert services.residents_reassess() == 0  # twice: harmless
    arrival.refresh_from_db()
    assert (arrival.code, arrival.code_rule) == ("red", "R1")
    events = HealthCodeEvent.objects.filter(resident=arrival, to_code="red")
    assert events.count() == 1 and events.get().actor is None
    assert arrival.measures.get(state="active").rule == "R1"


def test_a_lifted_risk_area_does_not_cut_a_measure_short(arrival):
    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    services.residents_reassess()
    publish(risk_areas=[], case_counties=[])  # a later, emptier announcement
    assert services.residents_reassess() == 0
    arrival.refresh_from_db()
    assert arrival.code == "red"


def test_an_arrival_older_than_14_days_is_not_touched(world):
    publish(risk_areas=[])
    resident = world["residents"]["grid_b"]
    arrival_file(resident, days_ago=20)
    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    assert services.residents_reassess() == 0


def test_a_stricter_rule_replaces_the_measure_and_writes_each_row_once(arrival):
    """The rows a re-assessment writes, the same through the ORM (SQLite) and through COPY
    (PostgreSQL): the event, the new measure replacing the active one, the landing test
    (already there from the filing: kept once)."""
    nanguan = {"province": "吉林省", "city": "长春市", "county": "南关区"}
    publish(case_counties=[nanguan])
    assert services.residents_reassess() == 1
    arrival.refresh_from_db()
    assert (arrival.code, arrival.code_rule) == ("red", "R3")
    r3 = arrival.measures.get(state="active")
    publish(risk_areas=[{"level": "high", **nanguan}])
    assert services.residents_reassess() == 1
    assert services.residents_reassess() == 0  # twice: nothing more
    report = arrival.arrivals.get()
    decision = services.assessment_run(
        traveller=services.traveller_from(
            stays=list(report.stays.values("province", "city", "county", "start", "end")),
            arrival_date=report.arrival_date,
        ),
        as_of=TODAY,
    )
    arrival.refresh_from_db()
    r3.refresh_from_db()
    r1 = arrival.measures.get(state="active")
    assert (arrival.code, arrival.code_rule, r3.state) == ("red", "R1", "replaced")
    assert (r1.rule, r1.arrival, r1.phases) == ("R1", report, decision.as_dict()["measure"])
    assert (r1.start, r1.end, r1.release_due) == (
        decision.measure[0].start,
        decision.measure[-1].end,
        decision.release_due,
    )
    event = arrival.code_events.get(rule="R1")
    assert (event.kind, event.from_code, event.to_code, event.actor) == (
        "transfer",
        "red",
        "red",
        None,
    )
    assert event.reason == decision.explanation
    assert arrival.code_events.count() == 2  # R3, then R1
    assert [(t.kind, t.due) for t in arrival.tests.all()] == [("landing", report.arrival_date)]


def test_the_tasks_fan_out_chunks_that_count_once(world, arrival):
    announcement = publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    with mock.patch("communities.tasks.group") as fan_out:
        run_id = recompute_after_announcement_task.apply(args=[announcement.pk]).get()
    run = RecomputeRun.objects.get(pk=run_id)
    assert run.announcement == announcement and run.chunks_total == 1
    (chunk,) = RecomputeChunk.objects.filter(run=run)
    (signatures,), _ = fan_out.call_args  # one task a chunk, sent as a group
    assert list(signatures) == [recompute_chunk_task.s(chunk.pk)]
    fan_out.return_value.apply_async.assert_called_once()
    assert recompute_chunk_task.apply(args=[chunk.pk]).get() == 1
    assert recompute_chunk_task.apply(args=[chunk.pk]).get() == 0  # a redelivered chunk
    run.refresh_from_db()
    assert (run.state, run.chunks_done, run.to_red) == ("finished", 1, 1)
    assert HealthCodeEvent.objects.filter(resident=arrival, to_code="red").count() == 1
    from notices.models import Notice

    (notice,) = Notice.objects.filter(kind="codes_changed")  # one, though the chunk ran twice
    assert notice.recipient == world["users"]["grid_worker"]
    assert "有1人转为红码、0人转为黄码" in notice.text  # the title ("提示 1") also holds a 1


def test_the_nightly_release_releases_due_measures_once(world, arrival):
    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    services.residents_reassess()
    measure = arrival.measures.get(state="active")
    day = measure.release_due.isoformat()
    with mock.patch("communities.tasks.group"):
        run = RecomputeRun.objects.get(pk=nightly_release_task.apply(args=[day]).get())
    for chunk in run.chunks.all():
        recompute_chunk_task.apply(args=[chunk.pk])
        recompute_chunk_task.apply(args=[chunk.pk])
    run.refresh_from_db()
    arrival.refresh_from_db()
    assert (run.state, run.to_green, arrival.code) == ("finished", 1, "green")
    assert arrival.code_events.filter(kind="release").count() == 1


def test_the_nightly_release_skips_an_open_anomaly_and_a_measure_not_yet_due(world, arrival):
    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    services.residents_reassess()
    measure = arrival.measures.get(state="active")
    from communities import recompute

    run = recompute.run_inline(kind="nightly", today=measure.release_due - timedelta(days=1))
    assert run.changed == 0 and run.state == "finished"
    services.anomaly_raise(resident=arrival, kind="fever", detail="37.9 °C")
    run = recompute.run_inline(kind="nightly", today=measure.release_due)
    arrival.refresh_from_db()
    assert run.changed == 0 and arrival.code == "red"


def test_a_manual_change_during_the_run_is_not_overwritten(world, arrival):
    """The chunk read the resident as green; a manual change made the code yellow before the
    chunk wrote: the conditional update leaves it alone."""
    from communities import recompute

    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    run = recompute.run_start(kind="announcement", today=TODAY)
    real_apply = recompute._apply

    def racing_apply(*args):
        services.health_code_change(
            resident=arrival,
            to="yellow",
            rule="manual",
            reason="人工",
            actor=world["users"]["city_office"],
        )
        return real_apply(*args)

    with mock.patch.object(recompute, "_apply", racing_apply):
        recompute.chunk_run(chunk_id=run.chunks.get().pk)
    arrival.refresh_from_db()
    assert (arrival.code, arrival.code_rule) == ("yellow", "manual")


def test_the_city_office_follows_runs_on_a_page_that_refreshes(client, world, arrival):
    from django.urls import reverse

    from communities import recompute

    run = recompute.run_start(kind="announcement", today=TODAY)
    client.force_login(world["users"]["city_office"])
    html = client.get(reverse("review:run-list")).content.decode()
    assert 'hx-trigger="every 5s"' in html and "0 / 1" in html
    recompute.chunk_run(chunk_id=run.chunks.get().pk)
    html = client.get(reverse("review:run-list"), headers={"HX-Request": "true"}).content.decode()
    assert "1 / 1" in html and "every 5s" not in html and "<html" not in html


def test_only_citywide_roles_see_the_runs(client, world):
    from django.urls import reverse

    client.force_login(world["users"]["district_office"])
    assert client.get(reverse("review:run-list")).status_code == 403


def test_bench_recompute_prints_its_figures_on_a_small_city(db, capsys):
    """A smoke run of the benchmark command (the figures themselves are in
    docs/benchmarks.md, measured at a million residents)."""
    import re

    from django.core.management import call_command

    call_command("seed_demo", force=True, residents=400, shops=0)
    call_command("bench_recompute", force=True, residents=400, arrivals=40, naive_sample=10)
    out = capsys.readouterr().out.strip().splitlines()
    assert re.fullmatch(
        r"release: 20 released of 400 residents in [\d.]+ s; naive [\d.]+x slower", out[-1]
    ), out[-1]
    assert any(line.startswith("recompute: 20 changed of 40 candidates") for line in out)
    # the announcement's dry run (issue 14), which said what the recompute then did
    assert any(line.startswith("dry run: 20 changed of 40 candidates") for line in out)
    assert any(line.startswith("impact preview: 20 would change (20 → red by R1)") for line in out)


def test_with_the_broker_down_publishing_still_works_and_the_run_starts_later(
    world, django_capture_on_commit_callbacks
):
    """The on-commit queueing fails (Redis down): the announcement is kept, the caller gets
    its answer, and beat's safety net starts the run once the broker is back."""
    from datetime import timedelta as td

    from django.utils import timezone as tz
    from kombu.exceptions import OperationalError

    from communities.models import Announcement
    from communities.tasks import recompute_missed_task

    with (
        mock.patch(
            "communities.tasks.recompute_after_announcement_task.delay",
            side_effect=OperationalError("Redis is down"),
        ),
        django_capture_on_commit_callbacks(execute=True),
    ):
        data = AnnouncementIn(
            data={"title": "断线", "effective": "2022-03-28"}, context={"check_window": False}
        )
        data.is_valid(raise_exception=True)
        announcement, created = services.announcement_load(data=data.validated_data, by=None)
    assert created and Announcement.objects.filter(pk=announcement.pk).exists()
    assert not RecomputeRun.objects.exists()
    Announcement.objects.filter(pk=announcement.pk).update(published_at=tz.now() - td(minutes=5))
    with mock.patch("communities.tasks.group"):
        assert recompute_missed_task.apply().get() == 1
        assert recompute_missed_task.apply().get() == 0  # twice: nothing more
    assert RecomputeRun.objects.get().announcement == announcement
