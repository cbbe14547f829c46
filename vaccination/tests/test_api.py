"""/api/v1/doses/, /api/v1/vaccination-products/, /api/v1/boosters-due/: scoped as the
pages, a dose recorded through the service (400 with field errors in Chinese)."""

from datetime import timedelta

from django.utils import timezone

from communities.tests.factories import api_for
from vaccination.models import Dose, Status, VaccinationState

from .conftest import born, full_course, person


def body(resident, **changes):
    return {
        "resident": resident.pk,
        "day": str(timezone.localdate() - timedelta(days=2)),
        "product": "ad5",
        "lot": "202201B001",
        "site": "坞城街道社区卫生服务中心",
        "number": 1,
        **changes,
    }


def test_a_grid_worker_records_a_dose_and_the_status_follows(world):
    resident = world["residents"]["grid_a"]
    response = api_for(world["users"]["grid_worker"]).post(
        "/api/v1/doses/", body(resident), format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["product"] == "ad5"
    assert VaccinationState.objects.get(resident=resident).status == Status.FULL


def test_bad_input_is_a_400_by_field_in_chinese_and_stores_nothing(world):
    resident = world["residents"]["grid_a"]
    client = api_for(world["users"]["grid_worker"])
    response = client.post(
        "/api/v1/doses/", body(resident, day="2099-01-01", number=0), format="json"
    )
    assert response.status_code == 400
    assert "number" in response.json()
    response = client.post("/api/v1/doses/", body(resident, day="2099-01-01"), format="json")
    assert response.status_code == 400
    assert response.json()["day"] == ["接种日期在未来。"]
    response = client.post("/api/v1/doses/", body(resident, product="nothing"), format="json")
    assert response.status_code == 400 and "product" in response.json()
    assert not Dose.objects.exists()


def test_another_grids_resident_is_a_field_error(world):
    response = api_for(world["users"]["outsider_grid_worker"]).post(
        "/api/v1/doses/", body(world["residents"]["grid_a"]), format="json"
    )
    assert response.status_code == 400 and "resident" in response.json()
    assert not Dose.objects.exists()


def test_the_street_supervisor_reads_but_does_not_record(world):
    client = api_for(world["users"]["street_supervisor"])
    assert (
        client.post("/api/v1/doses/", body(world["residents"]["grid_a"]), format="json").status_code
        == 403
    )
    assert client.get("/api/v1/doses/").status_code == 200


def test_the_lists_are_the_callers_own(world):
    mine = person(world["nodes"]["grid_a"], born(40))
    theirs = person(world["nodes"]["other_grid"], born(40))
    full_course(mine, days_ago=300)
    full_course(theirs, days_ago=300)
    worker = api_for(world["users"]["grid_worker"])
    doses = worker.get("/api/v1/doses/").json()["results"]
    assert {d["resident"] for d in doses} == {mine.pk}
    due = worker.get("/api/v1/boosters-due/").json()["results"]
    assert [d["resident"] for d in due] == [mine.pk]
    theirs_dose = Dose.objects.filter(resident=theirs).first()
    assert worker.get(f"/api/v1/doses/{theirs_dose.pk}/").status_code == 404
    assert len(worker.get("/api/v1/vaccination-products/").json()["results"]) == 5
    inspector = api_for(world["users"]["inspector"])
    assert inspector.get("/api/v1/doses/").json()["results"] == []
    assert inspector.get("/api/v1/boosters-due/").json()["results"] == []
    assert inspector.get("/api/v1/vaccination-products/").json()["results"] == []


def test_unknown_fields_control_characters_and_deep_json_are_400s(world):
    resident = world["residents"]["grid_a"]
    client = api_for(world["users"]["grid_worker"])
    misspelt = client.post("/api/v1/doses/", body(resident, boster=True), format="json")
    assert misspelt.status_code == 400 and "boster" in misspelt.json()
    control = client.post("/api/v1/doses/", body(resident, lot="x\n\t1"), format="json")
    assert control.status_code == 400 and "lot" in control.json()
    deep = "[" * 5000 + "]" * 5000
    nested = client.post("/api/v1/doses/", deep, content_type="application/json")
    assert nested.status_code == 400
    assert not Dose.objects.exists()
