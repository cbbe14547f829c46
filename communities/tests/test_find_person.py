"""A person to find (a big-data push or a venue report of someone not registered): the grid
worker registers them and files their arrival from the task, which closes it (issue 13)."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from communities import rules, services
from communities.models import ArrivalReport, GridTask, PersonalDataView, Resident

from .factories import announcement_publish, valid_id_number
from .test_arrivals import form_data

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"
PHONE = "13700001111"


@pytest.fixture(autouse=True)
def announcement(db):
    return announcement_publish(FIXTURE)


def pushed(world, **person) -> GridTask:
    """A push of someone not registered, to find in 通达街社区."""
    person = {"name": "孙待查", "id_number": valid_id_number(), "phone": PHONE, **person}
    return services.push_receive(
        **person, reason="大数据推送", community=world["nodes"]["community"], by=None
    )


def venue_reported(world) -> GridTask:
    """A venue's report of an unknown phone: a task with no name and no ID number."""
    services.venue_report_file(
        id_number="",
        phone=PHONE,
        community=world["nodes"]["community"],
        venue_kind="shop",
        venue_name="通达超市",
        seen_code="yellow",
        seen_at=timezone.now(),
        note="",
        by=None,
    )
    return GridTask.objects.get(kind=GridTask.Kind.FIND_PERSON)


def arrival_url(task) -> str:
    return reverse("tasks:task-arrival", args=[task.pk])


def the_person(task, **changes) -> dict:
    """The form as the grid worker sends it: the task's person, name and ID number typed
    where the task has none."""
    return {
        "name": task.subject_name or "周场所",
        "id_number": task.subject_id_number or valid_id_number(),
        "phone": task.subject_phone,
        **changes,
    }


@pytest.mark.parametrize("make", [pushed, venue_reported], ids=["push", "venue_report"])
def test_grid_worker_registers_the_person_from_the_task_and_the_task_closes(client, world, make):
    task = make(world)
    worker = world["users"]["grid_worker"]
    client.force_login(worker)
    page = client.get(reverse("tasks:task-work", args=[task.pk])).content.decode()
    assert arrival_url(task) in page
    response = client.post(arrival_url(task), form_data(world, **the_person(task)), follow=True)
    resident = Resident.objects.get(phone=PHONE)
    assert response.redirect_chain[-1][0] == reverse(
        "communities:resident-detail", args=[resident.pk]
    )
    assert "任务已完成" in response.content.decode()
    assert (resident.grid, resident.code, resident.code_rule) == (
        world["nodes"]["grid_a"],
        "red",
        "R1",
    )
    assert ArrivalReport.objects.get().resident == resident
    task.refresh_from_db()
    assert (task.state, task.done_by, task.resident) == ("done", worker, resident)
    assert task.note.startswith(f"已登记{resident.name}")
    # the done task names the person, with a link to their record
    page = client.get(reverse("tasks:task-work", args=[task.pk])).content.decode()
    assert reverse("communities:resident-detail", args=[resident.pk]) in page
    assert task.note in page and arrival_url(task) not in page


def test_the_form_is_filled_in_full_and_the_view_recorded_for_the_grid_worker(client, world):
    task = pushed(world)
    worker = world["users"]["grid_worker"]
    client.force_login(worker)
    response = client.get(arrival_url(task))
    form = response.context["form"]
    values = {name: form[name].value() for name in ("name", "id_number", "phone", "grid")}
    assert values == {
        "name": "孙待查",
        "id_number": task.subject_id_number,
        "phone": PHONE,
        "grid": world["nodes"]["grid_a"].pk,  # the worker's one grid in the community
    }
    view = PersonalDataView.objects.get()
    assert (view.user, view.task, view.resident, view.arrival) == (worker, task, None, None)
    assert 'data-testid="from-task"' in response.content.decode()


def test_the_form_is_masked_for_the_street_supervisor_and_nothing_is_recorded(client, world):
    task = pushed(world)
    client.force_login(world["users"]["street_supervisor"])
    html = client.get(arrival_url(task)).content.decode()
    assert task.subject_id_number not in html and PHONE not in html
    assert rules.mask_id_number(task.subject_id_number) in html
    assert not PersonalDataView.objects.exists()


def test_only_the_users_grids_of_the_tasks_community_are_offered(client, world):
    task = pushed(world)
    client.force_login(world["users"]["grid_worker"])
    data = form_data(world, **the_person(task), grid=world["nodes"]["grid_b"].pk)
    response = client.post(arrival_url(task), data)
    assert response.status_code == 200 and response.context["form"].has_error("grid")
    assert not Resident.objects.filter(phone=PHONE).exists()
    task.refresh_from_db()
    assert task.state == "open"
    client.force_login(world["users"]["community_staff"])
    form = client.get(arrival_url(task)).context["form"]
    assert set(form.fields["grid"].queryset) == {world["nodes"]["grid_a"], world["nodes"]["grid_b"]}
    assert "grid" not in form.initial  # two grids: the user chooses


def test_a_person_registered_in_another_grid_is_handed_over_and_the_task_closes(client, world):
    task = venue_reported(world)
    registered = world["residents"]["other_grid"]
    client.force_login(world["users"]["grid_worker"])
    typed = {"name": registered.name, "id_number": registered.id_number}
    response = client.post(arrival_url(task), form_data(world, **the_person(task, **typed)))
    response = client.get(response.url)
    html = response.content.decode()
    assert response.request["PATH_INFO"] == reverse("tasks:task-list")
    assert "已移交" in html and "任务已完成" in html
    assert registered.grid.parent.name not in html
    task.refresh_from_db()
    assert (task.state, task.resident) == ("done", None)
    assert task.note == "此人已在其他网格登记：报备已移交该网格核实。"
    # the arrival waits for the person's own grid, as any hand-over does
    arrival = ArrivalReport.objects.get()
    assert (arrival.state, arrival.resident, arrival.community) == (
        "submitted",
        registered,
        world["nodes"]["other_community"],
    )
    handed = GridTask.objects.get(arrival=arrival)
    assert (handed.state, handed.resident) == ("open", registered)
    registered.refresh_from_db()
    assert registered.code == "green" and Resident.objects.count() == 3


def test_another_name_for_a_registered_id_number_asks_first_and_keeps_the_task_open(client, world):
    task = venue_reported(world)
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["grid_worker"])
    data = form_data(world, **the_person(task, id_number=resident.id_number))
    response = client.post(arrival_url(task), data)
    assert 'data-testid="identity-differs"' in response.content.decode()
    task.refresh_from_db()
    assert task.state == "open" and not ArrivalReport.objects.exists()
    response = client.post(arrival_url(task), {**data, "confirm_identity": "1"})
    assert response.status_code == 302
    task.refresh_from_db()
    resident.refresh_from_db()
    assert (task.state, task.resident, resident.name) == ("done", resident, "周场所")
    assert task.note.startswith("周场所此前已登记")


def test_a_done_task_files_nothing_more(client, world):
    task = pushed(world)
    worker = world["users"]["grid_worker"]
    services.task_close(task=task, note="电话联系，本人在外地", by=worker)
    client.force_login(worker)
    response = client.post(arrival_url(task), form_data(world, **the_person(task)))
    assert response.status_code == 302
    assert response.url == reverse("tasks:task-work", args=[task.pk])
    assert not ArrivalReport.objects.exists() and not PersonalDataView.objects.exists()
    with pytest.raises(ValidationError):
        services.find_person_arrival_file(task=task, by=worker, visible=Resident.objects.all())


def test_only_a_find_person_task_opens_the_form(client, world):
    resident = world["residents"]["grid_a"]
    task = services.push_receive(
        name="", id_number=resident.id_number, phone="", reason="x", community=None, by=None
    )
    assert task.kind == GridTask.Kind.VERIFY_PUSH
    client.force_login(world["users"]["grid_worker"])
    assert client.get(arrival_url(task)).status_code == 404
    assert (
        arrival_url(task)
        not in client.get(reverse("tasks:task-work", args=[task.pk])).content.decode()
    )


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor", "inspector"])
def test_outsiders_get_404_and_nothing_is_filed_or_recorded(client, world, role):
    task = pushed(world)
    client.force_login(world["users"][role])
    assert client.get(arrival_url(task)).status_code == 404
    data = form_data(world, **the_person(task), grid=world["nodes"]["other_grid"].pk)
    assert client.post(arrival_url(task), data).status_code == 404
    task.refresh_from_db()
    assert task.state == "open"
    assert not ArrivalReport.objects.exists() and not PersonalDataView.objects.exists()
