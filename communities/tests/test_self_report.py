"""The public self-report (no sign-in) and the grid worker's verification of it."""

from datetime import timedelta
from pathlib import Path
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from communities import services, views_public
from communities.models import (
    ArrivalReport,
    ControlMeasure,
    GridTask,
    HealthCodeEvent,
    PersonalDataView,
    Resident,
    Stay,
)

from .factories import JurisdictionFactory, announcement_publish, valid_id_number

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "demo_announcement.json"
TODAY = timezone.localdate()


@pytest.fixture(autouse=True)
def announcement(db):
    return announcement_publish(FIXTURE)


@pytest.fixture(autouse=True)
def _own_cache(own_cache):
    """A file cache of the test's own (conftest.own_cache): the rate limits count there."""


def form_data(world, **changes):
    nodes = world["nodes"]
    data = {
        "name": "赵报备",
        "id_number": valid_id_number(),
        "phone": "13912340002",
        "district": nodes["district"].pk,
        "street": nodes["street"].pk,
        "community": nodes["community"].pk,
        "address": "通达街10号",
        "arrival_date": str(TODAY - timedelta(days=1)),
        "landing_point_kind": "station",
        "landing_point": "太原南站",
        "transport": "train",
        "abroad_quarantine_days": "",
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


def submit(client, world, **changes):
    return client.post(reverse("public:report-create"), form_data(world, **changes))


def in_chinese(message) -> str:
    with translation.override("zh-hans"):
        return str(message)


# --- The public form -------------------------------------------------------------------------


def test_anonymous_sees_the_form_with_the_citys_districts(client, world):
    response = client.get(reverse("public:report-create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "小店区" in html and "尖草坪区" in html
    assert reverse("public:stay-row") in html and reverse("communities:stay-row") not in html


def test_anonymous_report_is_stored_as_submitted_with_a_task_and_no_resident(client, world):
    data = form_data(world)
    response = client.post(reverse("public:report-create"), data)
    assert response.status_code == 302
    assert response.url.startswith(reverse("public:report-thanks") + "?t=")
    arrival = ArrivalReport.objects.get()
    assert (arrival.state, arrival.source, arrival.community) == (
        "submitted",
        "self",
        world["nodes"]["community"],
    )
    assert (arrival.name, arrival.id_number, arrival.resident) == (
        "赵报备",
        data["id_number"],
        None,
    )
    assert [(s.county, s.start) for s in Stay.objects.filter(arrival=arrival)] == [
        ("丰满区", TODAY - timedelta(days=6))
    ]
    task = GridTask.objects.get()
    assert (task.state, task.community, task.arrival) == ("open", arrival.community, arrival)
    assert Resident.objects.count() == 3  # the world's, no new one


def test_thank_you_page_shows_no_personal_data_or_decision(client, world):
    response = client.post(reverse("public:report-create"), form_data(world), follow=True)
    html = response.content.decode()
    assert "24" in html and 'data-testid="thanks"' in html
    # the page's own text: the CSRF token in the body's htmx headers is random letters
    # and digits, and sometimes holds "R1"
    main = html.split("<main", 1)[1].split("</main>", 1)[0]
    assert "赵报备" not in main and "红码" not in main and "R1" not in main


def test_lowercase_x_in_the_id_number_is_stored_uppercase(client, world):
    id_number = next(n for n in iter(valid_id_number, None) if n.endswith("X"))
    assert submit(client, world, id_number=id_number.lower()).status_code == 302
    assert ArrivalReport.objects.get().id_number == id_number


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"id_number": "110105194912310021"}, "校验位不正确"),
        ({"phone": "1391234"}, "请输入11位手机号码"),
        ({"arrival_date": str(TODAY + timedelta(days=1))}, "抵达日期不能晚于今天"),
        ({"stays-0-end": str(TODAY - timedelta(days=9))}, "旅居结束日期不能早于开始日期"),
        ({"arrival_date": str(TODAY - timedelta(days=8))}, "有旅居的开始日期晚于抵达日期"),
        ({"address": ""}, "该字段是必填项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_stores_nothing(client, world, changes, message):
    response = submit(client, world, **changes)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ArrivalReport.objects.exists() and not GridTask.objects.exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        # a community of another street (and district)
        (lambda n: {"community": n["other_community"].pk}, "community"),
        # a street of another district, with its own community
        (
            lambda n: {"street": n["other_street"].pk, "community": n["other_community"].pk},
            "street",
        ),
        # a grid or a street id in the community select
        (lambda n: {"community": n["grid_a"].pk}, "community"),
        (lambda n: {"community": n["street"].pk}, "community"),
    ],
)
def test_a_place_outside_the_chosen_one_is_refused_and_stores_nothing(
    client, world, changes, field
):
    response = submit(client, world, **changes(world["nodes"]))
    assert response.status_code == 200
    assert response.context["form"].has_error(field)
    assert "选择一个有效的选项" in response.content.decode()
    assert not ArrivalReport.objects.exists() and not GridTask.objects.exists()


def test_english_speakers_get_english_errors(client, world):
    response = client.post(
        reverse("public:report-create"),
        form_data(world, arrival_date=str(TODAY + timedelta(days=1))),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "The arrival date cannot be after today." in response.content.decode()


def test_the_public_stay_row_needs_no_sign_in(client, db):
    html = client.get(reverse("public:stay-row"), {"index": "3"}).content.decode()
    assert 'name="stays-3-province"' in html
    html = client.get(reverse("public:stay-row"), {"index": "x"}).content.decode()
    assert 'name="stays-0-province"' in html
    html = client.get(reverse("public:stay-row"), {"index": "99"}).content.decode()
    assert 'name="stays-29-province"' in html and 'name="stays-29-DELETE"' in html


# --- Rate limits ---------------------------------------------------------------------------


def test_sixth_report_from_one_address_in_an_hour_is_429_and_not_stored(client, world):
    for _ in range(views_public.IP_LIMIT):
        assert submit(client, world).status_code == 302
    response = submit(client, world)
    assert response.status_code == 429
    expected = in_chinese(views_public.IP_LIMIT_MESSAGE % {"n": views_public.IP_LIMIT})
    assert expected in response.content.decode()
    assert ArrivalReport.objects.count() == views_public.IP_LIMIT
    assert GridTask.objects.count() == views_public.IP_LIMIT
    other = client.post(reverse("public:report-create"), form_data(world), REMOTE_ADDR="10.0.0.2")
    assert other.status_code == 302


def test_fourth_report_for_one_id_number_in_a_day_is_429_and_not_stored(client, world):
    id_number = valid_id_number()
    for _ in range(views_public.ID_LIMIT):
        assert submit(client, world, id_number=id_number).status_code == 302
    response = submit(client, world, id_number=id_number)
    assert response.status_code == 429
    expected = in_chinese(views_public.ID_LIMIT_MESSAGE % {"n": views_public.ID_LIMIT})
    assert expected in response.content.decode()
    assert ArrivalReport.objects.filter(id_number=id_number).count() == views_public.ID_LIMIT
    # the refused attempt did not use up one of the address's five reports
    for _ in range(views_public.IP_LIMIT - views_public.ID_LIMIT):
        assert submit(client, world).status_code == 302
    assert submit(client, world).status_code == 429


def test_refused_input_does_not_count_against_the_limit(client, world):
    for _ in range(views_public.IP_LIMIT + 1):
        assert submit(client, world, id_number="110105194912310021").status_code == 200
    assert submit(client, world).status_code == 302


def test_the_limits_hold_for_an_hour_and_a_day(client, world):
    id_number = valid_id_number()
    for _ in range(views_public.ID_LIMIT):
        assert submit(client, world, id_number=id_number).status_code == 302
    in_59_minutes = timezone.now() + timedelta(minutes=59)
    with mock.patch("time.time", return_value=in_59_minutes.timestamp()):
        assert submit(client, world, id_number=id_number).status_code == 429
    in_25_hours = timezone.now() + timedelta(hours=25)
    with mock.patch("time.time", return_value=in_25_hours.timestamp()):
        assert submit(client, world, id_number=id_number).status_code == 302


# --- The cascading selects -----------------------------------------------------------------


def options(client, name, **params):
    response = client.get(reverse(f"public:{name}"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_street_options_are_the_districts_streets_only(client, world):
    nodes = world["nodes"]
    html = options(client, "street-options", district=nodes["district"].pk)
    assert f'value="{nodes["street"].pk}"' in html and nodes["other_street"].name not in html
    assert html.count("<option") == 2  # the empty choice and 小店街道


def test_community_options_are_the_streets_communities_only(client, world):
    nodes = world["nodes"]
    html = options(
        client, "community-options", district=nodes["district"].pk, street=nodes["street"].pk
    )
    assert f'value="{nodes["community"].pk}"' in html and "尖草坪社区" not in html
    assert html.count("<option") == 2
    # without the district the street alone decides
    html = options(client, "community-options", street=nodes["street"].pk)
    assert f'value="{nodes["community"].pk}"' in html


def test_options_ignore_other_trees_wrong_levels_and_junk(client, world):
    nodes = world["nodes"]
    other_city = JurisdictionFactory(name="大同市", level="city", parent=None)
    far_district = JurisdictionFactory(name="平城区", level="district", parent=other_city)
    far_street = JurisdictionFactory(name="南关街道", level="street", parent=far_district)
    JurisdictionFactory(name="南关社区", level="community", parent=far_street)
    for district in (
        far_district.pk,
        nodes["city"].pk,
        nodes["street"].pk,
        nodes["community"].pk,
        "abc",
        "",
    ):
        html = options(client, "street-options", district=district)
        assert html.count("<option") == 1, district
    for street, district in [
        (far_street.pk, far_district.pk),
        (far_street.pk, ""),
        (nodes["district"].pk, nodes["city"].pk),
        (nodes["community"].pk, nodes["district"].pk),
        (nodes["street"].pk, nodes["other_district"].pk),  # not that district's street
        ("abc", nodes["district"].pk),
    ]:
        html = options(client, "community-options", street=street, district=district)
        assert html.count("<option") == 1, (street, district)
    html = client.get(reverse("public:report-create")).content.decode()
    assert "平城区" not in html


# --- The grid worker's side ----------------------------------------------------------------


@pytest.fixture
def reported(client, world):
    """A self-report with a stay in 吉林省吉林市丰满区 five days ago, and its task."""
    assert submit(client, world).status_code == 302
    return GridTask.objects.select_related("arrival").get()


def test_grid_worker_sees_the_task_masked_with_its_preview(client, world, reported):
    client.force_login(world["users"]["grid_worker"])
    html = client.get(reverse("tasks:task-list")).content.decode()
    arrival = reported.arrival
    assert arrival.name in html and arrival.id_number not in html
    assert arrival.id_number[:6] + "********" + arrival.id_number[-4:] in html
    assert "红码" in html and "R1" in html
    assert reverse("tasks:task-verify", args=[reported.pk]) in html


def test_grid_worker_verifies_and_the_person_gets_red_r1_with_14_plus_7(client, world, reported):
    worker = world["users"]["grid_worker"]
    client.force_login(worker)
    url = reverse("tasks:task-verify", args=[reported.pk])
    page = client.get(url).content.decode()
    assert "R1" in page and "14+7" in page and reported.arrival.id_number in page
    response = client.post(url, {"grid": world["nodes"]["grid_a"].pk}, follow=True)
    resident = Resident.objects.get(id_number=reported.arrival.id_number)
    assert response.redirect_chain[-1][0] == reverse(
        "communities:resident-detail", args=[resident.pk]
    )
    assert "14+7" in response.content.decode()
    assert (resident.grid, resident.code, resident.code_rule) == (
        world["nodes"]["grid_a"],
        "red",
        "R1",
    )
    measure = ControlMeasure.objects.get(resident=resident, state="active")
    assert [p["days"] for p in measure.phases] == [14, 7]
    reported.refresh_from_db()
    assert (reported.state, reported.done_by) == ("done", worker)
    arrival = reported.arrival
    arrival.refresh_from_db()
    assert (arrival.state, arrival.resident) == ("assessed", resident)


def test_a_second_verification_is_refused(client, world, reported):
    client.force_login(world["users"]["grid_worker"])
    url = reverse("tasks:task-verify", args=[reported.pk])
    client.post(url, {"grid": world["nodes"]["grid_a"].pk})
    response = client.post(url, {"grid": world["nodes"]["grid_a"].pk}, follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == url
    assert "该报备已核实" in html and 'data-testid="task-done"' in html
    assert '<form method="post" novalidate>' not in html
    assert ControlMeasure.objects.count() == 1
    assert HealthCodeEvent.objects.count() == 1


def test_only_the_workers_own_grids_of_the_community_are_offered(client, world, reported):
    client.force_login(world["users"]["grid_worker"])
    url = reverse("tasks:task-verify", args=[reported.pk])
    response = client.post(url, {"grid": world["nodes"]["grid_b"].pk})
    assert response.status_code == 200 and response.context["form"].has_error("grid")
    assert list(response.context["form"].fields["grid"].queryset) == [world["nodes"]["grid_a"]]
    assert not Resident.objects.filter(id_number=reported.arrival.id_number).exists()
    client.force_login(world["users"]["community_staff"])
    form = client.get(url).context["form"]
    assert set(form.fields["grid"].queryset) == {world["nodes"]["grid_a"], world["nodes"]["grid_b"]}


def test_a_person_registered_outside_the_workers_grids_is_handed_to_their_grid(client, world):
    outsider = world["residents"]["other_grid"]
    assert submit(client, world, id_number=outsider.id_number).status_code == 302
    task = GridTask.objects.get()
    client.force_login(world["users"]["grid_worker"])
    url = reverse("tasks:task-verify", args=[task.pk])
    response = client.post(url, {"grid": world["nodes"]["grid_a"].pk}, follow=True)
    html = response.content.decode()
    assert "已移交" in html and "辖区之外" not in html and outsider.name not in html
    task.refresh_from_db()
    assert task.state == "open" and task.resident == outsider
    assert task.community == world["nodes"]["other_community"]
    assert client.get(url).status_code == 404  # no longer this grid worker's
    # the person's own grid verifies it
    client.force_login(world["users"]["outsider_grid_worker"])
    data = {"grid": world["nodes"]["other_grid"].pk, "confirm_identity": "1"}
    assert client.post(url, data).status_code == 302
    task.refresh_from_db()
    assert task.state == "done"


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor", "inspector"])
def test_outsiders_get_404_and_an_empty_list(client, world, reported, role):
    client.force_login(world["users"][role])
    url = reverse("tasks:task-verify", args=[reported.pk])
    assert client.get(url).status_code == 404
    assert client.post(url, {"grid": world["nodes"]["other_grid"].pk}).status_code == 404
    html = client.get(reverse("tasks:task-list")).content.decode()
    assert reported.arrival.name not in html
    reported.refresh_from_db()
    assert reported.state == "open"


def test_each_view_of_the_verification_page_records_the_full_data_shown(client, world, reported):
    worker = world["users"]["grid_worker"]
    client.force_login(worker)
    url = reverse("tasks:task-verify", args=[reported.pk])
    html = client.get(url).content.decode()
    assert reported.arrival.id_number in html and reported.arrival.phone in html
    view = PersonalDataView.objects.get()
    assert (view.user, view.task, view.arrival, view.resident) == (
        worker,
        reported,
        reported.arrival,
        None,
    )
    client.get(url)
    assert PersonalDataView.objects.filter(task=reported, user=worker).count() == 2


@pytest.mark.parametrize("role", ["outsider_grid_worker", "outsider_supervisor"])
def test_an_outsiders_404_on_the_verification_page_records_nothing(client, world, reported, role):
    client.force_login(world["users"][role])
    assert client.get(reverse("tasks:task-verify", args=[reported.pk])).status_code == 404
    assert not PersonalDataView.objects.exists()


@pytest.mark.parametrize(
    ("page", "subject"),
    [("arrivalreport", lambda task: task.arrival), ("gridtask", lambda task: task)],
)
def test_each_admin_change_page_of_a_report_or_task_is_recorded(
    client, world, reported, page, subject
):
    admin_user = world["users"]["superuser"]
    client.force_login(admin_user)
    url = reverse(f"admin:communities_{page}_change", args=[subject(reported).pk])
    assert client.get(url).status_code == 200
    view = PersonalDataView.objects.get()
    assert view.user == admin_user
    assert view.arrival == reported.arrival
    assert view.task == (reported if page == "gridtask" else None)
    client.get(url)
    assert PersonalDataView.objects.count() == 2


def test_anonymous_is_sent_to_sign_in_from_the_tasks(client, world, reported):
    for url in (reverse("tasks:task-list"), reverse("tasks:task-verify", args=[reported.pk])):
        response = client.get(url)
        assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_task_list_shows_open_tasks_most_urgent_first_and_is_pinned(
    client, world, django_assert_num_queries
):
    community = world["nodes"]["community"]
    names = ["甲", "乙", "丙", "丁"]
    for name in names:
        services.self_report_submit(
            community=community,
            name=name,
            id_number=valid_id_number(),
            phone="13912340003",
            address="",
            stays=[],
            arrival_date=TODAY,
            landing_point_kind="station",
            landing_point="",
            transport="train",
            abroad_quarantine_days=None,
        )
    tasks = {t.arrival.name: t for t in GridTask.objects.select_related("arrival")}
    now = timezone.now()
    GridTask.objects.filter(pk=tasks["甲"].pk).update(state="done", due_at=now - timedelta(hours=9))
    GridTask.objects.filter(pk=tasks["乙"].pk).update(due_at=now + timedelta(hours=20))
    GridTask.objects.filter(pk=tasks["丙"].pk).update(due_at=now - timedelta(hours=2))
    GridTask.objects.filter(pk=tasks["丁"].pk).update(due_at=now + timedelta(hours=3))
    client.force_login(world["users"]["grid_worker"])
    # session, user, node, the worker's grids (access.served_grid_ids), then one query per
    # source: tasks, tests, follow-ups, appeals
    with django_assert_num_queries(8):
        response = client.get(reverse("tasks:task-list"))
    assert [item.name for item in response.context["items"]] == ["丙", "丁", "乙"]
    html = response.content.decode()
    assert html.count('data-testid="overdue"') == 1
    assert html.index('data-testid="overdue"') < html.index("丁")


def test_with_the_cache_down_the_public_form_still_takes_reports(client, world):
    """Redis (the cache in production) unreachable: the report is stored, unlimited,
    rather than an error page."""
    from django.test import override_settings

    dead_redis = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing listens
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    with override_settings(CACHES=dead_redis):
        response = client.post(reverse("public:report-create"), form_data(world))
    assert response.status_code == 302
    assert ArrivalReport.objects.filter(state="submitted").count() == 1
