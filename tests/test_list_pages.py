"""Issue 14: list pages that stay fast at a million residents. A list counts at most 10,000
rows past the page asked for, reads a page of keys before the rows, and each list page
makes as many queries for one row as for many."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities import selectors
from communities.models import (
    Anomaly,
    CodeChangeProposal,
    GridTask,
    Jurisdiction,
    Resident,
)
from communities.paging import CappedPaginator
from communities.tests.factories import DecisionReviewFactory, ResidentFactory, arrival_file
from notices.tests.factories import appeal, inapp, measure, pending_test
from shops.models import Campaign
from shops.tests.factories import ShopFactory

TODAY = timezone.localdate()


@pytest.fixture
def residents(db):
    grid = Jurisdiction.objects.create(name="网格", level="grid", parent=_community())
    return [ResidentFactory(grid=grid, name=f"王{i:02d}") for i in range(12)]


def _community():
    city = Jurisdiction.objects.create(name="市", level="city")
    district = Jurisdiction.objects.create(name="区", level="district", parent=city)
    street = Jurisdiction.objects.create(name="街道", level="street", parent=district)
    return Jurisdiction.objects.create(name="社区", level="community", parent=street)


# --- The capped count ----------------------------------------------------------------------


def test_a_list_within_the_cap_is_counted_exactly(residents):
    paginator = CappedPaginator(Resident.objects.order_by("name", "pk"), 5, cap=20)
    page = paginator.get_page(1)
    assert (paginator.count, paginator.capped, paginator.num_pages) == (12, False, 3)
    assert not page.paginator.capped


def test_a_list_past_the_cap_counts_one_row_more_and_offers_the_next_page(residents):
    paginator = CappedPaginator(Resident.objects.order_by("name", "pk"), 5, cap=10)
    page = paginator.get_page(2)
    assert (paginator.count, paginator.capped, paginator.pages_counted) == (11, True, 2)
    assert page.has_next()


def test_a_page_past_the_cap_counts_as_far_as_itself_and_shows_its_rows(residents):
    paginator = CappedPaginator(Resident.objects.order_by("name", "pk"), 5, cap=5)
    page = paginator.get_page(3)
    assert page.number == 3
    assert [r.name for r in page] == ["王10", "王11"]
    assert not page.has_next()


def test_the_count_query_stops_at_the_cap(residents):
    paginator = CappedPaginator(Resident.objects.order_by("name", "pk"), 5, cap=7)
    with CaptureQueriesContext(connection) as queries:
        paginator.get_page(1)
    sql = queries.captured_queries[0]["sql"].upper()
    assert "COUNT(" in sql and "LIMIT 8" in sql and "ORDER BY" not in sql


def test_a_known_count_is_not_counted_again(residents):
    paginator = CappedPaginator(Resident.objects.order_by("name", "pk"), 5, count=12)
    with CaptureQueriesContext(connection) as queries:
        list(paginator.get_page(1))
    assert len(queries) == 1


def test_keys_first_gives_the_same_rows_in_the_same_order(residents):
    rows = Resident.objects.order_by("-name", "pk")
    plain = list(CappedPaginator(rows, 5).get_page(2))
    with CaptureQueriesContext(connection) as queries:
        keyed = list(CappedPaginator(rows, 5, keys_first=True).get_page(2))
    assert keyed == plain
    assert len(queries) == 3  # the count, the page's keys, its rows


def test_a_capped_list_says_more_than_its_counted_pages(client, world, residents, monkeypatch):
    monkeypatch.setattr("communities.paging.COUNT_CAP", 50)
    for _ in range(60):
        ResidentFactory(grid=world["nodes"]["grid_a"])
    client.force_login(world["users"]["city_office"])
    response = client.get(reverse("communities:resident-list"))
    assert response.context["page"].paginator.capped
    assert "第 1 页，共 1 页以上" in response.content.decode()


# --- The search --------------------------------------------------------------------------


def test_the_search_finds_a_name_prefix_a_full_id_number_or_a_phone(world):
    city = world["users"]["city_office"]
    resident = world["residents"]["grid_a"]
    Resident.objects.filter(pk=resident.pk).update(name="欧阳娜娜")
    for query in (
        "欧阳",
        "欧阳娜娜",
        resident.id_number,
        resident.id_number.lower(),
        resident.phone,
    ):
        found = selectors.resident_list(user=city, query=query)
        assert list(found) == [Resident.objects.get(pk=resident.pk)], query
    assert not selectors.resident_list(user=city, query="阳娜").exists()  # a prefix only
    assert not selectors.resident_list(user=city, query=resident.phone[:7]).exists()


def test_the_search_asks_one_field_for_each_shape_of_query(world):
    def where(query):
        return str(selectors.resident_search(query))

    assert "id_number" in where("11010119900307851X") and "phone" not in where("110101199003078515")
    assert "phone" in where("13800138000") and "name" not in where("13800138000")
    assert "name__startswith" in where("王") and "id_number" not in where("王")


def test_the_search_stays_within_the_users_residents(client, world):
    outsider = world["residents"]["other_grid"]
    client.force_login(world["users"]["grid_worker"])
    for query in (outsider.id_number, outsider.phone, outsider.name[:1]):
        page = client.get(reverse("communities:resident-list"), {"q": query}).context["page"]
        assert outsider not in list(page)


# --- The same number of queries for one row as for many -----------------------------------


def _rows_add(kind: str, world, n: int) -> None:
    users = world["users"]
    grid = world["nodes"]["grid_a"]
    now = timezone.now()
    for _ in range(n):
        resident = ResidentFactory(grid=grid)
        if kind == "residents":
            pass
        elif kind == "tests":
            pending_test(resident, due=TODAY)
        elif kind == "followups":
            measure(resident, start=TODAY - timedelta(days=1), days=7)
        elif kind == "appeals":
            appeal(resident, filed=now - timedelta(hours=1))
        elif kind == "proposals":
            CodeChangeProposal.objects.create(
                resident=resident,
                from_code="red",
                to_code="green",
                reason="复核",
                proposed_by=users["district_office"],
            )
        elif kind == "anomalies":
            Anomaly.objects.create(resident=resident, kind="fever", detail="体温38.2")
        elif kind == "reviews":
            DecisionReviewFactory(resident=resident)
        elif kind == "tasks":
            GridTask.objects.create(
                kind=GridTask.Kind.VERIFY_PUSH,
                community=world["nodes"]["community"],
                resident=resident,
                due_at=now + timedelta(hours=20),
            )
        elif kind == "shops":
            ShopFactory(grid=grid)
        elif kind == "notices":
            inapp(users["district_office"], text=f"异常 {resident.pk}")
        elif kind == "arrivals":
            arrival_file(resident, days_ago=1)
        elif kind == "campaigns":
            Campaign.objects.create(
                street=world["nodes"]["street"],
                title=f"扫街 {resident.pk}",
                starts_on=TODAY,
                ends_on=TODAY + timedelta(days=30),
                created_by=users["street_supervisor"],
            )
        elif kind == "jurisdictions":
            Jurisdiction.objects.create(
                name=f"网格{resident.pk}", level="grid", parent=world["nodes"]["community"]
            )


LISTS = [
    ("residents", "communities:resident-list", "city_office"),
    ("residents", "communities:resident-list", "grid_worker"),
    ("tests", "care:test-list", "city_office"),
    ("followups", "care:followup-list", "city_office"),
    ("tasks", "tasks:task-list", "city_office"),
    ("appeals", "appeals:list", "city_office"),
    ("proposals", "review:proposal-list", "city_office"),
    ("anomalies", "care:anomaly-list", "district_office"),
    ("reviews", "review:decision-review-list", "district_office"),
    ("shops", "shops:shop-list", "city_office"),
    ("campaigns", "shops:campaign-list", "city_office"),
    ("notices", "notices:notice-list", "district_office"),
    ("jurisdictions", "communities:jurisdiction-list", "city_office"),
    ("arrivals", "communities:arrival-list", "city_office"),
    ("arrivals", "communities:arrival-list", "street_supervisor"),
]


@pytest.mark.parametrize(("kind", "url", "role"), LISTS)
def test_a_list_page_makes_as_many_queries_for_one_row_as_for_many(
    client,
    world,
    kind,
    url,
    role,
):
    client.force_login(world["users"][role])
    _rows_add(kind, world, 1)
    client.get(reverse(url))  # the session's and the language's first reads
    with CaptureQueriesContext(connection) as few:
        response = client.get(reverse(url))
        assert response.status_code == 200
    shown = _rows_shown(response)
    _rows_add(kind, world, 6)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse(url))
        assert response.status_code == 200
    assert _rows_shown(response) >= shown + 6  # the page shows the rows added
    assert len(many) == len(few), [q["sql"][:90] for q in many.captured_queries]


def _rows_shown(response) -> int:
    """The rows a list page shows: its care rows, its work items or its page's rows."""
    for key in ("rows", "items", "page"):
        if key in response.context:
            return len(list(response.context[key]))
    raise AssertionError("no list in the page's context")


@pytest.mark.postgres
def test_a_name_prefix_search_uses_the_prefix_index_on_postgresql(residents):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (its own index); run it in the PostgreSQL pass")
    rows = Resident.objects.filter(selectors.resident_search("王0")).order_by("name", "pk")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")  # leaves the prefix's bitmap
        sql, params = rows.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "resident_name_prefix" in plan
    assert [r.name for r in rows] == [f"王0{i}" for i in range(10)]


@pytest.mark.postgres
def test_the_follow_up_list_reads_its_first_page_from_its_index(world):
    """A city's first page of 30,000 active measures took 750 ms ordered by name (the
    planner walked a million residents' names); in the index's order it reads 50 entries."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (its own index); run it in the PostgreSQL pass")
    from communities import selectors_care

    rows = selectors_care.measure_list(user=world["users"]["city_office"])[:50]
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        sql, params = rows.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "active_measure_due" in plan and "Sort" not in plan, plan


@pytest.mark.postgres
def test_the_test_list_and_the_arrival_list_read_their_first_page_from_an_index(world):
    """The day's tests in the order of pending_test_due, the arrivals in that of
    arrival_date (backwards): a first page reads 50 entries, not a sort of them all."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (its own index); run it in the PostgreSQL pass")
    from communities import selectors_care

    city = world["users"]["city_office"]
    lists = {
        "pending_test_due": selectors_care.pending_test_list(user=city, today=TODAY),
        "arrival_date": selectors.arrival_list(user=city),
    }
    for index, rows in lists.items():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute("SET LOCAL enable_sort = off")
            sql, params = rows[:50].query.sql_with_params()
            cursor.execute(f"EXPLAIN {sql}", params)
            plan = "\n".join(row[0] for row in cursor.fetchall())
        assert index in plan and "Sort" not in plan, plan


@pytest.mark.postgres
def test_the_portals_connections_cost_random_reads_as_on_an_ssd(db):
    """PG_RANDOM_PAGE_COST (1.1): with PostgreSQL's default of 4 a grid worker's arrival
    list read the whole table instead of their residents' rows (docs/benchmarks.md)."""
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL; run it in the PostgreSQL pass")
    with connection.cursor() as cursor:
        cursor.execute("SHOW random_page_cost")
        assert cursor.fetchone()[0] == "1.1"
