"""What of vaccination a user may see and do. Views, APIs, exports and imports of
vaccination start here; built only from communities.access's public primitives (role_of,
scope_filter, works_with_residents), as shops/access.py is."""

from django.db.models import QuerySet

from communities.access import role_of, scope_filter, works_with_residents
from communities.models import User

from .models import Dose, VaccinationState

Role = User.Role

# Who enters doses: the grid worker and the community for their residents, the district
# and city offices (the vaccination sites' files reach them).
RECORDING_ROLES = {
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.DISTRICT_OFFICE,
    Role.CITY_OFFICE,
}


def can_see_vaccination(user) -> bool:
    """The roles that work with residents see their vaccination."""
    return works_with_residents(user)


def can_record_doses(user) -> bool:
    return bool(user.is_superuser or role_of(user) in RECORDING_ROLES)


def can_set_policy(user) -> bool:
    """The products' table and the booster policy are the city office's."""
    return bool(user.is_superuser or role_of(user) == Role.CITY_OFFICE)


def _of_residents(user, qs: QuerySet) -> QuerySet:
    if not works_with_residents(user):
        return qs.none()
    scope = scope_filter(user, prefix="resident__grid__")
    return qs if scope is None else qs.filter(scope)


def doses_for(user) -> QuerySet[Dose]:
    """The doses of the residents the user may see."""
    return _of_residents(user, Dose.objects.all())


def states_for(user) -> QuerySet[VaccinationState]:
    """The vaccination status of the residents the user may see."""
    return _of_residents(user, VaccinationState.objects.all())
