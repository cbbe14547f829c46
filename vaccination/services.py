"""Every write of vaccination: doses recorded one by one or from a file, the status the
doses give (never typed: rules.state_of over the resident's doses), the city office's
products and booster policy."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Resident, User
from communities.rules.identity import birth_date_of

from .models import BoosterPolicy, Dose, Product
from .states import states_refresh
from .tasks import states_of_product_task

BATCH = 1000  # doses written at a time


def day_problem(day: date, *, birth: date, today: date) -> str | None:
    """Why no dose can have been given on `day` to a person born on `birth`, or None."""
    if day > today:
        return _("The vaccination date is in the future.")
    if day < birth:
        return _("The vaccination date is before the person's birth.")
    return None


REPEATED_DAY = gettext_lazy("A dose given to this person on this day is already recorded.")
INACTIVE_PRODUCT = gettext_lazy("This product is no longer in use.")


def dose_problems(*, resident: Resident, day: date | None, product: Product | None) -> dict:
    """{field: message} of what makes the dose impossible: a day in the future or before
    the resident's birth, a second dose on a day, a product no longer in use."""
    problems = {}
    if day is not None:
        birth = birth_date_of(resident.id_number)
        problem = day_problem(day, birth=birth, today=timezone.localdate())
        if problem is None and Dose.objects.filter(resident=resident, day=day).exists():
            problem = str(REPEATED_DAY)
        if problem:
            problems["day"] = problem
    if product is not None and not product.active:
        problems["product"] = str(INACTIVE_PRODUCT)
    return problems


@transaction.atomic
def dose_record(
    *,
    resident: Resident,
    by: User,
    day: date,
    product: Product,
    lot: str,
    site: str,
    number: int,
    booster: bool = False,
    manufacturer: str = "",
) -> Dose:
    """Record a dose and write the resident's status again."""
    problems = dose_problems(resident=resident, day=day, product=product)
    if problems:
        raise ValidationError(problems)
    try:
        with transaction.atomic():  # a second recording of the same day at the same moment
            dose = Dose.objects.create(
                resident=resident,
                day=day,
                product=product,
                manufacturer=manufacturer or product.manufacturer,
                lot=lot,
                site=site,
                number=number,
                booster=booster,
                recorded_by=by,
            )
    except IntegrityError:
        raise ValidationError({"day": str(REPEATED_DAY)}) from None
    states_refresh(resident_ids=[resident.pk])
    return dose


@transaction.atomic
def doses_import(*, doses: list[Dose], by: User) -> int:
    """Store checked doses of a file (the import's plan) and write their residents'
    status again: all or none."""
    for dose in doses:
        dose.recorded_by = by
    Dose.objects.bulk_create(doses, batch_size=BATCH)
    states_refresh(resident_ids={d.resident_id for d in doses})
    return len(doses)


@transaction.atomic
def product_save(*, product: Product, by: User) -> Product:
    """Save a product of the table; a changed primary course writes the status of every
    resident given a dose of it again (a job, queued when this commits)."""
    before = None if product.pk is None else Product.objects.get(pk=product.pk).primary_doses
    product.full_clean()
    product.save()
    if before is not None and before != product.primary_doses:
        transaction.on_commit(lambda: states_of_product_task.delay(product.pk))
    return product


def policy_set(
    *, effective: date, booster_age: int, booster_after_days: int, by: User, note: str = ""
) -> BoosterPolicy:
    """A booster policy from `effective` on: today or later (the past is not rewritten);
    one set for a later day and not yet in force is replaced, one in force is not."""
    today = timezone.localdate()
    if effective < today:
        raise ValidationError({"effective": _("A policy takes effect today or later.")})
    if effective == today and BoosterPolicy.objects.filter(effective=today).exists():
        raise ValidationError(
            {
                "effective": _(
                    "A policy is in force from today already: set the next one from tomorrow."
                )
            }
        )
    policy, _created = BoosterPolicy.objects.update_or_create(
        effective=effective,
        defaults={
            "booster_age": booster_age,
            "booster_after_days": booster_after_days,
            "set_by": by,
            "note": note,
        },
    )
    return policy
