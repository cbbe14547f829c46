"""The list of inspections (issue 14: every list a city office works from, fast at scale):
the inspections of the shops the user sees, narrowed by place, outcome, day and campaign."""

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from shops import access
from shops.models import Inspection

from .conftest import START, first_share, inspect

URL = reverse("shops:inspection-list")


def listed(client, user, **params) -> list[Inspection]:
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return list(response.context["page"])


def test_each_role_sees_the_inspections_of_the_shops_it_sees(client, sweep):
    users = sweep["users"]
    green = inspect(sweep, first_share(sweep))
    other = inspect(sweep, first_share(sweep, 1), member="grid_worker_b", masks_worn=False)
    for role in ("street_supervisor", "district_office", "city_office"):
        assert set(listed(client, users[role])) == {green, other}, role
    assert listed(client, users["outsider_supervisor"]) == []
    worker = users["grid_worker"]  # their grid's shops and their group's share
    seen = set(access.shops_for(worker))
    assert set(listed(client, worker)) == {i for i in (green, other) if i.shop in seen}
    assert green in listed(client, worker)
    page = client.get(URL).content.decode()
    assert green.shop.name in page


def test_filters_narrow_the_list(client, sweep):
    users = sweep["users"]
    green = inspect(sweep, first_share(sweep))
    reminded = inspect(
        sweep, first_share(sweep, 1), member="grid_worker_b", day=1, masks_worn=False
    )
    city = users["city_office"]
    assert listed(client, city, outcome="green") == [green]
    assert listed(client, city, outcome="reminder") == [reminded]
    assert listed(client, city, day=START.isoformat()) == [green]
    assert listed(client, city, campaign=sweep["campaign"].pk) == [reminded, green]
    grid = green.shop.grid
    under = listed(client, city, node=grid.pk)
    assert green in under and all(i.shop.grid == grid for i in under)


def test_what_lies_outside_is_a_404_and_a_bad_day_a_message(client, sweep):
    users = sweep["users"]
    inspect(sweep, first_share(sweep))
    client.force_login(users["outsider_supervisor"])
    assert client.get(URL, {"campaign": sweep["campaign"].pk}).status_code == 404
    assert client.get(URL, {"node": sweep["nodes"]["street"].pk}).status_code == 404
    assert client.get(URL, {"campaign": "1 OR 1=1"}).status_code == 404
    client.force_login(users["city_office"])
    response = client.get(URL, {"day": "2022-13-45"})
    assert response.status_code == 200
    assert "日期格式应为 2022-04-01。" in response.content.decode()


def test_the_page_makes_as_many_queries_for_one_row_as_for_many(client, sweep):
    client.force_login(sweep["users"]["city_office"])
    inspect(sweep, sweep["share"][0])
    client.get(URL)
    with CaptureQueriesContext(connection) as few:
        client.get(URL)
    for n, shop in enumerate(sweep["share"][1:]):
        inspect(sweep, shop, minute=n + 1)
    inspect(sweep, first_share(sweep, 1), member="grid_worker_b")
    with CaptureQueriesContext(connection) as many:
        page = client.get(URL)
    assert len(page.context["page"]) > 2
    assert len(many) == len(few), [q["sql"][:90] for q in many.captured_queries]


def test_the_menu_opens_it(client, sweep):
    client.force_login(sweep["users"]["street_supervisor"])
    assert f'href="{URL}"' in client.get(reverse("home")).content.decode()
