"""Plausible input only (issue 10): every path that files an arrival (the grid worker's page,
the API, the public self-report, a push's verification) refuses an arrival without travel,
stays outside the 60 days before arrival, an arrival date outside 2020-01-01 .. today and an
ID number born in the future or more than 120 years ago: the field is named, in Chinese,
and nothing is stored."""

from datetime import date, timedelta
from pathlib import Path

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from communities import rules
from communities.models import (
    ArrivalReport,
    ControlMeasure,
    GridTask,
    HealthCodeEvent,
    NucleicAcidTest,
    Resident,
    Stay,
)
from communities.rules.identity import years_before

from .factories import announcement_publish, stay_rows, valid_id_number

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"
TODAY = timezone.localdate()
ARRIVED = TODAY - timedelta(days=1)
STAY = (TODAY - timedelta(days=6), TODAY - timedelta(days=2))  # 吉林省吉林市丰满区: R1
STORED = (ArrivalReport, Stay, Resident, HealthCodeEvent, ControlMeasure, NucleicAcidTest, GridTask)


@pytest.fixture(autouse=True)
def announcement(db):
    return announcement_publish(FIXTURE)


def id_born(birth: date) -> str:
    return rules.make_id_number("140105", birth, 7)


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in STORED}


# (case, changes to a plausible journey, where the API puts the error, where the page puts
# it, the Chinese words). A path is a field, "stays" (the list as a whole) or
# "stays.<row>.<field>".
REFUSALS = [
    (
        "no stay and no first-entry quarantine",
        {"stays": []},
        "stays",
        "stays",
        "至少需要填写一段抵达前14天的旅居史，或境外入境首站隔离天数",
    ),
    (
        "a stay ending after the arrival date",
        {"stays": [(STAY[0], TODAY)]},
        "stays.0.to",
        "stays.0.end",
        "旅居结束日期不能晚于抵达日期",
    ),
    (
        "a stay starting 61 days before arrival",
        {"stays": [(ARRIVED - timedelta(days=61), STAY[1])]},
        "stays.0.from",
        "stays.0.start",
        "旅居开始日期不能早于抵达日期60天以上",
    ),
    (
        "a stay from 0001-01-01 to 9999-12-31",
        {"stays": [(date(1, 1, 1), date(9999, 12, 31))]},
        "stays.0.to",
        "stays.0.end",
        "旅居结束日期不能晚于抵达日期",
    ),
    (
        "an arrival before 2020-01-01",
        {"arrival_date": date(2019, 12, 31)},
        "arrival_date",
        "arrival_date",
        "抵达日期不能早于2020-01-01",
    ),
    (
        "an arrival after today",
        {"arrival_date": TODAY + timedelta(days=1)},
        "arrival_date",
        "arrival_date",
        "抵达日期不能晚于今天",
    ),
    (
        "an ID number born in 2030",
        {"id_number": id_born(date(2030, 1, 1))},
        "id_number",
        "id_number",
        "身份证号中的出生日期晚于今天",
    ),
    (
        "an ID number born more than 120 years ago",
        {"id_number": id_born(years_before(TODAY, 120) - timedelta(days=1))},
        "id_number",
        "id_number",
        "身份证号中的出生日期距今超过120年",
    ),
]
CASES = [pytest.param(*case[1:], id=case[0]) for case in REFUSALS]


def journey(**changes) -> dict:
    values = {
        "name": "王返并",
        "id_number": valid_id_number(),
        "phone": "13912340001",
        "arrival_date": ARRIVED,
        "stays": [STAY],
        "abroad_quarantine_days": None,
    }
    values.update(changes)
    return values


def api_body(world, values: dict) -> dict:
    return {
        "name": values["name"],
        "id_number": values["id_number"],
        "phone": values["phone"],
        "grid": world["nodes"]["grid_a"].pk,
        "arrival_date": str(values["arrival_date"]),
        "landing_point_kind": "station",
        "transport": "train",
        "abroad_quarantine_days": values["abroad_quarantine_days"],
        "stays": [
            {
                "province": "吉林省",
                "city": "吉林市",
                "county": "丰满区",
                "from": str(a),
                "to": str(b),
            }
            for a, b in values["stays"]
        ],
    }


def page_data(values: dict, **extra) -> dict:
    return {
        "name": values["name"],
        "id_number": values["id_number"],
        "phone": values["phone"],
        "address": "通达街9号",
        "arrival_date": str(values["arrival_date"]),
        "landing_point_kind": "station",
        "transport": "train",
        "abroad_quarantine_days": values["abroad_quarantine_days"] or "",
        **stay_rows(values["stays"]),
        **extra,
    }


def api_error(body: dict, path: str) -> list:
    for part in path.split("."):
        body = body[int(part)] if part.isdigit() else body[part]
    return body


def page_error(context, path: str) -> list:
    if path == "stays":
        return list(context["stays"].non_form_errors())
    if path.startswith("stays."):
        _stays, row, field = path.split(".")
        return context["stays"].forms[int(row)].errors[field]
    return context["form"].errors[path]


@pytest.fixture
def api(world):
    client = APIClient()
    client.force_authenticate(world["users"]["grid_worker"])
    return client


@pytest.mark.parametrize(("changes", "api_path", "page_path", "words"), CASES)
def test_the_api_refuses_with_the_field_in_chinese_and_stores_nothing(
    api, world, changes, api_path, page_path, words
):
    before = counts()
    response = api.post("/api/v1/arrivals/", api_body(world, journey(**changes)), format="json")
    assert response.status_code == 400, response.json()
    assert any(words in message for message in api_error(response.json(), api_path))
    assert counts() == before


@pytest.mark.parametrize(("changes", "api_path", "page_path", "words"), CASES)
def test_the_grid_workers_page_refuses_with_the_field_in_chinese_and_stores_nothing(
    client, world, changes, api_path, page_path, words
):
    client.force_login(world["users"]["grid_worker"])
    before = counts()
    data = page_data(journey(**changes), grid=world["nodes"]["grid_a"].pk)
    response = client.post(reverse("communities:arrival-create"), data)
    assert response.status_code == 200
    assert any(words in message for message in page_error(response.context, page_path))
    assert words in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(("changes", "api_path", "page_path", "words"), CASES)
def test_the_public_self_report_refuses_with_the_field_in_chinese_and_stores_nothing(
    client, world, changes, api_path, page_path, words
):
    nodes = world["nodes"]
    before = counts()
    data = page_data(
        journey(**changes),
        district=nodes["district"].pk,
        street=nodes["street"].pk,
        community=nodes["community"].pk,
    )
    response = client.post(reverse("public:report-create"), data)
    assert response.status_code == 200
    assert any(words in message for message in page_error(response.context, page_path))
    assert words in response.content.decode()
    assert counts() == before


@pytest.mark.parametrize(
    "changes",
    [
        pytest.param({"stays": [], "abroad_quarantine_days": 21}, id="from abroad, no stay"),
        pytest.param({"stays": [(ARRIVED - timedelta(days=60), ARRIVED)]}, id="60 days"),
        pytest.param({"id_number": id_born(years_before(TODAY, 120))}, id="aged 120"),
    ],
)
def test_plausible_edges_are_filed_on_the_page_and_by_the_api(api, client, world, changes):
    response = api.post("/api/v1/arrivals/", api_body(world, journey(**changes)), format="json")
    assert response.status_code == 201, response.json()
    client.force_login(world["users"]["grid_worker"])
    values = journey(**{**changes, "id_number": valid_id_number()})
    data = page_data(values, grid=world["nodes"]["grid_a"].pk)
    assert client.post(reverse("communities:arrival-create"), data).status_code == 302
    assert ArrivalReport.objects.count() == 2


@pytest.fixture
def push_task(world):
    from communities import services

    resident = world["residents"]["grid_a"]
    return services.push_receive(
        name="", id_number=resident.id_number, phone="", reason="x", community=None, by=None
    )


@pytest.mark.parametrize(
    ("arrival_date", "stays", "path", "words"),
    [
        pytest.param(
            ARRIVED,
            [(STAY[0], TODAY)],
            "stays.0.end",
            "旅居结束日期不能晚于抵达日期",
            id="ends late",
        ),
        pytest.param(
            "",
            [(STAY[0], TODAY + timedelta(days=1))],
            "stays.0.end",
            "旅居结束日期不能晚于抵达日期",
            id="no arrival date: ends after today",
        ),
        pytest.param(
            ARRIVED, [(date(1, 1, 1), STAY[1])], "stays.0.start", "60天以上", id="starts early"
        ),
        pytest.param(
            date(2019, 12, 31), [], "arrival_date", "抵达日期不能早于2020-01-01", id="in 2019"
        ),
    ],
)
def test_a_push_verified_with_implausible_stays_is_refused_and_stays_open(
    client, world, push_task, arrival_date, stays, path, words
):
    client.force_login(world["users"]["grid_worker"])
    before = counts()
    data = {"note": "电话核实", "arrival_date": str(arrival_date), **stay_rows(stays)}
    response = client.post(reverse("tasks:task-work", args=[push_task.pk]), data)
    assert response.status_code == 200
    assert any(words in message for message in page_error(response.context, path))
    assert counts() == before
    push_task.refresh_from_db()
    assert push_task.state == "open"
