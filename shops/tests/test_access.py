"""Who sees which shops and campaigns (shops.access)."""

import pytest

from communities.tests.test_access import VISIBLE
from shops import access
from shops.models import Shop

from .conftest import first_share, inspect


def names(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("role", VISIBLE)
def test_shops_for_role(world, role):
    expected = {world["shops"][key].pk for key in VISIBLE[role][1]}
    got = set(access.shops_for(world["users"][role]).values_list("pk", flat=True))
    assert got == expected


def test_an_inspector_sees_only_the_share_of_their_group(sweep):
    share = names(Shop.objects.filter(assignments__group=sweep["groups"][0]))
    assert len(share) == 3
    assert names(access.shops_for(sweep["users"]["market"])) == share
    assert names(access.shops_for(sweep["users"]["enforcer"])) == share
    assert not access.shops_for(sweep["users"]["inspector"]).exists()  # in no group


def test_a_grid_worker_sees_their_grids_and_their_groups_share(sweep):
    worker = sweep["users"]["grid_worker"]  # grid_a, and group 1 (小店路)
    expected = names(Shop.objects.filter(grid=sweep["nodes"]["grid_a"])) | names(
        Shop.objects.filter(assignments__group=sweep["groups"][0])
    )
    assert names(access.shops_for(worker)) == expected


@pytest.mark.parametrize(
    ("user", "sees_campaign"),
    [
        ("street_supervisor", True),
        ("district_office", True),
        ("city_office", True),
        ("market", True),
        ("grid_worker", True),
        ("inspector", False),
        ("community_staff", False),
        ("outsider_supervisor", False),
        ("outsider_grid_worker", False),
    ],
)
def test_campaigns_for(sweep, user, sees_campaign):
    assert access.campaigns_for(sweep["users"][user]).exists() == sees_campaign


def test_outsiders_see_no_shop_of_the_street(sweep):
    for user in ("outsider_supervisor", "outsider_grid_worker"):
        visible = access.shops_for(sweep["users"][user])
        assert not visible.filter(grid__path__startswith=sweep["nodes"]["street"].path).exists()


def test_inspections_follow_the_shops(sweep):
    inspect(sweep, first_share(sweep))
    assert access.inspections_for(sweep["users"]["market"]).count() == 1
    assert access.inspections_for(sweep["users"]["market_b"]).count() == 0
    assert access.inspections_for(sweep["users"]["outsider_supervisor"]).count() == 0


def test_group_candidates_include_district_inspectors(sweep):
    street = sweep["nodes"]["street"]
    candidates = set(access.group_candidates(sweep["users"]["street_supervisor"], street))
    users = sweep["users"]
    assert {users["grid_worker"], users["market"], users["enforcer"]} <= candidates
    assert users["enforcer"].jurisdiction == sweep["nodes"]["district"]
    assert users["outsider_grid_worker"] not in candidates
    assert users["community_staff"] not in candidates
    assert not access.group_candidates(users["outsider_supervisor"], street).exists()
