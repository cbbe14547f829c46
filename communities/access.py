"""The one place that turns a user into what they may see.

Every view, API endpoint, export and task that acts for a user starts from these
functions; `get_object_or_404(<noun>_for(user), pk=pk)` makes anything outside the user's
jurisdiction a 404. The scope is always a subtree of the tree (a path prefix), except for a
grid worker, whose scope is the grids they serve.
"""

from django.db.models import Q, QuerySet

from .models import Jurisdiction, Resident, User

Role = User.Role
Level = Jurisdiction.Level

# Roles that see the whole city, as does a superuser.
CITYWIDE_ROLES = {Role.CITY_OFFICE, Role.ADMIN}
# Roles that work with residents' personal data.
RESIDENT_ROLES = {
    Role.GRID_WORKER,
    Role.COMMUNITY_STAFF,
    Role.STREET_SUPERVISOR,
    Role.DISTRICT_OFFICE,
    Role.CITY_OFFICE,
    Role.ADMIN,
}


def is_citywide(user) -> bool:
    return bool(user.is_superuser or user.role in CITYWIDE_ROLES)


def _scope_filter(user, prefix: str = "") -> Q | None:
    """A filter on `<prefix>path` for the user's subtree; None means everything."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if is_citywide(user):
        return None
    if user.jurisdiction_id is None:
        return Q(pk__in=[])
    if user.role == Role.GRID_WORKER:
        own = Q(**{f"{prefix}pk__in": user.grids.values("pk")})
        if user.jurisdiction.level == Level.GRID:
            own |= Q(**{f"{prefix}pk": user.jurisdiction_id})
        return own
    return Q(**{f"{prefix}path__startswith": user.jurisdiction.path})


def jurisdictions_for(user) -> QuerySet[Jurisdiction]:
    """Every node the user may see (their subtree; a grid worker's grids)."""
    scope = _scope_filter(user)
    qs = Jurisdiction.objects.all()
    return qs if scope is None else qs.filter(scope)


def grids_for(user) -> QuerySet[Jurisdiction]:
    return jurisdictions_for(user).filter(level=Level.GRID)


def residents_for(user) -> QuerySet[Resident]:
    """Residents of the user's grids; none for roles that do not work with residents."""
    if not (user.is_superuser or user.role in RESIDENT_ROLES):
        return Resident.objects.none()
    scope = _scope_filter(user, prefix="grid__")
    qs = Resident.objects.all()
    return qs if scope is None else qs.filter(scope)


def shops_for(user):
    """Shops of the user's jurisdiction (inspectors: of their street or district)."""
    from shops.models import Shop  # shops depends on communities, not the reverse

    scope = _scope_filter(user, prefix="grid__")
    qs = Shop.objects.all()
    return qs if scope is None else qs.filter(scope)


def users_for(user) -> QuerySet[User]:
    """Staff placed inside the user's jurisdiction (a grid worker sees only themself)."""
    if is_citywide(user):
        return User.objects.all()
    if user.role == Role.GRID_WORKER or user.jurisdiction_id is None:
        return User.objects.filter(pk=user.pk)
    return User.objects.filter(jurisdiction__path__startswith=user.jurisdiction.path)


def can_see_full_personal_data(user) -> bool:
    """Whether the detail page may show a full ID number and phone (each view recorded)."""
    return bool(
        user.is_superuser
        or user.role
        in {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.DISTRICT_OFFICE, Role.CITY_OFFICE}
    )
