from unittest import mock

import pytest

from communities.models import User

from .factories import JurisdictionFactory, ResidentFactory, UserFactory, tree

Role = User.Role


@pytest.fixture
def world(db):
    """Two districts of one city, a resident in every grid, one user per role in 小店区
    and outsiders in 尖草坪区 (shops/tests/conftest.py adds a shop in every grid)."""
    return world_build()


def world_build() -> dict:
    """The objects of the `world` fixture, for fixtures of a wider scope."""
    nodes = tree()
    other_district = JurisdictionFactory(name="尖草坪区", level="district", parent=nodes["city"])
    other_street = JurisdictionFactory(name="尖草坪街道", level="street", parent=other_district)
    other_community = JurisdictionFactory(name="尖草坪社区", level="community", parent=other_street)
    other_grid = JurisdictionFactory(name="第1网格", level="grid", parent=other_community)
    nodes.update(
        other_district=other_district,
        other_street=other_street,
        other_community=other_community,
        other_grid=other_grid,
    )

    residents = {
        key: ResidentFactory(grid=nodes[key]) for key in ("grid_a", "grid_b", "other_grid")
    }
    users = {
        "grid_worker": UserFactory(
            role=Role.GRID_WORKER, jurisdiction=nodes["community"], grids=[nodes["grid_a"]]
        ),
        "community_staff": UserFactory(role=Role.COMMUNITY_STAFF, jurisdiction=nodes["community"]),
        "street_supervisor": UserFactory(role=Role.STREET_SUPERVISOR, jurisdiction=nodes["street"]),
        "district_office": UserFactory(role=Role.DISTRICT_OFFICE, jurisdiction=nodes["district"]),
        "city_office": UserFactory(role=Role.CITY_OFFICE, jurisdiction=nodes["city"]),
        "inspector": UserFactory(role=Role.INSPECTOR, jurisdiction=nodes["street"]),
        "admin": UserFactory(
            role=Role.ADMIN, jurisdiction=nodes["city"], is_staff=True, is_superuser=True
        ),
        "superuser": UserFactory(role="", jurisdiction=None, is_staff=True, is_superuser=True),
        "outsider_grid_worker": UserFactory(
            role=Role.GRID_WORKER,
            jurisdiction=nodes["other_community"],
            grids=[nodes["other_grid"]],
        ),
        "outsider_supervisor": UserFactory(
            role=Role.STREET_SUPERVISOR, jurisdiction=nodes["other_street"]
        ),
    }
    return {"nodes": nodes, "residents": residents, "users": users}


@pytest.fixture
def no_queue():
    """The recompute an announcement queues, not sent (and asserted on)."""
    with mock.patch("communities.tasks.recompute_after_announcement_task.delay") as delay:
        yield delay
