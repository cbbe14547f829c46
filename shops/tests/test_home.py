"""What shops puts on the home page (shops/home.py, registered with communities.figures):
the joint group's sweep for its members (issue 13: an inspector's home shows their group's
sweep, not residents and grids) and the street supervisor's red shops due for
re-inspection in the inbox; each count opens a list that shows as many."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import User
from communities.tests.factories import UserFactory
from shops import rules, services
from shops.models import Shop

from .conftest import sweep_build

Role = User.Role
SWEEP = ("sweep-to-inspect", "sweep-reminded", "sweep-red", "sweep-red-due")


@pytest.fixture
def team(world):
    """A running campaign (started five days ago), five shops a road: group 1's share
    holds five shops of 小店路, group 2's five of 通达街."""
    team = sweep_build(world, starts_on=timezone.localdate() - timedelta(days=5), shops_per_road=5)
    today = timezone.localdate()
    red_due, red_waiting, reminded, passed, _fresh = team["share"]
    services.inspection_record(
        shop=passed, by=team["users"]["market"], answers=dict.fromkeys(rules.CHECKS, True)
    )
    red = {"placard": Shop.Placard.RED, "state": Shop.State.CLOSED}
    Shop.objects.filter(pk=red_due.pk).update(**red, reinspection_due=today - timedelta(days=1))
    Shop.objects.filter(pk=red_waiting.pk).update(**red, reinspection_due=today + timedelta(days=2))
    Shop.objects.filter(pk=reminded.pk).update(reminders=1, rectify_by=today + timedelta(days=1))
    # group 2's: one red shop due, which the street supervisor sees and group 1 does not
    Shop.objects.filter(pk=team["sweep_shops"][0].pk).update(**red, reinspection_due=today)
    return team


def sweep_counts(client) -> dict:
    panels = {panel.key: panel for panel in client.get(reverse("home")).context["panels"]}
    return {item.testid: item for item in panels["sweep"].items}


def test_an_inspectors_home_shows_the_groups_sweep_each_count_opening_its_worklist(client, team):
    client.force_login(team["users"]["market"])
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="panel-sweep"' in html
    assert 'data-testid="count-residents"' not in html and 'data-testid="count-grids"' not in html
    counts = sweep_counts(client)
    assert {key: item.count for key, item in counts.items()} == {
        # not inspected in the campaign: all but the one that passed
        "sweep-to-inspect": 4,
        "sweep-reminded": 1,
        "sweep-red": 2,
        "sweep-red-due": 1,
    }
    for key, item in counts.items():
        assert f'href="{item.url.replace("&", "&amp;")}"' in html
        response = client.get(item.url)
        assert response.context["total"] == item.count, key
        rows = [row for section in response.context["sections"] for row in section["rows"]]
        assert len(rows) == item.count, key
        assert 'data-testid="show"' in response.content.decode()


def test_the_worklist_narrowed_to_the_due_reinspections_lists_just_those(client, team):
    client.force_login(team["users"]["enforcer"])
    response = client.get(reverse("sweep:worklist"), {"show": "red_due"})
    rows = [row for section in response.context["sections"] for row in section["rows"]]
    assert [row.shop.pk for row in rows] == [team["share"][0].pk]
    everything = client.get(reverse("sweep:worklist"), {"show": "junk"})
    assert everything.context["total"] == 5 and everything.context["show"] is None


def test_a_campaign_that_ended_leaves_only_its_red_shops_to_the_group(client, team):
    """A group comes back to its red shops after the month (selectors.shares_open); there
    is nothing left to inspect for the first time."""
    team["campaign"].__class__.objects.filter(pk=team["campaign"].pk).update(
        ends_on=timezone.localdate() - timedelta(days=1)
    )
    client.force_login(team["users"]["market"])
    counts = {key: item.count for key, item in sweep_counts(client).items()}
    assert counts == {
        "sweep-to-inspect": 0,
        "sweep-reminded": 0,
        "sweep-red": 2,
        "sweep-red-due": 1,
    }


def test_an_inspector_in_no_group_sees_zeros_and_a_grid_worker_in_none_no_panel(client, team):
    client.force_login(team["users"]["inspector"])  # the world's, in no group
    counts = sweep_counts(client)
    assert [item.count for item in counts.values()] == [0, 0, 0, 0]
    assert client.get(reverse("sweep:worklist")).status_code == 200
    client.force_login(team["users"]["grid_worker"])  # group 1's member
    assert set(sweep_counts(client)) == set(SWEEP)
    nodes = team["nodes"]
    alone = UserFactory(
        role=Role.GRID_WORKER, jurisdiction=nodes["community"], grids=[nodes["grid_a"]]
    )
    client.force_login(alone)
    assert client.get(reverse("home")).context["panels"] == []


@pytest.mark.parametrize("role", ["district_office", "city_office", "community_staff"])
def test_offices_get_no_sweep_panel(client, team, role):
    client.force_login(team["users"][role])
    assert client.get(reverse("home")).context["panels"] == []


def test_the_street_supervisors_inbox_holds_the_red_shops_due_for_reinspection(client, team):
    client.force_login(team["users"]["street_supervisor"])
    home = client.get(reverse("home"))
    waiting = {w.testid: w for w in home.context["waiting"]}
    assert waiting["shops-red-due"].count == 2  # one of each group
    html = home.content.decode()
    assert 'data-testid="menu-inbox"' in html
    register = client.get(waiting["shops-red-due"].url)
    assert register.context["page"].paginator.count == 2
    badge = client.get(reverse("communities:inbox-count")).content.decode()
    assert 'data-testid="inbox-count">2<' in badge
    Shop.objects.filter(placard=Shop.Placard.RED).update(
        reinspection_due=timezone.localdate() + timedelta(days=1)
    )
    assert client.get(waiting["shops-red-due"].url).context["page"].paginator.count == 0
    assert (
        'data-testid="inbox-count"'
        not in client.get(reverse("communities:inbox-count")).content.decode()
    )


def test_the_red_shops_due_are_the_supervisors_own_street_only(client, team):
    """Scoped through shops.access: another street's red shop is not counted."""
    from shops.tests.factories import ShopFactory

    ShopFactory(
        grid=team["nodes"]["other_grid"],
        placard=Shop.Placard.RED,
        state=Shop.State.CLOSED,
        reinspection_due=timezone.localdate(),
    )
    client.force_login(team["users"]["street_supervisor"])
    waiting = {w.testid: w for w in client.get(reverse("home")).context["waiting"]}
    assert waiting["shops-red-due"].count == 2
    client.force_login(team["users"]["city_office"])
    waiting = {w.testid: w for w in client.get(reverse("home")).context["waiting"]}
    assert "shops-red-due" not in waiting
