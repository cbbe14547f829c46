from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from communities.models import User
from communities.tests.conftest import world_build
from communities.tests.factories import UserFactory
from shops import rules, services
from shops.models import Shop

from .factories import ShopFactory

Role = User.Role
START = date(2022, 3, 28)  # the seed's 扫街行动 began on 3月28日
ROADS = ("通达街", "小店路")


@pytest.fixture
def world(db):
    """communities' world (communities/tests/conftest.py) and a shop in every grid."""
    base = world_build()
    grids = ("grid_a", "grid_b", "other_grid")
    return {**base, "shops": {key: ShopFactory(grid=base["nodes"][key]) for key in grids}}


def answers(**failed) -> dict[str, bool]:
    """A full checklist, every item passed except those given as False."""
    return {item: failed.get(item, True) for item in rules.CHECKS}


def at(day_offset: int, hour: int = 10, minute: int = 0):
    day = START + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def inspect(sweep, shop, *, day=0, member="grid_worker", hour=10, minute=0, **failed):
    inspection, _created = services.inspection_record(
        shop=shop,
        by=sweep["users"][member],
        answers=answers(**failed),
        now=at(day, hour, minute),
    )
    return inspection


def first_share(sweep, group_index=0) -> Shop:
    group = sweep["groups"][group_index]
    return Shop.objects.filter(assignments__group=group).order_by("road", "address").first()


def sweep_build(base: dict, *, starts_on: date = START, shops_per_road: int = 3) -> dict:
    """A campaign of 小店街道 from `starts_on`, two joint groups, `shops_per_road` shops on
    each of two roads shared out by road (小店路 to group 1, 通达街 to group 2); `base` (the
    world fixture) plus campaign, groups, members, the shops and group 1's share in road order."""
    nodes, users = base["nodes"], base["users"]
    street = nodes["street"]
    extra = {
        "market": UserFactory(role=Role.INSPECTOR, jurisdiction=street),
        "enforcer": UserFactory(role=Role.INSPECTOR, jurisdiction=nodes["district"]),
        "grid_worker_b": UserFactory(
            role=Role.GRID_WORKER, jurisdiction=nodes["community"], grids=[nodes["grid_b"]]
        ),
        "market_b": UserFactory(role=Role.INSPECTOR, jurisdiction=street),
        "enforcer_b": UserFactory(role=Role.INSPECTOR, jurisdiction=street),
    }
    shops = [
        ShopFactory(grid=nodes["grid_a" if i % 2 else "grid_b"], road=road, address=f"{road}{i}号")
        for road in ROADS
        for i in range(1, shops_per_road + 1)
    ]
    campaign = services.campaign_create(
        street=street,
        title="扫街行动",
        starts_on=starts_on,
        roads=list(ROADS),
        by=users["street_supervisor"],
    )
    groups = [
        services.group_create(
            campaign=campaign,
            grid_worker=worker,
            market_officer=market,
            enforcement_officer=enforcer,
        )
        for worker, market, enforcer in (
            (users["grid_worker"], extra["market"], extra["enforcer"]),
            (extra["grid_worker_b"], extra["market_b"], extra["enforcer_b"]),
        )
    ]
    services.shares_split_by_road(campaign=campaign)
    share = list(Shop.objects.filter(assignments__group=groups[0]).order_by("road", "address"))
    return {
        **base,
        "users": {**users, **extra},
        "campaign": campaign,
        "groups": groups,
        "sweep_shops": shops,
        "share": share,
    }


@pytest.fixture
def sweep(world):
    """The campaign from START, three shops a road."""
    return sweep_build(world)
