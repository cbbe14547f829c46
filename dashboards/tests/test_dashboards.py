"""The summary rows and the dashboard of a node (issue 14)."""

from datetime import timedelta
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities import services
from communities.models import Appeal, GridTask, Resident, User
from communities.templatetags.portal import masked_id
from communities.tests.factories import (
    JurisdictionFactory,
    ResidentFactory,
    UserFactory,
    appeal_reviewed,
    arrival_file,
    valid_id_number,
)
from dashboards import summary
from dashboards.models import FIGURE_NAMES, ArrivalDay, NodeDay

Role = User.Role
EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "communities"
    / "fixtures"
    / "announcement_2022-03-28.json"
)


def rows_today() -> dict[int, NodeDay]:
    return {row.node_id: row for row in NodeDay.objects.filter(day=timezone.localdate())}


def test_each_figure_is_summed_up_the_tree(city):
    assert summary.refresh() == 10  # every node, grids included
    rows, nodes = rows_today(), city["nodes"]
    grid = rows[nodes["grid_a"].pk]
    assert (grid.residents, grid.red, grid.green) == (1, 1, 0)
    assert grid.home_quarantine == 1 and grid.tests_overdue == 1
    for key in ("community", "street", "district"):
        row = rows[nodes[key].pk]
        assert (row.residents, row.red, row.green, row.home_quarantine) == (2, 1, 1, 1)
    whole = rows[nodes["city"].pk]
    assert (whole.residents, whole.red, whole.green) == (3, 1, 2)
    other = rows[nodes["other_district"].pk]
    assert (other.residents, other.red, other.home_quarantine) == (1, 0, 0)
    # the arrival, two days ago, from 吉林省: in the province history of every node above it
    arrivals = ArrivalDay.objects.filter(node=nodes["street"])
    assert [(a.province, a.count) for a in arrivals] == [("吉林省", 1)]
    assert not ArrivalDay.objects.filter(node=nodes["other_district"]).exists()


def test_a_refresh_replaces_the_days_rows(city):
    summary.refresh()
    resident = city["residents"]["grid_b"]
    resident.code = "yellow"
    resident.save(update_fields=["code"])
    summary.refresh()
    assert NodeDay.objects.count() == 10
    assert rows_today()[city["nodes"]["community"].pk].yellow == 1
    assert ArrivalDay.objects.count() == 4  # the community of the arrival and up


def test_open_work_is_counted_where_its_resident_or_community_is(city):
    resident = city["residents"]["grid_a"]
    appeal = Appeal.objects.create(
        resident=resident,
        reason="已解除隔离",
        due_at=timezone.now() + timedelta(hours=2),
    )
    Appeal.objects.filter(pk=appeal.pk).update(created_at=timezone.now() - timedelta(hours=22))
    for hours in (-1, 5):  # one overdue, one not yet
        GridTask.objects.create(
            kind=GridTask.Kind.FIND_PERSON,
            community=city["nodes"]["community"],
            reason="x",
            due_at=timezone.now() + timedelta(hours=hours),
        )
    summary.refresh()
    street = rows_today()[city["nodes"]["street"].pk]
    assert (street.appeals_open, street.appeals_late) == (1, 1)
    assert (street.tasks_open, street.tasks_late) == (2, 1)
    assert rows_today()[city["nodes"]["other_district"].pk].appeals_open == 0


def test_the_refresh_costs_the_same_queries_whatever_the_tree(city):
    with CaptureQueriesContext(connection) as small:
        summary.refresh()
    street = city["nodes"]["street"]
    for n in range(12):
        community = JurisdictionFactory(name=f"社区{n}", level="community", parent=street)
        grid = JurisdictionFactory(name="第1网格", level="grid", parent=community)
        ResidentFactory(grid=grid)
    with CaptureQueriesContext(connection) as large:
        summary.refresh()
    # bulk writes grow by a batch at most: the reads do not grow at all
    reads = [q for q in large.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert len(reads) == len(
        [q for q in small.captured_queries if q["sql"].lstrip().upper().startswith("SELECT")]
    )


# --- The page --------------------------------------------------------------------------------


def sign_in(client, city, role):
    client.force_login(city["users"][role])
    return client


def test_the_street_supervisor_sees_the_street_and_each_number_opens_its_list(client, city):
    summary.refresh()
    sign_in(client, city, "street_supervisor")
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200
    assert response.context["node"] == city["nodes"]["street"]
    cards = {c["name"]: c for _h, cards in response.context["cards"] for c in cards}
    assert cards["red"]["value"] == 1 and cards["residents"]["value"] == 2
    for name in ("residents", "red", "green"):
        listed = client.get(cards[name]["url"])
        assert listed.context["page"].paginator.count == cards[name]["value"], name
    html = response.content.decode()
    assert 'data-testid="freshness"' in html and "数据更新于" in html
    assert reverse("dashboards:node", args=[city["nodes"]["community"].pk]) in html


def test_a_communitys_name_opens_its_dashboard_one_level_down(client, city):
    summary.refresh()
    sign_in(client, city, "street_supervisor")
    response = client.get(reverse("dashboards:node", args=[city["nodes"]["community"].pk]))
    assert response.status_code == 200
    names = [row["node"].name for row in response.context["rows"]]
    assert names == ["第1网格", "第2网格"]
    assert not any(row["drill"] for row in response.context["rows"])  # grids: no dashboard
    for key in ("other_street", "other_district", "district", "grid_a"):
        node = city["nodes"][key]
        assert client.get(reverse("dashboards:node", args=[node.pk])).status_code == 404, key


def test_the_change_since_yesterday(client, city):
    summary.refresh()
    street = city["nodes"]["street"]
    yesterday = NodeDay.objects.get(node=street, day=timezone.localdate())
    yesterday.pk = None
    yesterday.day -= timedelta(days=1)
    yesterday.red = 3
    yesterday.save()
    sign_in(client, city, "street_supervisor")
    html = client.get(reverse("dashboards:home")).content.decode()
    assert 'data-testid="change-red"' in html and "-2" in html


@pytest.mark.parametrize("role", ["grid_worker", "inspector"])
def test_roles_without_a_dashboard_get_no_link_and_a_403(client, city, role):
    sign_in(client, city, role)
    assert client.get(reverse("dashboards:home")).status_code == 403
    assert 'data-testid="menu-dashboard"' not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    ("role", "node"),
    [
        ("community_staff", "community"),
        ("street_supervisor", "street"),
        ("district_office", "district"),
        ("city_office", "city"),
    ],
)
def test_each_supervising_role_opens_its_own_node(client, city, role, node):
    summary.refresh()
    sign_in(client, city, role)
    assert 'data-testid="menu-dashboard"' in client.get(reverse("home")).content.decode()
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200 and response.context["node"] == city["nodes"][node]


def test_the_page_before_the_first_refresh_says_so(client, city):
    sign_in(client, city, "district_office")
    response = client.get(reverse("dashboards:home"))
    assert response.status_code == 200 and response.context["refreshed_at"] is None


def test_the_pages_queries_do_not_grow_with_its_children(client, city):
    summary.refresh()
    sign_in(client, city, "district_office")
    url = reverse("dashboards:home")
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    district = city["nodes"]["district"]
    for n in range(8):
        street = JurisdictionFactory(name=f"街道{n}", level="street", parent=district)
        JurisdictionFactory(name="社区", level="community", parent=street)
    summary.refresh()
    with CaptureQueriesContext(connection) as many:
        client.get(url)
    assert len(many) == len(few)
    assert len(few) == 25  # pinned: see the view (summary rows, sweep, workload, appeals…,
    # the sections of other apps: vaccination's coverage rows (1), the hotels' rooms,
    # targets, placed, people without a room and checklists (6))


def test_every_figure_has_a_column():
    assert len(FIGURE_NAMES) == len(set(FIGURE_NAMES)) == 23
    assert all(hasattr(NodeDay, name) for name in FIGURE_NAMES)


def test_a_new_supervisor_of_another_street_sees_only_that_street(client, city):
    summary.refresh()
    other = UserFactory(role=Role.STREET_SUPERVISOR, jurisdiction=city["nodes"]["other_street"])
    client.force_login(other)
    response = client.get(reverse("dashboards:home"))
    assert response.context["node"] == city["nodes"]["other_street"]
    street = city["nodes"]["street"]
    assert client.get(reverse("dashboards:node", args=[street.pk])).status_code == 404


# --- The home page's breakdown from the summary rows ------------------------------------------


def test_the_home_page_of_an_office_reads_the_summary_rows(client, city):
    summary.refresh()
    sign_in(client, city, "district_office")
    url = reverse("home")
    counted = client.get(url).context["breakdown"]
    assert counted.as_of is not None  # from the rows
    assert [(r.node.name, r.residents, r.grids) for r in counted] == [("小店街道", 2, 2)]
    # the rows are what the home page shows until the next refresh
    ResidentFactory(grid=city["nodes"]["grid_b"])
    assert client.get(url).context["counts"]["residents"] == 2
    summary.refresh()
    assert client.get(url).context["counts"]["residents"] == 3
    assert "数据更新于" in client.get(url).content.decode()


def test_without_todays_rows_the_home_page_counts(client, city):
    sign_in(client, city, "district_office")
    breakdown = client.get(reverse("home")).context["breakdown"]
    assert breakdown.as_of is None and breakdown[0].residents == 2


def test_a_grid_workers_home_page_reads_the_rows_of_their_grids(client, city):
    """Their children are the grids they serve, each one whole: the rows answer."""
    sign_in(client, city, "grid_worker")
    assert client.get(reverse("home")).context["breakdown"].as_of is None  # no rows yet
    summary.refresh()
    breakdown = client.get(reverse("home")).context["breakdown"]
    assert breakdown.as_of is not None
    assert [(r.node.name, r.residents) for r in breakdown] == [("第1网格", 1)]


# --- What a service changes, the rows change in its transaction ------------------------------


def figure_up_the_tree(city, name: str) -> list[int]:
    rows, nodes = rows_today(), city["nodes"]
    keys = ("grid_a", "community", "street", "district", "city", "other_district")
    return [getattr(rows[nodes[key].pk], name) for key in keys]


def test_a_code_changed_by_a_service_moves_todays_rows_at_once(city):
    summary.refresh()
    assert figure_up_the_tree(city, "red") == [1, 1, 1, 1, 1, 0]
    assert figure_up_the_tree(city, "green") == [0, 1, 1, 1, 2, 1]
    resident = city["residents"]["grid_a"]
    services.health_code_change(
        resident=resident, to="green", rule="manual", reason="x", actor=None
    )
    assert figure_up_the_tree(city, "red") == [0, 0, 0, 0, 0, 0]
    assert figure_up_the_tree(city, "green") == [1, 2, 2, 2, 3, 1]
    summary.refresh()  # and the refresh counts the same
    assert figure_up_the_tree(city, "green") == [1, 2, 2, 2, 3, 1]


def test_a_new_rule_under_the_same_colour_moves_no_count(city):
    summary.refresh()
    resident = Resident.objects.get(pk=city["residents"]["grid_a"].pk)
    assert resident.code == "red"
    other = "R3" if resident.code_rule != "R3" else "R4"
    event = services.health_code_change(
        resident=resident, to="red", rule=other, reason="x", actor=None
    )
    assert event is not None  # the change is recorded
    assert figure_up_the_tree(city, "red") == [1, 1, 1, 1, 1, 0]


def test_a_change_rolled_back_leaves_the_rows_as_they_were(city):
    summary.refresh()
    resident = city["residents"]["grid_a"]
    with pytest.raises(RuntimeError), transaction.atomic():
        services.health_code_change(
            resident=resident, to="yellow", rule="manual", reason="x", actor=None
        )
        raise RuntimeError("the rest of the service failed")
    assert figure_up_the_tree(city, "red") == [1, 1, 1, 1, 1, 0]
    assert figure_up_the_tree(city, "yellow") == [0, 0, 0, 0, 0, 0]


def test_a_person_registered_and_an_appeal_count_at_once(city):
    summary.refresh()
    grid = city["nodes"]["grid_a"]
    _resident, created = services.resident_get_or_create(
        visible=Resident.objects.all(),
        id_number=valid_id_number(),
        name="新居民",
        phone="13800000000",
        address="x",
        grid=grid,
    )
    assert created
    assert figure_up_the_tree(city, "residents") == [2, 3, 3, 3, 4, 1]
    assert figure_up_the_tree(city, "green") == [1, 2, 2, 2, 3, 1]
    appeal = appeal_reviewed(city["residents"]["grid_a"], city["users"])
    assert figure_up_the_tree(city, "appeals_open") == [1, 1, 1, 1, 1, 0]
    services.appeal_resolve(appeal=appeal, release=True, note="x", by=city["users"]["city_office"])
    assert figure_up_the_tree(city, "appeals_open") == [0, 0, 0, 0, 0, 0]
    assert figure_up_the_tree(city, "red") == [0, 0, 0, 0, 0, 0]


def test_without_todays_rows_a_change_waits_for_the_refresh(city):
    resident = city["residents"]["grid_a"]
    services.health_code_change(
        resident=resident, to="green", rule="manual", reason="x", actor=None
    )
    assert not NodeDay.objects.exists()
    summary.refresh()
    assert figure_up_the_tree(city, "red") == [0, 0, 0, 0, 0, 0]


def test_a_count_never_goes_below_zero(city):
    summary.refresh()
    NodeDay.objects.update(red=0)  # say, a refresh that counted the change already
    resident = city["residents"]["grid_a"]
    services.health_code_change(
        resident=resident, to="green", rule="manual", reason="x", actor=None
    )
    assert figure_up_the_tree(city, "red") == [0, 0, 0, 0, 0, 0]


def test_the_city_home_page_from_the_rows_costs_fewer_queries(
    client, city, django_assert_num_queries
):
    """session, user, node, staff, the inbox's two, children, the summary rows: the
    residents, grids and shops of the subtree are not counted."""
    summary.refresh()
    sign_in(client, city, "city_office")
    with django_assert_num_queries(8):
        client.get(reverse("home"))
    for n in range(5):
        JurisdictionFactory(name=f"新区{n}", level="district", parent=city["nodes"]["city"])
    summary.refresh()
    with django_assert_num_queries(8):
        client.get(reverse("home"))


def test_a_phase_without_its_dates_runs_after_the_one_before(city):
    from communities.models import ControlMeasure

    today = timezone.localdate()
    resident = city["residents"]["grid_b"]
    ControlMeasure.objects.create(
        resident=resident,
        rule="R3",
        phases=[
            {"kind": "home_quarantine", "days": 2},
            {"kind": "home_health_monitoring", "days": 5},
        ],
        start=today - timedelta(days=3),
        end=today + timedelta(days=3),
        release_due=today + timedelta(days=4),
    )
    summary.refresh()
    grid = rows_today()[city["nodes"]["grid_b"].pk]
    assert (grid.home_quarantine, grid.home_health_monitoring) == (0, 1)


def test_the_sweep_under_the_node_and_its_lists(client, city):
    from shops.models import Shop
    from shops.tests.factories import ShopFactory

    today = timezone.localdate()
    grid = city["nodes"]["grid_a"]
    ShopFactory(grid=grid, placard=Shop.Placard.GREEN)
    ShopFactory(grid=grid, placard=Shop.Placard.RED, reinspection_due=today)
    ShopFactory(grid=grid, placard=Shop.Placard.RED, reinspection_due=today + timedelta(days=2))
    ShopFactory(grid=grid, reminders=1)
    ShopFactory(grid=city["nodes"]["other_grid"], placard=Shop.Placard.RED, reinspection_due=today)
    sign_in(client, city, "street_supervisor")
    sweep = client.get(reverse("dashboards:home")).context["sweep"]
    values = [(str(label), value) for label, value, _url, _danger in sweep["cards"]]
    assert [v for _l, v in values] == [4, 1, 1, 2, 1]
    for _label, value, url, _danger in sweep["cards"]:
        assert client.get(url).context["page"].paginator.count == value, url


def test_open_tasks_per_grid_worker(client, city):
    resident = city["residents"]["grid_a"]
    community = city["nodes"]["community"]
    late = timezone.now() - timedelta(hours=1)
    soon = timezone.now() + timedelta(hours=5)
    for resident_, due in ((resident, late), (resident, soon), (None, soon)):
        GridTask.objects.create(
            kind=GridTask.Kind.FIND_PERSON,
            community=community,
            resident=resident_,
            reason="x",
            due_at=due,
        )
    worker_b = UserFactory(
        role=Role.GRID_WORKER, jurisdiction=community, grids=[city["nodes"]["grid_b"]]
    )
    sign_in(client, city, "street_supervisor")
    loads = client.get(reverse("dashboards:home")).context["workload"]
    by_worker = {load.worker: (load.open, load.overdue) for load in loads}
    # the grid_a worker: two about their resident and the community's one; grid_b's: that one
    assert by_worker[city["users"]["grid_worker"]] == (3, 1)
    assert by_worker[worker_b] == (1, 0)
    assert city["users"]["outsider_grid_worker"] not in by_worker
    assert None not in by_worker  # every task has someone
    # each count opens the task list with as many rows
    for load in loads:
        page = client.get(
            reverse("tasks:task-list"),
            {"node": city["nodes"]["street"].pk, "worker": load.worker.pk},
        )
        assert len(page.context["items"]) == load.open
        late = client.get(
            reverse("tasks:task-list"),
            {"node": city["nodes"]["street"].pk, "worker": load.worker.pk, "late": "1"},
        )
        assert len(late.context["items"]) == load.overdue


def test_the_tasks_nobody_serves_come_first(client, city):
    """A grid whose worker left: its tasks are nobody's, and the supervisor sees them."""
    resident = city["residents"]["grid_a"]
    community = city["nodes"]["community"]
    GridTask.objects.create(
        kind=GridTask.Kind.FIND_PERSON,
        community=community,
        resident=resident,
        reason="x",
        due_at=timezone.now() - timedelta(hours=1),
    )
    worker = city["users"]["grid_worker"]
    worker.is_active = False
    worker.save(update_fields=["is_active"])
    sign_in(client, city, "street_supervisor")
    page = client.get(reverse("dashboards:home"))
    loads = page.context["workload"]
    assert (loads[0].worker, loads[0].open, loads[0].overdue) == (None, 1, 1)
    assert "无网格员负责" in page.content.decode()
    listed = client.get(
        reverse("tasks:task-list"),
        {"node": city["nodes"]["street"].pk, "unassigned": "1", "late": "1"},
    )
    assert len(listed.context["items"]) == 1


def test_a_worker_outside_the_users_reach_is_a_404(client, city):
    sign_in(client, city, "street_supervisor")
    outsider = city["users"]["outsider_grid_worker"]
    url = reverse("tasks:task-list")
    street = city["nodes"]["street"].pk
    assert client.get(url, {"node": street, "worker": outsider.pk}).status_code == 404
    assert client.get(url, {"node": street, "worker": "x"}).status_code == 404


@pytest.fixture
def busy(city):
    """One of everything a dashboard counts, under 小店街道 and beyond it."""
    from communities.models import Anomaly, CodeChangeProposal, NucleicAcidTest
    from communities.tests.factories import DecisionReviewFactory

    now = timezone.now()
    today = timezone.localdate()
    for key in ("grid_a", "grid_b", "other_grid"):
        resident = city["residents"][key]
        NucleicAcidTest.objects.create(resident=resident, kind="followup", due=today)
        NucleicAcidTest.objects.create(
            resident=resident, kind="followup", due=today, sampled_at=now - timedelta(hours=1)
        )
        Anomaly.objects.create(resident=resident, kind="fever", detail="37.8℃")
        CodeChangeProposal.objects.create(
            resident=resident,
            from_code="green",
            to_code="yellow",
            reason="x",
            proposed_by=city["users"]["district_office"],
        )
        DecisionReviewFactory(resident=resident)
        for hours_ago in (1, 21, 25):
            appeal = Appeal.objects.create(  # one open appeal a person
                resident=ResidentFactory(grid=resident.grid),
                reason="x",
                due_at=now + timedelta(hours=24 - hours_ago),
            )
            Appeal.objects.filter(pk=appeal.pk).update(created_at=now - timedelta(hours=hours_ago))
        community = resident.grid.parent
        for hours in (-2, 3):
            GridTask.objects.create(
                kind=GridTask.Kind.FIND_PERSON,
                community=community,
                reason="x",
                due_at=now + timedelta(hours=hours),
            )
    summary.refresh()
    return city


@pytest.mark.parametrize(
    ("role", "node"),
    [
        ("street_supervisor", "street"),
        ("district_office", "district"),
        ("city_office", "city"),
        ("community_staff", "community"),
    ],
)
def test_every_number_opens_a_list_with_as_many(client, busy, role, node):
    """Each card and each cell of the children's table: the list behind it counts the
    same rows; a list the role may not open is no link."""
    sign_in(client, busy, role)
    page = client.get(reverse("dashboards:node", args=[busy["nodes"][node].pk])).context
    cells = [c for _h, cards in page["cards"] for c in cards]
    cells += [c for row in page["rows"] for c in row["cells"]]
    checked = 0
    for cell in cells:
        if cell["url"] is None:
            continue
        response = client.get(cell["url"])
        assert response.status_code == 200, (cell["name"], cell["url"])
        if cell["name"] in ("tasks_open", "tasks_late") and "page" not in response.context:
            pytest.fail(f"{cell['url']} is not the narrowed task list")
        assert response.context["page"].paginator.count == cell["value"], (
            cell["name"],
            cell["url"],
        )
        checked += 1
    assert checked >= 20
    names = {c["name"] for c in cells if c["url"] is None}
    assert names <= {"anomalies_open", "reviews_open"}


def test_the_days_arrivals_open_the_arrival_list(client, city):
    arrival_file(city["residents"]["grid_b"], place=("广东省", "广州市", "天河区"), days_ago=0)
    summary.refresh()
    sign_in(client, city, "street_supervisor")
    cards = {
        c["name"]: c
        for _h, cards in client.get(reverse("dashboards:home")).context["cards"]
        for c in cards
    }
    assert cards["arrivals"]["value"] == 1
    listed = client.get(cards["arrivals"]["url"])
    assert listed.context["page"].paginator.count == 1
    html = listed.content.decode()  # the ID number masked, never in full
    id_number = city["residents"]["grid_b"].id_number
    assert masked_id(id_number) in html and id_number not in html
    # the list itself: every arrival the user covers, a day's by ?day=, an odd day ignored
    assert client.get(reverse("communities:arrival-list")).context["page"].paginator.count == 2
    odd = client.get(reverse("communities:arrival-list"), {"day": "2022-02-30"})
    assert odd.status_code == 200 and odd.context["day"] == ""
    sign_in(client, city, "inspector")
    assert client.get(reverse("communities:arrival-list")).status_code == 403
