"""The status is written from the doses by the services, never typed; a dose that cannot
have been given is refused with a message and stores nothing."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from vaccination import services, states
from vaccination.models import BoosterPolicy, Dose, Product, Status, VaccinationState

from .conftest import born, full_course, give, person


def state(resident):
    return VaccinationState.objects.filter(resident=resident).first()


def test_the_status_follows_each_dose(world):
    resident = person(world["nodes"]["grid_a"], born(40))
    assert state(resident) is None
    give(resident, days_ago=60)
    assert state(resident).status == Status.INCOMPLETE
    give(resident, days_ago=30, number=2)
    recorded = state(resident)
    assert (recorded.status, recorded.full_course_on, recorded.doses) == (
        Status.FULL,
        timezone.localdate() - timedelta(days=30),
        2,
    )
    give(resident, days_ago=0, booster=True, number=3)
    assert state(resident).status == Status.BOOSTER
    assert state(resident).booster_on == timezone.localdate()


def test_one_dose_of_the_adenovirus_vector_vaccine_is_a_full_course(world):
    resident = person(world["nodes"]["grid_a"], born(30))
    give(resident, days_ago=10, product="ad5")
    assert state(resident).status == Status.FULL


@pytest.mark.parametrize(
    ("days_ago", "birth_years", "field"),
    [
        (-1, 40, "day"),  # tomorrow
        (200, 0, "day"),  # 200 days before the birth of a baby born today
    ],
)
def test_a_dose_that_cannot_have_been_given_is_refused_and_nothing_is_stored(
    world, days_ago, birth_years, field
):
    resident = person(world["nodes"]["grid_a"], born(birth_years))
    with pytest.raises(ValidationError) as refused:
        give(resident, days_ago=days_ago)
    assert field in refused.value.message_dict
    assert not Dose.objects.filter(resident=resident).exists()
    assert state(resident) is None


def test_a_second_dose_on_one_day_is_refused(world):
    resident = person(world["nodes"]["grid_a"], born(40))
    give(resident, days_ago=5)
    with pytest.raises(ValidationError) as refused:
        give(resident, days_ago=5, product="coronavac", number=2)
    assert "已登记" in str(refused.value.message_dict["day"])
    assert Dose.objects.filter(resident=resident).count() == 1


def test_a_product_no_longer_in_use_is_refused(world):
    Product.objects.filter(code="wibp").update(active=False)
    resident = person(world["nodes"]["grid_a"], born(40))
    with pytest.raises(ValidationError) as refused:
        give(resident, days_ago=5, product="wibp")
    assert "product" in refused.value.message_dict


def test_a_changed_primary_course_writes_the_status_again_by_a_job(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    resident = person(world["nodes"]["grid_a"], born(40))
    give(resident, days_ago=30, product="zf2001")
    give(resident, days_ago=10, product="zf2001", number=2)
    assert state(resident).status == Status.INCOMPLETE  # three doses
    product = Product.objects.get(code="zf2001")
    product.primary_doses = 2
    queued = []
    monkeypatch.setattr(
        "vaccination.services.states_of_product_task.delay", lambda *a: queued.append(a)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.product_save(product=product, by=world["users"]["city_office"])
    assert queued == [(product.pk,)]
    assert states.states_of_product(product_id=product.pk) == resident.pk
    assert state(resident).status == Status.FULL
    assert states.states_of_product(product_id=product.pk, after=resident.pk) is None


def test_a_saved_product_with_the_same_course_queues_nothing(
    world, django_capture_on_commit_callbacks, monkeypatch
):
    product = Product.objects.get(code="bbibp")
    product.manufacturer = "国药集团北京生物制品研究所"
    queued = []
    monkeypatch.setattr(
        "vaccination.services.states_of_product_task.delay", lambda *a: queued.append(a)
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.product_save(product=product, by=world["users"]["city_office"])
    assert queued == []


def test_the_task_runs_the_whole_product_twice_harmlessly(world, monkeypatch):
    from vaccination.tasks import states_of_product_task

    residents = [person(world["nodes"]["grid_a"], born(40)) for _ in range(3)]
    for resident in residents:
        full_course(resident, days_ago=30)
    VaccinationState.objects.update(status=Status.INCOMPLETE)  # as if the course changed
    monkeypatch.setattr(states, "BATCH", 2)
    calls = []
    monkeypatch.setattr(states_of_product_task, "delay", lambda *a: calls.append(a))
    bbibp = Product.objects.get(code="bbibp").pk
    states_of_product_task(bbibp)
    states_of_product_task(*calls[-1])
    states_of_product_task(bbibp)  # again: the same statuses
    assert set(VaccinationState.objects.values_list("status", flat=True)) == {Status.FULL}


def test_a_policy_takes_effect_today_or_later_and_one_in_force_is_never_edited(world):
    today = timezone.localdate()
    city = world["users"]["city_office"]
    with pytest.raises(ValidationError):
        services.policy_set(
            effective=today - timedelta(days=1), booster_age=18, booster_after_days=180, by=city
        )
    services.policy_set(effective=today, booster_age=18, booster_after_days=180, by=city)
    with pytest.raises(ValidationError):
        services.policy_set(effective=today, booster_age=18, booster_after_days=90, by=city)
    tomorrow = today + timedelta(days=1)
    services.policy_set(effective=tomorrow, booster_age=18, booster_after_days=120, by=city)
    services.policy_set(effective=tomorrow, booster_age=18, booster_after_days=90, by=city)
    assert list(BoosterPolicy.objects.values_list("booster_after_days", flat=True)) == [90, 180]


def test_the_migration_holds_the_same_products_and_ensure_puts_back_a_missing_one(world):
    import importlib

    from vaccination.products import PRODUCTS, products_ensure

    migration = importlib.import_module("vaccination.migrations.0002_products")
    assert migration.PRODUCTS == PRODUCTS
    Product.objects.filter(code="zf2001").delete()
    Product.objects.filter(code="ad5").update(primary_doses=2)  # the city office's change
    assert products_ensure() == 1
    assert Product.objects.get(code="ad5").primary_doses == 2
