"""The shops on the home page and in a node's breakdown: shops registers them with the
core (communities.figures), which counts them as the user sees them (shops.access)."""

from django.urls import reverse


def test_street_supervisor_breakdown_counts_the_community(client, world):
    client.force_login(world["users"]["street_supervisor"])
    response = client.get(reverse("home"))
    (row,) = response.context["breakdown"]
    assert (row.node, row.residents, row.shops, row.grids) == (world["nodes"]["community"], 2, 2, 2)


def test_the_home_page_counts_the_shops_the_user_sees(client, world):
    client.force_login(world["users"]["grid_worker"])  # grid_a only
    html = client.get(reverse("home")).content.decode()
    assert 'data-testid="count-shops">1<' in html
    assert '<th class="text-end">商铺</th>' in html  # the breakdown's column
