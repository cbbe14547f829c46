"""Identity is never merged silently (issue 10): filing for a registered ID number with
another name or phone shows the registered person masked and asks the filer to confirm that
it is the same person or to correct the number; nothing is stored until then. The arrival
keeps what was typed; a confirmed difference updates the resident with an IdentityChange."""

from datetime import timedelta
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from communities import access, rules, services
from communities.models import (
    ArrivalReport,
    ControlMeasure,
    GridTask,
    HealthCodeEvent,
    IdentityChange,
    NucleicAcidTest,
    Resident,
    Stay,
)

from .factories import (
    ResidentFactory,
    announcement_publish,
    arrival_api_body,
    arrival_file,
    stay_rows,
    valid_id_number,
)

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"
TODAY = timezone.localdate()
TYPED = {"name": "李四", "phone": "13987654321", "address": "通达街99号"}
STORED = (
    ArrivalReport,
    Stay,
    Resident,
    HealthCodeEvent,
    ControlMeasure,
    NucleicAcidTest,
    IdentityChange,
)


@pytest.fixture(autouse=True)
def announcement(db):
    return announcement_publish(FIXTURE)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in STORED}


def identity(resident: Resident) -> tuple:
    resident.refresh_from_db()
    return resident.name, resident.phone, resident.address


def form_data(world, **changes) -> dict:
    data = {
        "id_number": valid_id_number(),
        **TYPED,
        "grid": world["nodes"]["grid_a"].pk,
        "arrival_date": str(TODAY - timedelta(days=1)),
        "landing_point_kind": "station",
        "landing_point": "太原南站",
        "transport": "train",
        "abroad_quarantine_days": "",
        **stay_rows([(TODAY - timedelta(days=6), TODAY - timedelta(days=2))]),
    }
    data.update(changes)
    return data


class FormFields(HTMLParser):
    """The values a browser sends from a page's form (inputs, and the button pressed)."""

    def __init__(self):
        super().__init__()
        self.data = {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "input" and attrs.get("name") and attrs.get("type") != "submit":
            self.data[attrs["name"]] = attrs.get("value") or ""


def sent_by(html: str, button: str | None = None) -> dict:
    """What the page's form sends when `button` (its name) is pressed."""
    parser = FormFields()
    parser.feed(html)
    return {**parser.data, button: "1"} if button else parser.data


# --- The grid worker's page -------------------------------------------------------------------


@pytest.fixture
def worker(client, world):
    client.force_login(world["users"]["grid_worker"])
    return client


def test_another_name_and_phone_show_the_registered_person_masked_and_store_nothing(worker, world):
    resident = world["residents"]["grid_a"]
    before, registered = counts(), identity(resident)
    data = form_data(world, id_number=resident.id_number)
    response = worker.post(reverse("communities:arrival-create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert response.templates[0].name == "communities/arrival_confirm.html"
    assert rules.mask_name(resident.name) in html and rules.mask_phone(resident.phone) in html
    assert resident.name not in html and resident.phone not in html
    assert TYPED["name"] in html and TYPED["phone"] in html
    assert 'data-testid="differs-name"' in html and 'data-testid="differs-phone"' in html
    assert "是否为同一人" in html
    assert counts() == before and identity(resident) == registered


def test_confirming_keeps_the_typed_values_on_the_arrival_and_updates_the_resident_once(
    worker, world
):
    resident = world["residents"]["grid_a"]
    old_name, old_phone, old_address = identity(resident)
    url = reverse("communities:arrival-create")
    step = worker.post(url, form_data(world, id_number=resident.id_number)).content.decode()
    response = worker.post(url, sent_by(step, "confirm_identity"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "communities:resident-detail", args=[resident.pk]
    )
    assert "已确认为同一人" in response.content.decode()
    arrival = ArrivalReport.objects.get()
    assert (arrival.resident, arrival.name, arrival.phone, arrival.address) == (
        resident,
        TYPED["name"],
        TYPED["phone"],
        TYPED["address"],
    )
    # the resident takes the confirmed name and phone; the address is the arrival's own
    assert identity(resident) == (TYPED["name"], TYPED["phone"], old_address)
    (change,) = IdentityChange.objects.all()
    assert (change.resident, change.arrival, change.by) == (
        resident,
        arrival,
        world["users"]["grid_worker"],
    )
    assert change.changes == {
        "name": [old_name, TYPED["name"]],
        "phone": [old_phone, TYPED["phone"]],
    }
    assert resident.code == "red" and Resident.objects.count() == 3


def test_only_the_field_that_differs_is_asked_about_and_changed(worker, world):
    resident = world["residents"]["grid_a"]
    old_name = resident.name
    url = reverse("communities:arrival-create")
    data = form_data(world, id_number=resident.id_number, phone=resident.phone)
    step = worker.post(url, data).content.decode()
    assert 'data-testid="differs-name"' in step and 'data-testid="differs-phone"' not in step
    worker.post(url, sent_by(step, "confirm_identity"))
    assert IdentityChange.objects.get().changes == {"name": [old_name, TYPED["name"]]}


def test_the_same_name_and_phone_file_at_once_without_a_question(worker, world):
    resident = world["residents"]["grid_a"]
    data = form_data(world, id_number=resident.id_number, name=resident.name, phone=resident.phone)
    response = worker.post(reverse("communities:arrival-create"), data)
    assert response.status_code == 302
    assert ArrivalReport.objects.get().resident == resident
    assert not IdentityChange.objects.exists()


def test_correcting_the_number_files_for_the_right_person(worker, world):
    """李四 is registered too; the filer typed 张三's ID number by mistake."""
    wrong = world["residents"]["grid_a"]
    right = ResidentFactory(grid=world["nodes"]["grid_a"], name=TYPED["name"], phone=TYPED["phone"])
    registered = identity(wrong)
    url = reverse("communities:arrival-create")
    step = worker.post(url, form_data(world, id_number=wrong.id_number)).content.decode()
    response = worker.post(url, sent_by(step, "correct_identity"))
    assert response.status_code == 200
    assert response.templates[0].name == "communities/arrival_form.html"
    assert "请更正身份证号" in response.context["form"].errors["id_number"][0]
    assert f'value="{wrong.id_number}"' in response.content.decode()  # the form kept its values
    assert not ArrivalReport.objects.exists()
    corrected = {**sent_by(step), "id_number": right.id_number}
    assert worker.post(url, corrected).status_code == 302
    arrival = ArrivalReport.objects.get()
    assert (arrival.resident, arrival.id_number) == (right, right.id_number)
    assert identity(wrong) == registered and not IdentityChange.objects.exists()
    assert wrong.code == "green" and not wrong.arrivals.exists()


# --- The API ------------------------------------------------------------------------------


def api_body(world, **changes) -> dict:
    return arrival_api_body(world["nodes"]["grid_a"], **{**TYPED, **changes})


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["users"]["grid_worker"])
    return client


def test_the_api_answers_409_with_the_masked_differences_then_201_when_confirmed(api, world):
    resident = world["residents"]["grid_a"]
    old_name, old_phone, _address = identity(resident)
    before = counts()
    body = api_body(world, id_number=resident.id_number)
    response = api.post("/api/v1/arrivals/", body, format="json")
    assert response.status_code == 409
    answer = response.json()
    assert answer["differs"] == {
        "name": {"registered": rules.mask_name(old_name), "typed": TYPED["name"]},
        "phone": {"registered": rules.mask_phone(old_phone), "typed": TYPED["phone"]},
    }
    assert "confirm_identity" in answer["detail"] and "此身份证号已登记为" in answer["detail"]
    assert old_name not in response.content.decode()
    assert counts() == before
    response = api.post("/api/v1/arrivals/", {**body, "confirm_identity": True}, format="json")
    assert response.status_code == 201, response.json()
    arrival = ArrivalReport.objects.get(pk=response.json()["id"])
    assert (arrival.name, arrival.phone, arrival.address) == tuple(TYPED.values())
    assert identity(resident)[:2] == (TYPED["name"], TYPED["phone"])
    assert IdentityChange.objects.get().arrival == arrival


def test_the_api_files_the_same_person_at_once(api, world):
    resident = world["residents"]["grid_a"]
    body = api_body(world, id_number=resident.id_number, name=resident.name, phone=resident.phone)
    assert api.post("/api/v1/arrivals/", body, format="json").status_code == 201
    assert not IdentityChange.objects.exists()


# --- Another grid's person: handed over to their grid, nothing said about them (issue 11) ---


@pytest.mark.parametrize("confirm", [False, True])
def test_a_person_of_another_grid_is_handed_over_without_showing_them(api, worker, world, confirm):
    outsider = world["residents"]["other_grid"]
    registered = identity(outsider)
    body = api_body(world, id_number=outsider.id_number, confirm_identity=confirm)
    response = api.post("/api/v1/arrivals/", body, format="json")
    # no "registered outside your jurisdiction": received, handed to the person's grid
    assert response.status_code == 202
    assert set(response.json()) == {"detail"} and "辖区" not in response.json()["detail"]
    data = form_data(world, id_number=outsider.id_number)
    if confirm:
        data["confirm_identity"] = "1"
    response = worker.post(reverse("communities:arrival-create"), data, follow=True)
    html = response.content.decode()
    assert "辖区之外" not in html and "已移交" in html
    for shown in (outsider.name, rules.mask_name(outsider.name), rules.mask_phone(outsider.phone)):
        assert shown not in html
    assert "是否为同一人" not in html
    assert identity(outsider) == registered  # the person's record is not touched
    # two reports waiting for the person's own grid to verify, tasks of that grid only
    tasks = GridTask.objects.filter(resident=outsider, kind=GridTask.Kind.VERIFY_SELF_REPORT)
    assert tasks.count() == 2
    assert {t.community for t in tasks} == {world["nodes"]["other_community"]}
    assert {t.arrival.state for t in tasks} == {ArrivalReport.State.SUBMITTED}
    assert not access.tasks_for(world["users"]["grid_worker"]).filter(resident=outsider).exists()
    outsider_worker = world["users"]["outsider_grid_worker"]
    assert access.tasks_for(outsider_worker).filter(pk__in=tasks).count() == 2


def test_the_persons_grid_verifies_a_handed_over_report(client, api, world):
    outsider = world["residents"]["other_grid"]
    body = api_body(world, id_number=outsider.id_number, name=outsider.name, phone=outsider.phone)
    assert api.post("/api/v1/arrivals/", body, format="json").status_code == 202
    task = GridTask.objects.get(resident=outsider)
    client.force_login(world["users"]["outsider_grid_worker"])
    url = reverse("tasks:task-verify", args=[task.pk])
    response = client.post(url, {"grid": world["nodes"]["other_grid"].pk})
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and task.arrival.state == ArrivalReport.State.ASSESSED


def test_an_outsider_gets_404_for_a_resident_of_another_grid(client, world):
    client.force_login(world["users"]["outsider_grid_worker"])
    resident = world["residents"]["grid_a"]
    url = reverse("communities:arrival-create")
    assert client.get(url, {"resident": resident.pk}).status_code == 404


# --- Verifying a self-report ------------------------------------------------------------------


def self_report(world, resident: Resident, **typed) -> GridTask:
    arrival = services.self_report_submit(
        community=world["nodes"]["community"],
        id_number=resident.id_number,
        **{**TYPED, **typed},
        stays=[
            {
                "province": "广东省",
                "city": "肇庆市",
                "county": "端州区",
                "start": TODAY - timedelta(days=6),
                "end": TODAY - timedelta(days=2),
            }
        ],
        arrival_date=TODAY - timedelta(days=1),
        landing_point_kind="station",
        landing_point="",
        transport="train",
        abroad_quarantine_days=None,
    )
    return GridTask.objects.get(arrival=arrival)


def test_verifying_a_self_report_with_another_name_asks_to_confirm_first(worker, world):
    resident = world["residents"]["grid_a"]
    task = self_report(world, resident)
    old_name, old_phone, _address = registered = identity(resident)
    before = counts()
    url = reverse("tasks:task-verify", args=[task.pk])
    response = worker.post(url, {"grid": world["nodes"]["grid_a"].pk})
    html = response.content.decode()
    assert response.status_code == 200 and 'data-testid="confirm-identity"' in html
    assert rules.mask_name(old_name) in html and rules.mask_phone(old_phone) in html
    assert old_name not in html and old_phone not in html
    assert counts() == before and identity(resident) == registered
    task.refresh_from_db()
    task.arrival.refresh_from_db()
    assert (task.state, task.arrival.state) == ("open", "submitted")

    response = worker.post(url, sent_by(html, "confirm_identity"), follow=True)
    assert response.redirect_chain[-1][0] == reverse(
        "communities:resident-detail", args=[resident.pk]
    )
    task.refresh_from_db()
    arrival = task.arrival
    arrival.refresh_from_db()
    assert (task.state, arrival.state, arrival.resident) == ("done", "assessed", resident)
    assert (arrival.name, arrival.phone) == (TYPED["name"], TYPED["phone"])
    assert identity(resident)[:2] == (TYPED["name"], TYPED["phone"])
    change = IdentityChange.objects.get()
    assert (change.arrival, change.by) == (arrival, world["users"]["grid_worker"])
    assert change.changes["name"] == [old_name, TYPED["name"]]


def test_verifying_a_self_report_of_the_same_person_needs_no_confirmation(worker, world):
    resident = world["residents"]["grid_a"]
    task = self_report(world, resident, name=resident.name, phone=resident.phone)
    url = reverse("tasks:task-verify", args=[task.pk])
    assert worker.post(url, {"grid": world["nodes"]["grid_a"].pk}).status_code == 302
    task.refresh_from_db()
    assert task.state == "done" and not IdentityChange.objects.exists()


def test_verifying_a_milder_self_report_keeps_the_stricter_code(worker, world):
    resident = world["residents"]["grid_a"]
    arrival_file(resident, place=("吉林省", "吉林市", "丰满区"), days_ago=5)
    task = self_report(world, resident, name=resident.name, phone=resident.phone)
    url = reverse("tasks:task-verify", args=[task.pk])
    response = worker.post(url, {"grid": world["nodes"]["grid_a"].pk}, follow=True)
    assert "比本次研判更严格，保持不变" in response.content.decode()
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R1")
    task.arrival.refresh_from_db()
    assert (task.arrival.decided_code, task.arrival.decided_rule) == ("yellow", "R4")
    assert NucleicAcidTest.objects.filter(arrival=task.arrival).count() == 1


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor"])
def test_outsiders_get_404_on_the_confirmation_of_a_self_report(client, world, role):
    resident = world["residents"]["grid_a"]
    task = self_report(world, resident)
    client.force_login(world["users"][role])
    url = reverse("tasks:task-verify", args=[task.pk])
    data = {"grid": world["nodes"]["other_grid"].pk, "confirm_identity": "1"}
    assert client.get(url).status_code == 404
    assert client.post(url, data).status_code == 404
    assert identity(resident)[0] != TYPED["name"] and not IdentityChange.objects.exists()


def test_a_self_report_for_a_person_of_another_grid_shows_nothing_of_them(worker, world):
    outsider = world["residents"]["other_grid"]
    task = self_report(world, outsider)
    url = reverse("tasks:task-verify", args=[task.pk])
    data = {"grid": world["nodes"]["grid_a"].pk, "confirm_identity": "1"}
    html = worker.post(url, data, follow=True).content.decode()
    assert "已移交" in html and "辖区之外" not in html
    assert rules.mask_name(outsider.name) not in html
    assert rules.mask_phone(outsider.phone) not in html
    assert not IdentityChange.objects.exists()


# --- Where the changes are seen ---------------------------------------------------------------


@pytest.fixture
def changed(world):
    resident = world["residents"]["grid_a"]
    before = identity(resident)
    services.arrival_report_file(
        resident=resident,
        **TYPED,
        confirm_identity=True,
        stays=[],
        arrival_date=TODAY,
        landing_point_kind="airport",
        landing_point="",
        transport="plane",
        abroad_quarantine_days=21,
        source="grid_worker",
        by=world["users"]["grid_worker"],
    )
    return resident, before


def test_the_resident_page_partial_lists_the_changes_masked_unless_full(world, changed):
    resident, (old_name, old_phone, _address) = changed
    context = {"identity_changes": resident.identity_changes.all()}
    masked = render_to_string("communities/partials/identity_changes.html", context)
    assert rules.mask_phone(old_phone) in masked and old_phone not in masked
    assert rules.mask_name(old_name) in masked and rules.mask_name(TYPED["name"]) in masked
    full = render_to_string("communities/partials/identity_changes.html", {**context, "full": True})
    assert old_phone in full and TYPED["phone"] in full and "姓名、手机号变更记录" in full
    empty = render_to_string("communities/partials/identity_changes.html", {"identity_changes": []})
    assert not empty.strip()


def test_the_admin_shows_the_changes_with_the_resident_and_the_arrival(client, world, changed):
    resident, (_name, old_phone, _address) = changed
    client.force_login(world["users"]["superuser"])
    arrival = ArrivalReport.objects.get()
    for url in (
        reverse("admin:communities_resident_change", args=[resident.pk]),
        reverse("admin:communities_arrivalreport_change", args=[arrival.pk]),
        reverse("admin:communities_identitychange_changelist"),
    ):
        html = client.get(url).content.decode()
        assert rules.mask_phone(old_phone) in html, url
        assert f"{rules.mask_phone(old_phone)} → {rules.mask_phone(TYPED['phone'])}" in html
