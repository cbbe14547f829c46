"""Filing arrivals (API and the grid worker's page) assesses them at once."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from communities import rules
from communities.models import (
    ArrivalReport,
    ControlMeasure,
    HealthCodeEvent,
    IdentityChange,
    NucleicAcidTest,
    PersonalDataView,
    Resident,
)

from .factories import announcement_publish, arrival_file, valid_id_number

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def announcement(db):
    return announcement_publish(FIXTURE)


def jilin_stay(**changes):
    return {
        "province": "吉林省",
        "city": "吉林市",
        "county": "船营区",
        "street": "北京路街道",
        "area": "某某小区",
        "from": str(TODAY - timedelta(days=8)),
        "to": str(TODAY - timedelta(days=2)),
        **changes,
    }


def payload(world, **changes):
    return {
        "name": "李旅客",
        "id_number": valid_id_number(),
        "phone": "13912340000",
        "address": "通达街8号",
        "grid": world["nodes"]["grid_a"].pk,
        "arrival_date": str(TODAY - timedelta(days=1)),
        "landing_point_kind": "station",
        "landing_point": "太原南站",
        "transport": "train",
        "stays": [jilin_stay()],
        **changes,
    }


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["users"]["grid_worker"])
    return client


def test_api_filing_assigns_red_with_14_plus_7_and_schedules_the_landing_test(api, world):
    response = api.post("/api/v1/arrivals/", payload(world), format="json")
    assert response.status_code == 201, response.json()
    decision = response.json()["decision"]
    assert (decision["code"], decision["rule"]) == ("red", "R1")
    assert [p["days"] for p in decision["measure"]] == [14, 7]
    resident = Resident.objects.get(name="李旅客")
    assert (resident.code, resident.code_rule) == ("red", "R1")
    measure = ControlMeasure.objects.get(resident=resident, state="active")
    assert measure.start == TODAY - timedelta(days=1)
    assert measure.release_due == TODAY - timedelta(days=1) + timedelta(days=21)
    (test,) = NucleicAcidTest.objects.filter(resident=resident)
    assert (test.kind, test.due) == ("landing", TODAY - timedelta(days=1))
    (event,) = HealthCodeEvent.objects.filter(resident=resident)
    assert (event.kind, event.from_code, event.to_code, event.actor) == (
        "assign",
        "green",
        "red",
        world["users"]["grid_worker"],
    )


def test_a_known_id_number_with_the_same_name_and_phone_opens_the_existing_person(api, world):
    resident = world["residents"]["grid_a"]
    body = payload(world, id_number=resident.id_number, name=resident.name, phone=resident.phone)
    assert api.post("/api/v1/arrivals/", body, format="json").status_code == 201
    assert Resident.objects.filter(id_number=resident.id_number).count() == 1
    resident.refresh_from_db()
    assert resident.code == "red" and not IdentityChange.objects.exists()


def test_a_person_of_another_grid_is_handed_over_not_filed(api, world):
    outsider = world["residents"]["other_grid"]
    response = api.post(
        "/api/v1/arrivals/", payload(world, id_number=outsider.id_number), format="json"
    )
    assert response.status_code == 202 and set(response.json()) == {"detail"}
    (report,) = ArrivalReport.objects.all()
    assert report.state == ArrivalReport.State.SUBMITTED and report.resident == outsider
    outsider.refresh_from_db()
    assert outsider.code_events.count() == 0  # decided by the person's grid on verifying


def test_a_grid_outside_the_workers_grids_is_refused(api, world):
    response = api.post(
        "/api/v1/arrivals/", payload(world, grid=world["nodes"]["grid_b"].pk), format="json"
    )
    assert response.status_code == 400 and "grid" in response.json()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"phone": "1391234"}, "phone"),
        ({"arrival_date": str(TODAY + timedelta(days=1))}, "arrival_date"),
        (
            {"stays": [jilin_stay(**{"from": str(TODAY), "to": str(TODAY - timedelta(days=3))})]},
            "stays",
        ),
        ({"transport": "rocket"}, "transport"),
        ({"name": "名" * 51}, "name"),
        ({"stays": [jilin_stay(**{"from": str(TODAY), "to": str(TODAY)})]}, "stays"),
    ],
)
def test_bad_input_is_400_and_stores_nothing(api, world, changes, field):
    response = api.post("/api/v1/arrivals/", payload(world, **changes), format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ArrivalReport.objects.exists()
    assert Resident.objects.count() == 3


def test_inspectors_do_not_file_arrivals(world):
    client = APIClient()
    client.force_authenticate(world["users"]["inspector"])
    assert client.post("/api/v1/arrivals/", payload(world), format="json").status_code == 403


def test_residents_api_is_scoped_masked_and_filtered(world):
    client = APIClient()
    client.force_authenticate(world["users"]["grid_worker"])
    rows = client.get("/api/v1/residents/").json()["results"]
    resident = world["residents"]["grid_a"]
    assert [r["id"] for r in rows] == [resident.pk]
    assert rows[0]["id_number"] == resident.id_number[:6] + "********" + resident.id_number[-4:]
    assert rows[0]["phone"].count("*") == 4
    outsider = world["residents"]["other_grid"]
    assert client.get(f"/api/v1/residents/{outsider.pk}/").status_code == 404
    found = client.get("/api/v1/residents/", {"id_number": resident.id_number}).json()
    assert found["count"] == 1
    assert client.get("/api/v1/residents/", {"code": "red"}).json()["count"] == 0
    assert client.get("/api/v1/residents/", {"code": "purple"}).status_code == 400


def test_residents_api_for_the_district(world):
    client = APIClient()
    client.force_authenticate(world["users"]["district_office"])
    assert client.get("/api/v1/residents/").json()["count"] == 2
    grid_b = world["nodes"]["grid_b"].pk
    assert client.get("/api/v1/residents/", {"grid": grid_b}).json()["count"] == 1


def form_data(world, **changes):
    data = {
        "name": "王返并",
        "id_number": valid_id_number(),
        "phone": "13912340001",
        "address": "通达街9号",
        "grid": world["nodes"]["grid_a"].pk,
        "arrival_date": str(TODAY - timedelta(days=1)),
        "landing_point_kind": "station",
        "landing_point": "太原南站",
        "transport": "train",
        "stays-TOTAL_FORMS": "1",
        "stays-INITIAL_FORMS": "0",
        "stays-MIN_NUM_FORMS": "0",
        "stays-MAX_NUM_FORMS": "30",
        "stays-0-province": "吉林省",
        "stays-0-city": "吉林市",
        "stays-0-county": "丰满区",
        "stays-0-street": "",
        "stays-0-area": "",
        "stays-0-start": str(TODAY - timedelta(days=6)),
        "stays-0-end": str(TODAY - timedelta(days=2)),
    }
    data.update(changes)
    return data


def test_grid_worker_files_on_the_page_and_sees_red(client, world):
    client.force_login(world["users"]["grid_worker"])
    response = client.post(reverse("communities:arrival-create"), form_data(world), follow=True)
    html = response.content.decode()
    resident = Resident.objects.get(name="王返并")
    assert response.redirect_chain[-1][0] == reverse(
        "communities:resident-detail", args=[resident.pk]
    )
    assert resident.code == "red" and "红码" in html and "14+7" in html


def test_the_page_refuses_bad_input_in_chinese_and_stores_nothing(client, world):
    client.force_login(world["users"]["grid_worker"])
    data = form_data(
        world, id_number="110105194912310021", **{"stays-0-end": str(TODAY - timedelta(days=9))}
    )
    html = client.post(reverse("communities:arrival-create"), data).content.decode()
    assert "校验位不正确" in html and "旅居结束日期不能早于开始日期" in html
    assert not ArrivalReport.objects.exists()


def test_stay_row_partial_has_the_next_index(client, world):
    client.force_login(world["users"]["grid_worker"])
    html = client.get(reverse("communities:stay-row"), {"index": "3"}).content.decode()
    assert 'name="stays-3-province"' in html


def test_full_personal_data_is_shown_and_recorded_for_the_grid_worker(client, world):
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["grid_worker"])
    html = client.get(reverse("communities:resident-detail", args=[resident.pk])).content.decode()
    assert resident.id_number in html
    assert (
        PersonalDataView.objects.filter(
            resident=resident, user=world["users"]["grid_worker"]
        ).count()
        == 1
    )


def test_street_supervisor_sees_the_detail_masked_and_nothing_is_recorded(client, world):
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["street_supervisor"])
    html = client.get(reverse("communities:resident-detail", args=[resident.pk])).content.decode()
    assert resident.id_number not in html
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor", "inspector"])
def test_outsiders_get_404_on_the_resident_page(client, world, role):
    client.force_login(world["users"][role])
    url = reverse("communities:resident-detail", args=[world["residents"]["grid_a"].pk])
    assert client.get(url).status_code == 404


def test_resident_list_is_masked_and_pinned(client, world, django_assert_num_queries):
    client.force_login(world["users"]["community_staff"])
    # session, user, node, count, the page's keys, its rows, measures, tests
    with django_assert_num_queries(8):
        html = client.get(reverse("communities:resident-list")).content.decode()
    resident = world["residents"]["grid_a"]
    assert resident.id_number not in html and resident.name in html
    assert world["residents"]["other_grid"].name not in html


def test_dry_run_page_shows_the_decision_and_stores_nothing(client, world):
    client.force_login(world["users"]["grid_worker"])
    data = {k: v for k, v in form_data(world).items() if k.startswith("stays-")}
    data["arrival_date"] = str(TODAY - timedelta(days=1))
    html = client.post(reverse("communities:assessment"), data).content.decode()
    assert "R1" in html and "红码" in html and "14+7" in html
    assert not ArrivalReport.objects.exists()


# --- A new arrival never makes a code milder --------------------------------------------------

ZHAOQING = ("广东省", "肇庆市", "端州区")  # an epidemic city: yellow, R4
FENGMAN = ("吉林省", "吉林市", "丰满区")  # a high-risk county: red, R1 "14+7"
FOSHAN = ("广东省", "佛山市", "禅城区")  # a case county: red, R3 "7+5"
BEIJING = ("北京市", "北京市", "东城区")  # named by no announcement: green, R0


@pytest.mark.parametrize("milder", [ZHAOQING, FOSHAN, BEIJING])
def test_a_milder_arrival_keeps_the_residents_code_and_measure(world, milder):
    resident = world["residents"]["grid_a"]
    worker = world["users"]["grid_worker"]
    first = arrival_file(resident, place=FENGMAN, days_ago=5, by=worker)
    measure = ControlMeasure.objects.get(resident=resident, state="active")
    second = arrival_file(resident, place=milder, days_ago=1, by=worker)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R1")
    assert list(ControlMeasure.objects.filter(resident=resident)) == [measure]
    assert measure.arrival == first and measure.state == "active"
    assert HealthCodeEvent.objects.filter(resident=resident).count() == 1
    second.refresh_from_db()
    assert (second.decided_code, second.decided_rule) != ("red", "R1")
    assert second.decision["rule"] == second.decided_rule  # its own decision, kept
    tests = NucleicAcidTest.objects.filter(arrival=second)
    assert [(t.kind, t.due) for t in tests] == [("landing", TODAY - timedelta(days=1))]


def test_a_stricter_arrival_replaces_the_milder_code_and_measure(world):
    resident = world["residents"]["grid_a"]
    arrival_file(resident, place=FOSHAN, days_ago=5)
    milder = ControlMeasure.objects.get(resident=resident, state="active")
    second = arrival_file(resident, place=FENGMAN, days_ago=1)
    resident.refresh_from_db()
    milder.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R1")
    assert milder.state == "replaced"
    assert ControlMeasure.objects.get(resident=resident, state="active").arrival == second


def test_a_green_resident_takes_the_arrivals_decision_even_r0(world):
    resident = world["residents"]["grid_a"]
    arrival_file(resident, place=BEIJING)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("green", "R0")
    arrival_file(resident, place=ZHAOQING)
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("yellow", "R4")
    assert NucleicAcidTest.objects.filter(resident=resident, kind="followup").count() == 2


def test_the_page_says_that_a_stricter_code_was_kept(client, world):
    resident = world["residents"]["grid_a"]
    arrival_file(resident, place=FENGMAN, days_ago=5)
    client.force_login(world["users"]["grid_worker"])
    data = form_data(
        world,
        name=resident.name,
        id_number=resident.id_number,
        phone=resident.phone,
        **{"stays-0-city": "肇庆市", "stays-0-province": "广东省", "stays-0-county": "端州区"},
    )
    response = client.post(reverse("communities:arrival-create"), data, follow=True)
    html = response.content.decode()
    assert "R4" in html and "比本次研判更严格，保持不变" in html
    resident.refresh_from_db()
    assert (resident.code, resident.code_rule) == ("red", "R1")
    assert resident.arrivals.count() == 2


# --- Issue 11: the arrival form filled in for a registered resident --------------------------


def prefill(client, resident):
    url = reverse("communities:arrival-create")
    return client.get(url, {"resident": resident.pk})


def test_the_prefill_is_masked_for_the_street_supervisor_and_nothing_is_recorded(client, world):
    resident = world["residents"]["grid_a"]
    client.force_login(world["users"]["street_supervisor"])
    response = prefill(client, resident)
    html = response.content.decode()
    assert response.status_code == 200
    assert resident.id_number not in html and resident.phone not in html
    assert rules.mask_id_number(resident.id_number) in html
    assert rules.mask_phone(resident.phone) in html
    assert not PersonalDataView.objects.exists()


def test_the_prefill_is_full_and_recorded_for_the_grid_worker_who_files_without_a_confirmation(
    client, world
):
    resident = world["residents"]["grid_a"]
    worker = world["users"]["grid_worker"]
    client.force_login(worker)
    form = prefill(client, resident).context["form"]
    assert PersonalDataView.objects.filter(resident=resident, user=worker).count() == 1
    assert (form["id_number"].value(), form["phone"].value()) == (
        resident.id_number,
        resident.phone,
    )
    data = form_data(
        world,
        **{name: form[name].value() for name in ("name", "id_number", "phone", "address")},
    )
    url = f"{reverse('communities:arrival-create')}?resident={resident.pk}"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    assert ArrivalReport.objects.get().resident == resident
    assert PersonalDataView.objects.count() == 1  # filing shows nothing more


@pytest.mark.parametrize(
    ("role", "grid"), [("grid_worker", "grid_b"), ("outsider_supervisor", "grid_a")]
)
def test_the_prefill_of_someone_elses_resident_is_404(client, world, role, grid):
    client.force_login(world["users"][role])
    assert prefill(client, world["residents"][grid]).status_code == 404
    assert not PersonalDataView.objects.exists()
