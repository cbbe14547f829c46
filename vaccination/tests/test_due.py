"""The booster list: the residents due a booster today, read by a query that must agree
with the pure rules (rules.booster_due), boundaries included (17 years 364 days, 179 and
180 days), and over random dose histories and birth dates."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaccination import listings, rules, selectors, services
from vaccination.models import Dose, Product, VaccinationState

from .conftest import born, full_course, give, person


def due_names(user, query: str = "") -> set[str]:
    return {s.resident.name for s in listings.due(user, QueryDict(query))}


@pytest.mark.parametrize(
    ("age", "age_days", "course_days_ago", "due"),
    [
        (40, 0, 180, True),  # 180 days after the full course: due
        (40, 0, 179, False),  # 179 days: not yet
        (40, 0, 400, True),
        (18, 0, 200, True),  # 18 today
        (17, 364, 200, False),  # 17 years 364 days: not yet
        (17, 0, 400, False),
        (70, 0, 181, True),
    ],
)
def test_the_booster_list_at_the_boundaries(world, age, age_days, course_days_ago, due):
    resident = person(world["nodes"]["grid_a"], born(age, age_days), name="对象")
    full_course(resident, days_ago=course_days_ago)
    assert ("对象" in due_names(world["users"]["grid_worker"])) is due


def test_a_booster_takes_a_person_off_the_list(world):
    resident = person(world["nodes"]["grid_a"], born(40), name="已加强")
    full_course(resident, days_ago=300)
    worker = world["users"]["grid_worker"]
    assert "已加强" in due_names(worker)
    give(resident, days_ago=0, booster=True, number=3)
    assert "已加强" not in due_names(worker)


def test_incomplete_courses_and_the_unvaccinated_are_not_on_the_booster_list(world):
    grid = world["nodes"]["grid_a"]
    give(person(grid, born(40), name="一针"), days_ago=300)
    person(grid, born(40), name="未接种")
    assert due_names(world["users"]["grid_worker"]) == set()


def test_the_city_offices_policy_moves_the_boundary(world):
    resident = person(world["nodes"]["grid_a"], born(40), name="九十天")
    full_course(resident, days_ago=100)
    worker = world["users"]["grid_worker"]
    assert "九十天" not in due_names(worker)
    services.policy_set(
        effective=timezone.localdate(),
        booster_age=18,
        booster_after_days=90,
        by=world["users"]["city_office"],
    )
    assert "九十天" in due_names(worker)


def test_the_list_is_the_users_own(world):
    grid_a, grid_b, other = (world["nodes"][k] for k in ("grid_a", "grid_b", "other_grid"))
    for grid, name in ((grid_a, "甲"), (grid_b, "乙"), (other, "外")):
        full_course(person(grid, born(40), name=name), days_ago=300)
    users = world["users"]
    assert due_names(users["grid_worker"]) == {"甲"}
    assert due_names(users["community_staff"]) == {"甲", "乙"}
    assert due_names(users["city_office"]) == {"甲", "乙", "外"}
    assert due_names(users["outsider_grid_worker"]) == {"外"}
    assert due_names(users["city_office"], f"node={grid_b.pk}") == {"乙"}


def test_the_list_by_age_band(world):
    grid = world["nodes"]["grid_a"]
    full_course(person(grid, born(65), name="老"), days_ago=300)
    full_course(person(grid, born(30), name="中"), days_ago=300)
    worker = world["users"]["grid_worker"]
    assert due_names(worker, "band=60_79") == {"老"}
    assert due_names(worker, "band=18_59") == {"中"}


DAYS = st.integers(min_value=0, max_value=900)
HISTORY = st.lists(
    st.tuples(DAYS, st.sampled_from(["bbibp", "coronavac", "ad5", "zf2001"]), st.booleans()),
    max_size=4,
)


@pytest.mark.django_db
def test_the_list_agrees_with_the_rules_over_random_histories(world):
    """Random residents (ages 10 to 80, a birthday near the 18th) with random doses: the
    booster list of the grid holds exactly those the rules call due."""
    grid = world["nodes"]["grid_a"]
    worker = world["users"]["grid_worker"]
    products = {p.code: p for p in Product.objects.all()}
    courses = {code: p.primary_doses for code, p in products.items()}
    policy = rules.Policy(courses=courses)
    today = timezone.localdate()

    @settings(
        max_examples=40,
        deadline=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(
        people=st.lists(
            st.tuples(st.integers(min_value=10, max_value=80), st.integers(0, 400), HISTORY),
            min_size=1,
            max_size=5,
        )
    )
    def check(people):
        with transaction.atomic():
            expected = set()
            for index, (years, days, history) in enumerate(people):
                birth = born(years, days)
                resident = person(grid, birth, name=f"随机{index}")
                doses, seen = [], set()
                for days_ago, code, booster in history:
                    day = today - timedelta(days=days_ago)
                    if day in seen or day < birth:
                        continue
                    seen.add(day)
                    doses.append(
                        Dose(
                            resident=resident,
                            day=day,
                            product=products[code],
                            lot="L1",
                            site="S",
                            number=1,
                            booster=booster,
                        )
                    )
                services.doses_import(doses=doses, by=worker)
                state = rules.state_of(
                    [rules.Dose(d.day, d.product.code, d.booster) for d in doses], policy
                )
                if rules.booster_due(state, birth=birth, policy=policy, today=today):
                    expected.add(resident.name)
            assert due_names(worker) == expected
            transaction.set_rollback(True)

    check()


def test_the_stored_status_is_the_rules_status(world):
    resident = person(world["nodes"]["grid_a"], born(40))
    full_course(resident, days_ago=10, product="coronavac")
    give(resident, days_ago=0, booster=True, number=3)
    stored = VaccinationState.objects.get(resident=resident)
    policy = selectors.policy_on(timezone.localdate())
    ruled = rules.state_of(
        [rules.Dose(d.day, d.product.code, d.booster) for d in resident.doses.all()], policy
    )
    assert (stored.status, stored.full_course_on, stored.booster_on) == (
        ruled.status,
        ruled.full_course_on,
        ruled.booster_on,
    )
