"""The status of residents written from their doses (never typed): rules.state_of over
each resident's doses with the products' courses, in batches; the services call it when
doses change, a job when a product's course changes."""

from collections import defaultdict
from collections.abc import Iterable

from django.db import transaction

from communities.models import Resident

from . import rules, selectors
from .models import Dose, VaccinationState

BATCH = 1000  # residents whose status is written at a time


@transaction.atomic
def states_refresh(*, resident_ids: Iterable[int]) -> int:
    """Write the status of each resident from their doses as they are now (rows for those
    with doses, none for those without); returns how many were written. The reminder's
    mark (reminded_at) stays: a booster is reminded once."""
    ids = sorted(set(resident_ids))
    courses = selectors.courses()
    policy = rules.Policy(courses=courses)
    written = 0
    for start in range(0, len(ids), BATCH):
        batch = ids[start : start + BATCH]
        # Lock the residents (in id order: no deadlock between two writers) before the
        # doses are read: a dose recorded by another transaction meanwhile waits, so
        # the status written is never that of a set of doses without it.
        list(
            Resident.objects.select_for_update()
            .filter(pk__in=batch)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        doses = defaultdict(list)
        rows = Dose.objects.filter(resident_id__in=batch).values_list(
            "resident_id", "day", "product__code", "booster"
        )
        for resident_id, day, product, booster in rows:
            doses[resident_id].append(rules.Dose(day, product, booster))
        states = []
        for resident_id, given in doses.items():
            state = rules.state_of(given, policy)
            states.append(
                VaccinationState(
                    resident_id=resident_id,
                    status=state.status,
                    full_course_on=state.full_course_on,
                    booster_on=state.booster_on,
                    doses=len(given),
                )
            )
        VaccinationState.objects.bulk_create(
            states,
            update_conflicts=True,
            unique_fields=["resident"],
            update_fields=["status", "full_course_on", "booster_on", "doses", "updated_at"],
        )
        VaccinationState.objects.filter(resident_id__in=batch).exclude(
            resident_id__in=list(doses)
        ).delete()
        written += len(states)
    return written


def states_of_product(*, product_id: int, after: int = 0) -> int | None:
    """Write again the status of the next BATCH residents (by id, after `after`) given a
    dose of the product; returns the last id written, or None when none are left."""
    ids = list(
        Dose.objects.filter(product_id=product_id, resident_id__gt=after)
        .order_by("resident_id")
        .values_list("resident_id", flat=True)
        .distinct()[:BATCH]
    )
    if not ids:
        return None
    states_refresh(resident_ids=ids)
    return ids[-1]
