"""The dashboards' fixtures."""

from pathlib import Path

import pytest

from communities.tests.conftest import world_build
from communities.tests.factories import announcement_publish, arrival_file

EXAMPLE = (
    Path(__file__).resolve().parents[2]
    / "communities"
    / "fixtures"
    / "announcement_2022-03-28.json"
)


@pytest.fixture
def city(db):
    """communities' world, and an arrival two days ago from 吉林市船营区 (named by the
    example announcement) in 第1网格: red, under home quarantine, a landing test overdue."""
    world = world_build()
    announcement_publish(EXAMPLE)
    arrival_file(world["residents"]["grid_a"], place=("吉林省", "吉林市", "船营区"), days_ago=2)
    return world
