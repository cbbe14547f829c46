"""Big-data pushes and venue reports: API, CSV page and the grid worker's task pages."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import GridTask, HealthCodeEvent, VenueReport
from communities.tests.factories import api_for

TODAY = timezone.localdate()
# A push verified by phone: nothing found, no stays.
NO_STAYS = {
    "note": "电话核实，无外出",
    "arrival_date": "",
    "stays-TOTAL_FORMS": "1",
    "stays-INITIAL_FORMS": "0",
    "stays-MIN_NUM_FORMS": "0",
    "stays-MAX_NUM_FORMS": "30",
}


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    """Venue reports are limited per user in the cache: a run of its own, not the
    counts of earlier runs in var/cache."""


def test_push_api_gives_known_residents_yellow_and_tasks(world):
    resident = world["residents"]["grid_a"]
    body = {
        "persons": [
            {"id_number": resident.id_number, "name": resident.name, "reason": "涉疫场所时空伴随"},
            {
                "phone": "13700001111",
                "name": "未登记",
                "reason": "x",
                "community": world["nodes"]["community"].pk,
            },
        ]
    }
    response = api_for(world["users"]["city_office"]).post("/api/v1/pushes/", body, format="json")
    assert response.status_code == 201, response.json()
    assert [row["kind"] for row in response.json()] == ["verify_push", "find_person"]
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("yellow", "R7")


def test_a_bad_row_refuses_the_whole_push(world):
    resident = world["residents"]["grid_a"]
    body = {
        "persons": [
            {"id_number": resident.id_number, "reason": "x"},
            {"phone": "13700001111", "reason": "unknown and no community"},
        ]
    }
    response = api_for(world["users"]["city_office"]).post("/api/v1/pushes/", body, format="json")
    assert response.status_code == 400 and "persons[1]" in response.json()
    assert not GridTask.objects.exists() and not HealthCodeEvent.objects.exists()


@pytest.mark.parametrize(
    ("person", "field"),
    [
        ({"reason": "x"}, "id_number"),
        ({"id_number": "110105194912310021", "reason": "x"}, "id_number"),
        ({"phone": "123", "reason": "x"}, "phone"),
        ({"phone": "13700001111"}, "reason"),
    ],
)
def test_push_rows_are_checked(world, person, field):
    response = api_for(world["users"]["city_office"]).post(
        "/api/v1/pushes/", {"persons": [person]}, format="json"
    )
    assert response.status_code == 400
    assert field in response.json()["persons"]["0"]


def test_grid_workers_do_not_push(world):
    response = api_for(world["users"]["grid_worker"]).post(
        "/api/v1/pushes/", {"persons": [{"phone": "13700001111", "reason": "x"}]}, format="json"
    )
    assert response.status_code == 403


def test_a_district_cannot_place_a_person_in_another_district(world):
    body = {
        "persons": [
            {
                "phone": "13700001111",
                "reason": "x",
                "community": world["nodes"]["other_community"].pk,
            }
        ]
    }
    response = api_for(world["users"]["district_office"]).post(
        "/api/v1/pushes/", body, format="json"
    )
    assert response.status_code == 400 and not GridTask.objects.exists()


def test_venue_report_api_makes_a_task_for_the_persons_grid(world):
    resident = world["residents"]["other_grid"]
    response = api_for(world["users"]["grid_worker"]).post(
        "/api/v1/venue-reports/",
        {
            "id_number": resident.id_number,
            "venue_kind": "shop",
            "venue_name": "通达药房",
            "seen_code": "red",
        },
        format="json",
    )
    assert response.status_code == 201
    assert "id_number" not in response.json() and resident.name not in str(response.json())
    task = GridTask.objects.get(kind="venue_report")
    assert task.community == world["nodes"]["other_community"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"seen_code": "green"}, "seen_code"),
        ({"venue_kind": "ufo"}, "venue_kind"),
        ({"seen_at": "2999-01-01T00:00:00+08:00"}, "seen_at"),
        # without an offset, Shanghai time moves it to year 0 (a 500 before, issue 11)
        ({"seen_at": "0001-01-01T00:00:00"}, "seen_at"),
        ({"id_number": ""}, "id_number"),
    ],
)
def test_venue_report_bad_input(world, changes, field):
    body = {
        "id_number": world["residents"]["grid_a"].id_number,
        "venue_kind": "shop",
        "venue_name": "药房",
        "seen_code": "red",
        **changes,
    }
    response = api_for(world["users"]["grid_worker"]).post(
        "/api/v1/venue-reports/", body, format="json"
    )
    assert response.status_code == 400 and field in response.json()
    assert not VenueReport.objects.exists()


def test_grid_worker_verifies_a_push_on_the_task_page(client, world):
    resident = world["residents"]["grid_a"]
    api_for(world["users"]["city_office"]).post(
        "/api/v1/pushes/",
        {"persons": [{"id_number": resident.id_number, "reason": "x"}]},
        format="json",
    )
    task = GridTask.objects.get()
    client.force_login(world["users"]["grid_worker"])
    url = reverse("tasks:task-work", args=[task.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, NO_STAYS)
    assert response.status_code == 302
    resident.refresh_from_db()
    task.refresh_from_db()
    assert (resident.code, task.state, task.done_by) == (
        "green",
        "done",
        world["users"]["grid_worker"],
    )


def test_an_outsider_gets_404_on_the_task_page(client, world):
    resident = world["residents"]["grid_a"]
    api_for(world["users"]["city_office"]).post(
        "/api/v1/pushes/",
        {"persons": [{"id_number": resident.id_number, "reason": "x"}]},
        format="json",
    )
    task = GridTask.objects.get()
    client.force_login(world["users"]["outsider_grid_worker"])
    assert client.get(reverse("tasks:task-work", args=[task.pk])).status_code == 404
    assert client.post(reverse("tasks:task-work", args=[task.pk]), {"note": "x"}).status_code == 404


def test_closing_a_find_person_task_needs_a_note(client, world):
    api_for(world["users"]["city_office"]).post(
        "/api/v1/pushes/",
        {
            "persons": [
                {"phone": "13700001111", "reason": "x", "community": world["nodes"]["community"].pk}
            ]
        },
        format="json",
    )
    task = GridTask.objects.get()
    client.force_login(world["users"]["grid_worker"])
    url = reverse("tasks:task-work", args=[task.pk])
    client.post(url, {"note": ""})
    task.refresh_from_db()
    assert task.state == "open"
    client.post(url, {"note": "已找到，登记入户"})
    task.refresh_from_db()
    assert task.state == "done"


def test_the_work_list_gathers_every_kind_most_urgent_first(client, world):
    from communities import services
    from communities.models import NucleicAcidTest

    resident = world["residents"]["grid_a"]
    services.push_receive(
        name="", id_number=resident.id_number, phone="", reason="push", community=None, by=None
    )
    NucleicAcidTest.objects.create(resident=resident, kind="landing", due=TODAY - timedelta(days=1))
    client.force_login(world["users"]["grid_worker"])
    items = client.get(reverse("tasks:task-list")).context["items"]
    assert [item.kind for item in items] == ["test", "verify_push"]
    assert items[0].overdue and not items[1].overdue


def upload(client, text, name="push.csv", *, confirm=True):
    """A push file through the import path (transfers): the dry run, then (if it found no
    problem and `confirm`) its storing; the page last shown."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    page = client.post(
        reverse("imports:start", args=["pushes"]),
        {"file": SimpleUploadedFile(name, text.encode("utf-8-sig"))},
        follow=True,
    )
    record = page.context.get("record")
    if confirm and record is not None and record.state == "ready":
        page = client.post(reverse("imports:store", args=[record.pk]), follow=True)
    return page


def test_push_file_creates_tasks(client, world):
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["district_office"])
    text = (
        "id_number,phone,name,reason,community\n"
        f"{resident.id_number},,,涉疫场所,\n"
        ",13700002222,未登记,时空伴随,小店街道/通达街社区\n"
    )
    assert (
        not GridTask.objects.exists()
        and upload(client, text, confirm=False).context["record"].state == "ready"
    )  # a dry run first: nothing yet
    response = upload(client, text)
    assert 'data-testid="import-stored"' in response.content.decode()
    assert set(GridTask.objects.values_list("kind", flat=True)) == {"verify_push", "find_person"}
    resident.refresh_from_db()
    assert resident.code == "yellow"


def test_a_community_of_another_district_is_named_as_outside_the_area(client, world):
    client.force_login(world["users"]["district_office"])
    text = (
        "id_number,phone,name,reason,community\n"
        ",13700002222,未登记,时空伴随,尖草坪街道/尖草坪社区\n"
    )
    html = upload(client, text).content.decode()
    assert "“尖草坪街道/尖草坪社区” 不是您辖区内的社区" in html
    assert "类型错误" not in html
    other = world["nodes"]["other_community"].pk
    response = api_for(world["users"]["district_office"]).post(
        "/api/v1/pushes/",
        {"persons": [{"phone": "13700002222", "reason": "x", "community": other}]},
        format="json",
    )
    assert response.status_code == 400
    assert f"社区编号 {other} 不是您辖区内的社区" in str(response.json())
    assert not GridTask.objects.exists()


def test_a_bad_row_refuses_the_whole_file_naming_it(client, world):
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["district_office"])
    text = f"id_number,phone,reason\n{resident.id_number},,推送\n,123,推送\n"
    response = upload(client, text)
    assert 'data-testid="problems"' in response.content.decode()
    assert [row for row, *_rest in response.context["record"].problems] == [3]
    assert not GridTask.objects.exists()
    resident.refresh_from_db()
    assert resident.code == "green"


def test_push_file_needs_the_reason_column_and_a_push_role(client, world):
    client.force_login(world["users"]["district_office"])
    page = upload(client, "id_number,phone\n,13700002222\n")
    # named as the Chinese page names the column
    assert "缺少：推送原因" in page.content.decode() and not GridTask.objects.exists()
    client.force_login(world["users"]["grid_worker"])
    assert client.get(reverse("imports:start", args=["pushes"])).status_code == 403


def test_push_file_with_chinese_headings_creates_the_same_tasks(client, world):
    """Issue 13: the Chinese page shows Chinese headings, so a file may use them; the
    English keys keep working (test_push_file_creates_tasks)."""
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["district_office"])
    text = (
        "身份证号,手机号码,姓名,推送原因,社区\n"
        f"{resident.id_number},,,涉疫场所,\n"
        ",13700002222,未登记,时空伴随,小店街道/通达街社区\n"
    )
    assert 'data-testid="import-stored"' in upload(client, text).content.decode()
    assert set(GridTask.objects.values_list("kind", flat=True)) == {"verify_push", "find_person"}
    find = GridTask.objects.get(kind="find_person")
    assert (find.subject_name, find.subject_phone, find.reason) == (
        "未登记",
        "13700002222",
        "时空伴随",
    )


def test_the_push_page_names_the_columns_in_chinese(client, world):
    client.force_login(world["users"]["district_office"])
    page = client.get(reverse("imports:start", args=["pushes"]))
    assert [heading for heading, _required in page.context["columns"]] == [
        "推送原因",
        "身份证号",
        "手机号",
        "姓名",
        "社区",
    ]
    html = page.content.decode()
    assert "reason" not in html and "id_number" not in html


def test_a_refused_row_names_its_field_by_the_heading(client, world):
    client.force_login(world["users"]["district_office"])
    response = upload(client, "手机号,推送原因\n123,推送\n")
    [(row, column, value, _message)] = response.context["record"].problems
    assert (row, column, value) == (2, "手机号", "123")


def test_venue_report_page_makes_a_task_and_reveals_nothing(client, world):
    resident = world["residents"]["other_grid"]
    client.force_login(world["users"]["grid_worker"])
    response = client.post(
        reverse("tasks:venue-report"),
        {
            "id_number": resident.id_number,
            "venue_kind": "station",
            "venue_name": "太原南站",
            "seen_code": "yellow",
            "note": "",
        },
        follow=True,
    )
    assert resident.name not in response.content.decode()
    task = GridTask.objects.get(kind="venue_report")
    assert task.community == world["nodes"]["other_community"]


def test_venue_report_page_refuses_bad_input(client, world):
    client.force_login(world["users"]["grid_worker"])
    for data in (
        {"venue_kind": "shop", "venue_name": "药房", "seen_code": "red"},
        {"id_number": "110105194912310022", "venue_kind": "shop", "venue_name": "药房"},
        {"phone": "13700009999", "venue_kind": "shop", "venue_name": "药房", "seen_code": "green"},
    ):
        assert client.post(reverse("tasks:venue-report"), data).status_code == 200
    assert not VenueReport.objects.exists()


# --- Issue 11: a task about a resident belongs to that resident's grid -------------------


def grid_b_worker(world):
    from communities.models import User

    from .factories import UserFactory

    return UserFactory(
        role=User.Role.GRID_WORKER,
        jurisdiction=world["nodes"]["community"],
        grids=[world["nodes"]["grid_b"]],
    )


def tasks_about_grid_a(world):
    """A push (R7 yellow) and a venue report about grid_a's resident, and a person to find
    in the community."""
    from communities import services

    resident = world["residents"]["grid_a"]
    push = services.push_receive(
        name="", id_number=resident.id_number, phone="", reason="push", community=None, by=None
    )
    services.venue_report_file(
        id_number=resident.id_number,
        phone="",
        community=world["nodes"]["community"],
        venue_kind="shop",
        venue_name="超市",
        seen_code="red",
        seen_at=timezone.now(),
        note="",
        by=None,
    )
    venue = GridTask.objects.get(kind=GridTask.Kind.VENUE_REPORT)
    find = services.push_receive(
        name="未登记",
        id_number="",
        phone="13700001111",
        reason="find",
        community=world["nodes"]["community"],
        by=None,
    )
    return push, venue, find


def test_a_grid_worker_of_another_grid_gets_404_on_a_residents_tasks(client, world):
    push, venue, _find = tasks_about_grid_a(world)
    resident = world["residents"]["grid_a"]
    client.force_login(grid_b_worker(world))
    for task in (push, venue):
        url = reverse("tasks:task-work", args=[task.pk])
        assert client.get(url).status_code == 404
        assert client.post(url, NO_STAYS).status_code == 404
    push.refresh_from_db()
    venue.refresh_from_db()
    resident.refresh_from_db()
    assert (push.state, venue.state) == ("open", "open")
    assert (resident.code, resident.code_rule) == ("yellow", "R7")


def test_the_work_list_shows_only_tasks_of_ones_own_grids_and_the_communitys(client, world):
    *_, find = tasks_about_grid_a(world)
    client.force_login(grid_b_worker(world))
    page = client.get(reverse("tasks:task-list"))
    urls = {item.url for item in page.context["items"]}
    assert urls == {reverse("tasks:task-work", args=[find.pk])}
    assert world["residents"]["grid_a"].name not in page.content.decode()


def test_tasks_without_a_resident_belong_to_every_grid_worker_of_the_community(world):
    from communities import access, services

    push, venue, find = tasks_about_grid_a(world)
    arrival = services.self_report_submit(
        community=world["nodes"]["community"],
        name="自报",
        id_number="140105199001011234",
        phone="13800001234",
        address="",
        stays=[],
        arrival_date=TODAY,
        landing_point_kind="station",
        landing_point="太原南站",
        transport="train",
        abroad_quarantine_days=None,
    )
    self_report = GridTask.objects.get(arrival=arrival)
    own = set(access.tasks_for(world["users"]["grid_worker"]))
    assert own == {push, venue, find, self_report}
    assert set(access.tasks_for(grid_b_worker(world))) == {find, self_report}
    assert not access.tasks_for(world["users"]["outsider_grid_worker"]).exists()
    for staff in ("community_staff", "street_supervisor", "district_office", "city_office"):
        assert set(access.tasks_for(world["users"][staff])) == own
    assert not access.tasks_for(world["users"]["outsider_supervisor"]).exists()
