"""Who sees which dashboard: the supervising roles (community staff for their community,
the street supervisor, the district and city offices), each only the nodes of their own
subtree; built on communities.access like every app's access module."""

from django.db.models import QuerySet

from communities.access import jurisdictions_for, role_of
from communities.models import Jurisdiction, User

Role = User.Role
DASHBOARD_ROLES = {
    Role.COMMUNITY_STAFF,
    Role.STREET_SUPERVISOR,
    Role.DISTRICT_OFFICE,
    Role.CITY_OFFICE,
}


def can_see_dashboards(user) -> bool:
    return bool(
        user.is_authenticated
        and user.is_active
        and (user.is_superuser or role_of(user) in DASHBOARD_ROLES)
    )


def dashboard_nodes(user) -> QuerySet[Jurisdiction]:
    """The nodes whose dashboard the user may open: their subtree above the grids."""
    if not can_see_dashboards(user):
        return Jurisdiction.objects.none()
    return jurisdictions_for(user).exclude(level=Jurisdiction.Level.GRID)
