"""Issue 15: the list of code changes (赋码记录), the one list page the issue names that did
not exist: scoped as the residents, filtered, a page at a time, and exported."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from communities.models import HealthCodeEvent
from communities.tests.factories import ResidentFactory

URL = reverse("communities:code-event-list")


def event(resident, to_code="yellow", *, days_ago=0):
    made = HealthCodeEvent.objects.create(
        resident=resident,
        kind="assign",
        from_code="green",
        to_code=to_code,
        rule="R6",
        reason="R6 的行程",
    )
    if days_ago:
        HealthCodeEvent.objects.filter(pk=made.pk).update(
            created_at=timezone.now() - timedelta(days=days_ago)
        )
    return made


def shown(response) -> set[int]:
    assert response.status_code == 200
    return {e.pk for e in response.context["page"]}


def test_the_list_holds_the_users_residents_changes_only(client, world):
    mine = event(world["residents"]["grid_a"])
    neighbour = event(world["residents"]["grid_b"])
    theirs = event(world["residents"]["other_grid"])
    client.force_login(world["users"]["grid_worker"])
    assert shown(client.get(URL)) == {mine.pk}
    client.force_login(world["users"]["street_supervisor"])
    assert shown(client.get(URL)) == {mine.pk, neighbour.pk}
    assert theirs.pk not in shown(client.get(URL))
    other = world["nodes"]["other_community"].pk
    assert client.get(URL, {"node": other}).status_code == 404
    client.force_login(world["users"]["inspector"])
    assert client.get(URL).status_code == 403


def test_filters_by_code_day_and_place(client, world):
    red = event(world["residents"]["grid_a"], "red")
    yellow_old = event(world["residents"]["grid_a"], "yellow", days_ago=2)
    in_b = event(world["residents"]["grid_b"], "red")
    client.force_login(world["users"]["street_supervisor"])
    assert shown(client.get(URL, {"to": "red"})) == {red.pk, in_b.pk}
    day = (timezone.localdate() - timedelta(days=2)).isoformat()
    assert shown(client.get(URL, {"day": day})) == {yellow_old.pk}
    assert shown(client.get(URL, {"node": world["nodes"]["grid_b"].pk})) == {in_b.pk}
    assert len(shown(client.get(URL, {"day": "not a day", "to": "purple"}))) == 3


def test_the_page_shows_its_rows_in_a_pinned_number_of_queries(
    client, world, django_assert_num_queries
):
    for _ in range(30):
        event(ResidentFactory(grid=world["nodes"]["grid_a"]))
    client.force_login(world["users"]["street_supervisor"])
    # session, user, the user's node (scope), the count, the page with its residents
    with django_assert_num_queries(5):
        response = client.get(URL)
    assert len(response.context["page"]) == 30
    html = response.content.decode()
    assert html.count('data-testid="code-event"') == 30
    assert "********" in html  # ID numbers masked


def test_it_exports_as_the_page_filters_it(client, world):
    event(world["residents"]["grid_a"], "red")
    event(world["residents"]["grid_a"], "yellow")
    client.force_login(world["users"]["grid_worker"])
    response = client.post(
        reverse("transfers:export", args=["code-events"]) + "?to=red", {"format": "csv"}
    )
    lines = b"".join(response.streaming_content).decode("utf-8").splitlines()
    assert lines[0].lstrip("\ufeff").startswith("时间,姓名,身份证号")
    assert len(lines) == 2 and "红码" in lines[1]
