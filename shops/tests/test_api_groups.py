"""Issue 15: the joint groups and placards of the API, of the shops the caller sees."""

from communities.tests.factories import api_for
from shops.models import Shop
from shops.tests.factories import ShopFactory


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}


def test_placards_are_of_the_shops_the_caller_sees(world):
    red = ShopFactory(grid=world["nodes"]["grid_a"], placard=Shop.Placard.RED)
    ShopFactory(grid=world["nodes"]["grid_a"])  # no placard
    theirs = ShopFactory(grid=world["nodes"]["other_grid"], placard=Shop.Placard.GREEN)
    supervisor = api_for(world["users"]["street_supervisor"])
    response = supervisor.get("/api/v1/placards/")
    assert ids(response) == {red.pk}
    assert response.json()["results"][0]["status_url"] == f"/s/{red.public_id}/"
    assert supervisor.get(f"/api/v1/placards/{theirs.pk}/").status_code == 404
    assert ids(api_for(world["users"]["outsider_supervisor"]).get("/api/v1/placards/")) == {
        theirs.pk
    }


def test_groups_are_of_the_campaigns_the_caller_sees(sweep):
    groups = {g.pk for g in sweep["campaign"].groups.all()}
    assert groups
    supervisor = api_for(sweep["users"]["street_supervisor"])
    assert ids(supervisor.get("/api/v1/groups/")) == groups
    outsider = api_for(sweep["users"]["outsider_supervisor"])
    assert not ids(outsider.get("/api/v1/groups/"))
    first = min(groups)
    assert outsider.get(f"/api/v1/groups/{first}/").status_code == 404
