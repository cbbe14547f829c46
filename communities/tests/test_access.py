"""What each role may see: nothing crosses a jurisdiction."""

import pytest

from communities import access

ALL = {"grid_a", "grid_b", "other_grid"}
OURS = {"grid_a", "grid_b"}

# role → grids whose residents / shops the role sees (shops: shops/tests/test_access.py)
VISIBLE = {
    "grid_worker": ({"grid_a"}, {"grid_a"}),
    "community_staff": (OURS, OURS),
    "street_supervisor": (OURS, OURS),
    "district_office": (OURS, OURS),
    "city_office": (ALL, ALL),
    # inspectors never see residents, and of the shops only their joint group's share
    # (shops/tests/test_access.py); this one is in no group
    "inspector": (set(), set()),
    "admin": (ALL, ALL),
    "superuser": (ALL, ALL),
    "outsider_grid_worker": ({"other_grid"}, {"other_grid"}),
    "outsider_supervisor": ({"other_grid"}, {"other_grid"}),
}


@pytest.mark.parametrize("role", VISIBLE)
def test_residents_for_role(world, role):
    expected = {world["residents"][key].pk for key in VISIBLE[role][0]}
    got = set(access.residents_for(world["users"][role]).values_list("pk", flat=True))
    assert got == expected


@pytest.mark.parametrize(
    ("role", "grids"),
    [
        ("grid_worker", {"grid_a"}),
        ("community_staff", OURS),
        ("street_supervisor", OURS),
        ("district_office", OURS),
        ("city_office", ALL),
        ("outsider_grid_worker", {"other_grid"}),
    ],
)
def test_grids_for_role(world, role, grids):
    expected = {world["nodes"][key].pk for key in grids}
    assert set(access.grids_for(world["users"][role]).values_list("pk", flat=True)) == expected


def test_a_grid_worker_placed_on_a_grid_sees_that_grid(world):
    from .factories import UserFactory

    user = UserFactory(role="grid_worker", jurisdiction=world["nodes"]["grid_b"])
    assert list(access.grids_for(user)) == [world["nodes"]["grid_b"]]


def test_street_supervisor_sees_no_node_above_the_street(world):
    user = world["users"]["street_supervisor"]
    visible = set(access.jurisdictions_for(user).values_list("name", flat=True))
    assert visible == {"小店街道", "通达街社区", "第1网格", "第2网格"}


def test_staff_without_jurisdiction_see_nothing(world):
    from .factories import UserFactory

    user = UserFactory(role="community_staff", jurisdiction=None)
    assert not access.residents_for(user).exists()
    assert not access.jurisdictions_for(user).exists()


def test_inactive_user_sees_nothing(world):
    user = world["users"]["city_office"]
    user.is_active = False
    assert not access.residents_for(user).exists()


def test_users_for_stays_inside_the_subtree(world):
    users = world["users"]
    seen = set(access.users_for(users["street_supervisor"]))
    assert users["grid_worker"] in seen
    assert users["outsider_grid_worker"] not in seen
    assert set(access.users_for(users["grid_worker"])) == {users["grid_worker"]}


@pytest.mark.parametrize(
    ("role", "full"),
    [
        ("grid_worker", True),
        ("community_staff", True),
        ("street_supervisor", False),
        ("district_office", True),
        ("city_office", True),
        ("inspector", False),
        ("superuser", True),
    ],
)
def test_who_sees_full_personal_data(world, role, full):
    assert access.can_see_full_personal_data(world["users"][role]) is full


def test_staff_placed_nowhere_see_no_tasks_rather_than_an_error(world):
    from django.utils import timezone

    from communities.models import GridTask, User

    from .factories import UserFactory

    GridTask.objects.create(
        kind=GridTask.Kind.VENUE_REPORT,
        community=world["nodes"]["community"],
        due_at=timezone.now(),
    )
    unplaced = UserFactory(role=User.Role.COMMUNITY_STAFF, jurisdiction=None)
    assert not access.tasks_for(unplaced).exists()
    assert access.tasks_for(world["users"]["community_staff"]).count() == 1


def test_a_workers_grids_are_read_once_and_forgotten_when_they_change(
    world, django_assert_num_queries
):
    """Issue 14: the scope names the worker's grids themselves (the planner can count
    them), read once for the user object; changing the grids through it forgets them."""
    worker = world["users"]["grid_worker"]
    residents = world["residents"]
    assert set(access.residents_for(worker)) == {residents["grid_a"]}
    with django_assert_num_queries(1):  # the residents only: the grids are kept
        assert set(access.residents_for(worker)) == {residents["grid_a"]}
    worker.grids.add(world["nodes"]["grid_b"])
    assert set(access.residents_for(worker)) == {residents["grid_a"], residents["grid_b"]}
    worker.grids.remove(world["nodes"]["grid_a"])
    assert set(access.residents_for(worker)) == {residents["grid_b"]}
