import itertools
from datetime import date, timedelta

import pytest
from django.utils import timezone

from communities import rules as core_rules
from communities.tests.conftest import world_build
from communities.tests.factories import ResidentFactory
from vaccination import services
from vaccination.models import Product
from vaccination.products import products_ensure

_sequence = itertools.count(500)


@pytest.fixture
def world(db):
    """communities' world (communities/tests/conftest.py): a resident in every grid, one
    user per role in 小店区, outsiders in 尖草坪区; and the product table (a flush by an
    earlier transactional test takes the migration's rows)."""
    products_ensure()
    return world_build()


def born(years: int, days: int = 0) -> date:
    """The birth date of someone `years` years and `days` days old today."""
    today = timezone.localdate()
    try:
        birthday = today.replace(year=today.year - years)
    except ValueError:
        birthday = today.replace(year=today.year - years, day=28)
    return birthday - timedelta(days=days)


def person(grid, birth: date, **fields):
    """A resident of `grid` born on `birth` (their ID number says so)."""
    number = core_rules.make_id_number("140105", birth, next(_sequence))
    return ResidentFactory(grid=grid, id_number=number, **fields)


def give(resident, *, days_ago: int, product: str = "bbibp", booster=False, by=None, number=1):
    """A dose given `days_ago` days ago, through the service."""
    return services.dose_record(
        resident=resident,
        by=by,
        day=timezone.localdate() - timedelta(days=days_ago),
        product=Product.objects.get(code=product),
        lot="202201A015",
        site="小店区人民医院接种点",
        number=number,
        booster=booster,
    )


def full_course(resident, *, days_ago: int, product: str = "bbibp"):
    """A two-dose course of an inactivated vaccine ending `days_ago` days ago."""
    give(resident, days_ago=days_ago + 28, product=product, number=1)
    give(resident, days_ago=days_ago, product=product, number=2)
