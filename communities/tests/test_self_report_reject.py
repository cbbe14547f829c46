"""A self-report the grid worker turns down with a reason (unknown person, never arrived,
a duplicate): nothing reaches any resident, and the report never changes a code (issue 13)."""

from pathlib import Path

import pytest
from django.urls import reverse

from communities import services
from communities.models import (
    ArrivalReport,
    ControlMeasure,
    GridTask,
    HealthCodeEvent,
    NucleicAcidTest,
    Resident,
)

from .factories import announcement_publish
from .test_self_report import submit

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"


@pytest.fixture(autouse=True)
def announcement(db):
    return announcement_publish(FIXTURE)


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    """The public form's rate limits count in a cache of the test's own."""


@pytest.fixture
def reported(client, world):
    """A self-report of a stranger with a stay in a high-risk county, and its task."""
    assert submit(client, world).status_code == 302
    return GridTask.objects.select_related("arrival").get()


@pytest.fixture
def reported_by_resident(client, world):
    """A self-report by grid_a's resident (a red R1 journey, were it verified)."""
    resident = world["residents"]["grid_a"]
    data = {"name": resident.name, "id_number": resident.id_number, "phone": resident.phone}
    assert submit(client, world, **data).status_code == 302
    return GridTask.objects.select_related("arrival").get()


def reject_url(task) -> str:
    return reverse("tasks:task-reject", args=[task.pk])


def nothing_reached_anyone():
    assert not HealthCodeEvent.objects.exists()
    assert not ControlMeasure.objects.exists()
    assert not NucleicAcidTest.objects.exists()


def test_grid_worker_rejects_a_self_report_with_a_reason(client, world, reported):
    worker = world["users"]["grid_worker"]
    client.force_login(worker)
    verify = reverse("tasks:task-verify", args=[reported.pk])
    assert reject_url(reported) in client.get(verify).content.decode()
    assert client.get(reject_url(reported)).status_code == 200
    data = {"reason": "not_arrived", "note": "电话联系，本人仍在吉林"}
    response = client.post(reject_url(reported), data, follow=True)
    assert response.redirect_chain[-1][0] == reverse("tasks:task-list")
    html = response.content.decode()
    assert "报备已驳回" in html and reported.arrival.name not in html  # off the work list
    reported.refresh_from_db()
    assert (reported.state, reported.done_by) == ("done", worker)
    assert reported.note == "本人未抵达：电话联系，本人仍在吉林"
    arrival = ArrivalReport.objects.get()
    assert (arrival.state, arrival.resident, arrival.decided_code) == ("rejected", None, "")
    assert not Resident.objects.filter(id_number=arrival.id_number).exists()
    nothing_reached_anyone()
    # the task's page says so, without the decision the report would have had
    html = client.get(verify).content.decode()
    assert 'data-testid="rejected"' in html and reported.note in html
    assert "14+7" not in html and reject_url(reported) not in html


def test_other_needs_a_note_and_no_reason_rejects_nothing(client, world, reported):
    client.force_login(world["users"]["grid_worker"])
    response = client.post(reject_url(reported), {"reason": "other", "note": " "})
    assert response.status_code == 200 and "请说明驳回报备的理由" in response.content.decode()
    response = client.post(reject_url(reported), {"reason": "", "note": "x"})
    assert response.status_code == 200 and response.context["form"].has_error("reason")
    reported.refresh_from_db()
    assert reported.state == "open" and reported.arrival.state == "submitted"


def test_a_rejected_report_is_never_verified_and_never_changes_a_code(
    client, world, reported_by_resident
):
    task = reported_by_resident
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["grid_worker"])
    client.post(reject_url(task), {"reason": "duplicate", "note": ""})
    task.refresh_from_db()
    assert task.note == "重复报备"
    verify = reverse("tasks:task-verify", args=[task.pk])
    response = client.post(verify, {"grid": world["nodes"]["grid_a"].pk}, follow=True)
    assert "该报备已驳回" in response.content.decode()
    with pytest.raises(ValueError):
        services.self_report_verify(
            arrival=task.arrival,
            grid=world["nodes"]["grid_a"],
            by=world["users"]["grid_worker"],
            visible=Resident.objects.all(),
        )
    assert services.residents_reassess() == 0  # the recompute takes assessed reports only
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("green", "")
    nothing_reached_anyone()
    assert ArrivalReport.objects.get().state == "rejected"


def test_the_residents_page_shows_the_rejection_in_the_history(client, world, reported_by_resident):
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["grid_worker"])
    client.post(reject_url(reported_by_resident), {"reason": "unknown", "note": "查无此人"})
    page = client.get(reverse("communities:resident-detail", args=[resident.pk]))
    html = page.content.decode()
    assert 'data-testid="history-rejected"' in html
    assert "网上报备已驳回" in html and "所报地址查无此人：查无此人" in html
    assert 'data-testid="arrival-state"' in html and "已驳回" in html
    assert "14+7" not in html  # the rejected report's decision is not shown as if taken


def test_a_verified_report_cannot_be_rejected(client, world, reported):
    client.force_login(world["users"]["grid_worker"])
    verify = reverse("tasks:task-verify", args=[reported.pk])
    client.post(verify, {"grid": world["nodes"]["grid_a"].pk})
    response = client.post(reject_url(reported), {"reason": "duplicate"})
    assert response.status_code == 302 and response.url == verify
    arrival = ArrivalReport.objects.get()
    assert arrival.state == "assessed" and arrival.resident.code == "red"
    with pytest.raises(ValueError):
        services.self_report_reject(
            arrival=arrival, reason="x", note="", by=world["users"]["grid_worker"]
        )


def test_only_a_self_report_task_is_rejected(client, world):
    resident = world["residents"]["grid_a"]
    task = services.push_receive(
        name="", id_number=resident.id_number, phone="", reason="x", community=None, by=None
    )
    client.force_login(world["users"]["grid_worker"])
    assert client.get(reject_url(task)).status_code == 404
    assert client.post(reject_url(task), {"reason": "duplicate"}).status_code == 404


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor", "inspector"])
def test_outsiders_get_404_and_the_report_stays(client, world, reported, role):
    client.force_login(world["users"][role])
    assert client.get(reject_url(reported)).status_code == 404
    assert client.post(reject_url(reported), {"reason": "duplicate"}).status_code == 404
    reported.refresh_from_db()
    assert reported.state == "open" and reported.arrival.state == "submitted"
