import pytest
from django.core.management import CommandError, call_command
from django.db.models import Count
from django.utils import timezone

from communities import rules
from communities.demo import BIRTH_DAYS, COUNTY_CODES, resident_row
from communities.models import Jurisdiction, Resident, User
from shops.models import Shop

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Jurisdiction.objects.values_list("pk", "path").order_by("pk")),
        list(User.objects.values_list("pk", "username", "role", "password").order_by("pk")),
        list(Resident.objects.values_list("id_number", "grid_id").order_by("id_number")),
        list(Shop.objects.values_list("name", "grid_id").order_by("name")),
    )


def test_seed_demo_builds_taiyuan_and_twice_changes_nothing(capsys):
    call_command("seed_demo", force=True, residents=200, shops=20)
    first = snapshot()
    call_command("seed_demo", force=True, residents=200, shops=20)
    assert snapshot() == first
    community = Jurisdiction.objects.get(name="通达街社区")
    assert [a.name for a in Jurisdiction.objects.filter(pk__in=community.ancestor_ids)] == [
        "太原市",
        "小店区",
        "小店街道",
    ]
    assert {"尖草坪区", "阳曲县"} <= set(Jurisdiction.objects.values_list("name", flat=True))
    assert set(User.objects.values_list("role", flat=True)) == set(User.Role.values)
    assert Resident.objects.count() == 200 and Shop.objects.count() == 20
    codes = sorted(Resident.objects.exclude(code="green").values_list("code_rule", flat=True))
    assert codes == ["R1", "R3", "R4"]  # the demo arrivals, filed once
    out = capsys.readouterr().out
    assert "Demo@2022" in out and "grid_worker" in out


def test_seeded_people_are_valid():
    call_command("seed_demo", force=True, residents=50, shops=5)
    for resident in Resident.objects.all():
        assert rules.id_number_problem(resident.id_number, today=timezone.localdate()) is None
        assert rules.is_mobile(resident.phone)


def test_every_generated_birth_date_is_plausible_and_each_day_comes_once():
    """Every birth date of a round of seed_demo's pattern (it repeats with the next
    sequence number): plausible, each day of the span once, every age from 2 to 86."""
    today = timezone.localdate()
    births = set()
    for block in range(BIRTH_DAYS):
        id_number = resident_row(block * len(COUNTY_CODES), [1])[1]
        assert rules.id_number_problem(id_number, today=today) is None
        births.add(id_number[6:14])
    assert len(births) == BIRTH_DAYS
    assert min(births) == "19400101" and max(births) < f"{today.year - 1}"


def test_a_large_city_gets_more_grids():
    call_command("seed_demo", force=True, residents=120_000, shops=0)
    assert Resident.objects.count() == 120_000
    grids = Jurisdiction.objects.filter(level="grid").count()
    assert grids >= 120
    per_grid = Resident.objects.values("grid").annotate(n=Count("*")).values_list("n", flat=True)
    busiest = max(per_grid)
    assert busiest <= 1000


def test_refuses_with_debug_off_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")
    assert not User.objects.exists()
