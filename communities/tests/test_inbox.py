"""The offices' inbox on the home page and the menu's count (selectors.home_waiting,
inbox_count): appeals past their 24 hours are escalated (DOMAIN.md section 5;
notices.reminders.appeal_overdue writes to the city office), so the district's and the
city's inboxes show them, and the count takes each appeal once."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities import selectors
from communities.models import Appeal

from .factories import ResidentFactory
from .test_appeals import advance, file_appeal, make_red


@pytest.fixture
def appeals(world, settings, tmp_path):
    """Five appeals of grid_a's people: filed, verified and reviewed past their 24 hours;
    reviewed and verified within them."""
    settings.MEDIA_ROOT = tmp_path
    users = world["users"]
    made = {}
    for name, state, overdue in (
        ("filed_late", "filed", True),
        ("verified_late", "verified", True),
        ("reviewed_late", "reviewed", True),
        ("reviewed", "reviewed", False),
        ("verified", "verified", False),
    ):
        resident = make_red(ResidentFactory(grid=world["nodes"]["grid_a"]))
        appeal = advance(file_appeal(resident), users, state)
        if overdue:
            Appeal.objects.filter(pk=appeal.pk).update(due_at=timezone.now() - timedelta(hours=1))
        made[name] = appeal
    return made


def waiting_of(client) -> dict:
    return {w.testid: w for w in client.get(reverse("home")).context["waiting"]}


def badge(client) -> str:
    return client.get(reverse("communities:inbox-count")).content.decode()


@pytest.mark.parametrize(
    ("role", "stage", "stage_count"),
    [("city_office", "appeals-reviewed", 2), ("district_office", "appeals-verified", 2)],
)
def test_the_offices_inbox_shows_the_appeals_past_24_hours_counting_each_appeal_once(
    client, world, appeals, role, stage, stage_count
):
    client.force_login(world["users"][role])
    waiting = waiting_of(client)
    assert waiting[stage].count == stage_count
    overdue = waiting["appeals-overdue"]
    assert overdue.count == 3
    listed = client.get(overdue.url).context["page"]
    assert listed.paginator.count == 3
    # one of the three is at the office's own stage, counted there already
    assert overdue.in_total == 2
    total = sum(w.in_total for w in waiting.values())
    assert selectors.inbox_count(user=world["users"][role]) == total == 4
    assert f'data-testid="inbox-count">{total}<' in badge(client)
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="count-appeals-overdue">3<' in html


def test_a_resolved_appeal_leaves_the_escalations(client, world, appeals):
    from communities import services

    appeal = appeals["reviewed_late"]
    services.appeal_resolve(
        appeal=appeal, release=False, note="维持红码", by=world["users"]["city_office"]
    )
    client.force_login(world["users"]["city_office"])
    waiting = waiting_of(client)
    assert (waiting["appeals-overdue"].count, waiting["appeals-overdue"].in_total) == (2, 2)
    assert waiting["appeals-reviewed"].count == 1
    assert 'data-testid="inbox-count">3<' in badge(client)


@pytest.mark.parametrize("role", ["community_staff", "grid_worker"])
def test_escalations_are_the_offices_not_the_grids(client, world, appeals, role):
    client.force_login(world["users"][role])
    assert "appeals-overdue" not in waiting_of(client)


def test_another_districts_office_sees_none_of_these_escalations(client, world, appeals):
    from .factories import UserFactory

    other = UserFactory(role="district_office", jurisdiction=world["nodes"]["other_district"])
    client.force_login(other)
    assert waiting_of(client)["appeals-overdue"].count == 0


def test_the_city_home_counts_its_appeals_in_one_query(
    client, world, appeals, django_assert_num_queries
):
    """session, user, node, staff, proposals, the appeals' three counts in one, children,
    the summary rows (none yet: counted), residents per grid, shops per grid, grids: as
    many as without the escalations."""
    client.force_login(world["users"]["city_office"])
    with django_assert_num_queries(11):
        client.get(reverse("home"))
