"""Reads of vaccination: the policy in force, the booster list, the residents by status
and age band (each list's rows for its page and its export), a resident's doses."""

from datetime import date

from django.db.models import Q, QuerySet
from django.db.models.functions import Substr

from communities.models import Jurisdiction, Resident
from communities.rules.identity import birth_date_of

from . import rules
from .models import BoosterPolicy, Dose, Product, Status, VaccinationState

# The birth date inside an ID number (GB 11643: digits 7 to 14, YYYYMMDD): compared as
# text, it orders as the date does, so a band or an age is a range on it.
BIRTH = 6, 8


def birth_of(path: str = "") -> Substr:
    """The birth date digits of the ID number at `path` ("resident__" from a dose)."""
    return Substr(f"{path}id_number", BIRTH[0] + 1, BIRTH[1])


def digits(day: date) -> str:
    return day.strftime("%Y%m%d")


def due_on_of(state: VaccinationState, policy: rules.Policy) -> date | None:
    """The day a booster is due for a kept status (rules.booster_due_on; None for any
    status but a full course), the resident's birth read from their ID number."""
    return rules.booster_due_on(
        rules.State(state.status, full_course_on=state.full_course_on),
        birth=birth_date_of(state.resident.id_number),
        policy=policy,
    )


def courses() -> dict[str, int]:
    """Every product's primary course by its code (those no longer in use too: their
    doses were given)."""
    return dict(Product.objects.values_list("code", "primary_doses"))


def policy_history(limit: int = 20) -> QuerySet[BoosterPolicy]:
    """The booster policies, the latest first, with who set them."""
    return BoosterPolicy.objects.select_related("set_by")[:limit]


def products() -> QuerySet[Product]:
    return Product.objects.all()


def policy_row_on(day: date) -> BoosterPolicy | None:
    return BoosterPolicy.objects.filter(effective__lte=day).order_by("-effective").first()


def policy_on(day: date) -> rules.Policy:
    """The rules' policy in force on `day`: the products' courses, and the booster age and
    interval of the latest policy effective by then (the rules' defaults before any)."""
    row = policy_row_on(day)
    if row is None:
        return rules.Policy(courses=courses())
    return rules.Policy(
        courses=courses(),
        booster_age=row.booster_age,
        booster_after_days=row.booster_after_days,
    )


def due_filter(policy: rules.Policy, day: date, path: str = "") -> Q:
    """A filter on VaccinationState (`path` leads to it: "vaccination__" from a resident)
    for those due a booster on `day`: rules.booster_due as two bounds
    (rules.booster_cutoffs); used with birth_of's alias `birth`."""
    latest_course, latest_birth = rules.booster_cutoffs(policy, day)
    return Q(
        **{
            f"{path}status": Status.FULL,
            f"{path}full_course_on__lte": latest_course,
            "birth__lte": digits(latest_birth),
        }
    )


def due_states(states: QuerySet[VaccinationState], *, policy, day) -> QuerySet:
    """The states of `states` due a booster on `day`, the longest due first (the index
    vaccination_due)."""
    return (
        states.alias(birth=birth_of("resident__"))
        .filter(due_filter(policy, day))
        .order_by("full_course_on", "resident_id")
    )


def band_filter(band: rules.Band, day: date) -> Q:
    """Residents of `band` on `day`, on the alias `birth` (birth_of)."""
    after, until = rules.band_births(band, day)
    q = Q(birth__lte=digits(until))
    return q if after is None else q & Q(birth__gt=digits(after))


def band_get(key: str) -> rules.Band | None:
    return next((band for band in (*rules.BANDS, rules.ALL_BANDS) if band.key == key), None)


# The statuses a list is filtered by (?status=): each a filter on a resident.
COMPLETED = "completed"  # a full course, with or without a booster (the coverage's)
STATUS_FILTERS = {
    Status.NONE: Q(vaccination__isnull=True),
    Status.INCOMPLETE: Q(vaccination__status=Status.INCOMPLETE),
    Status.FULL: Q(vaccination__status=Status.FULL),
    Status.BOOSTER: Q(vaccination__status=Status.BOOSTER),
    COMPLETED: Q(vaccination__status__in=[Status.FULL, Status.BOOSTER]),
}


def resident_list(
    residents: QuerySet[Resident],
    *,
    node: Jurisdiction | None,
    status: str = "",
    band: rules.Band | None = None,
    day: date,
) -> QuerySet[Resident]:
    """`residents` (a user's) with their status, narrowed by node, status and band, by
    name."""
    residents = residents.select_related("grid__parent", "vaccination")
    if node is not None:
        residents = residents.filter(grid__path__startswith=node.path)
    if status in STATUS_FILTERS:
        residents = residents.filter(STATUS_FILTERS[status])
    if band is not None:
        residents = residents.alias(birth=birth_of()).filter(band_filter(band, day))
    return residents.order_by("name", "pk")


def doses_of(resident: Resident) -> QuerySet[Dose]:
    return resident.doses.select_related("product").order_by("day", "pk")


def state_of(resident: Resident) -> VaccinationState | None:
    return VaccinationState.objects.filter(resident=resident).select_related("resident").first()
