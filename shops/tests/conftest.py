from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone

from communities.models import User
from communities.tests.conftest import world  # noqa: F401  (the shared fixture)
from communities.tests.factories import UserFactory
from shops import rules, services
from shops.models import Shop

from .factories import ShopFactory

Role = User.Role
START = date(2022, 3, 28)  # the seed's 扫街行动 began on 3月28日


def answers(**failed) -> dict[str, bool]:
    """A full checklist, every item passed except those given as False."""
    return {item: failed.get(item, True) for item in rules.CHECKS}


def at(day_offset: int, hour: int = 10):
    day = START + timedelta(days=day_offset)
    return timezone.make_aware(datetime.combine(day, time(hour)))


def inspect(sweep, shop, *, day=0, member="grid_worker", **failed):
    return services.inspection_record(
        shop=shop, by=sweep["users"][member], answers=answers(**failed), now=at(day)
    )


def first_share(sweep, group_index=0) -> Shop:
    group = sweep["groups"][group_index]
    return Shop.objects.filter(assignments__group=group).order_by("road", "address").first()


@pytest.fixture
def sweep(world):  # noqa: F811
    """A campaign of 小店街道 from START, two joint groups, six shops on two roads shared
    out by road (three each); `world` plus campaign, groups, members and shops."""
    nodes, users = world["nodes"], world["users"]
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
        for road in ("通达街", "小店路")
        for i in range(1, 4)
    ]
    campaign = services.campaign_create(
        street=street,
        title="扫街行动",
        starts_on=START,
        roads=["通达街", "小店路"],
        by=users["street_supervisor"],
    )
    group_1 = services.group_create(
        campaign=campaign,
        grid_worker=users["grid_worker"],
        market_officer=extra["market"],
        enforcement_officer=extra["enforcer"],
    )
    group_2 = services.group_create(
        campaign=campaign,
        grid_worker=extra["grid_worker_b"],
        market_officer=extra["market_b"],
        enforcement_officer=extra["enforcer_b"],
    )
    services.shares_split_by_road(campaign=campaign)
    return {
        **world,
        "users": {**users, **extra},
        "campaign": campaign,
        "groups": [group_1, group_2],
        "sweep_shops": shops,
    }
