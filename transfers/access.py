"""Whose imports a user sees: their own, and for the levels above that may see residents'
full personal data (community staff, the district and city offices:
communities.access.can_see_full_personal_data) those of the staff placed inside their
jurisdiction (communities.access.users_for); each such view of another's file is recorded.
A grid worker sees only their own, as do the roles that see personal data masked (street
supervisor, inspector, administrator): a file holds ID numbers and phones in full. An
export is its author's alone (selectors.export_list)."""

from django.db.models import QuerySet

from communities import access as core_access
from communities.models import User

from . import registry
from .models import Import

SEES_OWN_ONLY = {User.Role.GRID_WORKER, User.Role.INSPECTOR}


def imports_for(user) -> QuerySet[Import]:
    if not user.is_authenticated:
        return Import.objects.none()
    if core_access.role_of(user) in SEES_OWN_ONLY or not core_access.can_see_full_personal_data(
        user
    ):
        return Import.objects.filter(by=user)
    return Import.objects.filter(by__in=core_access.users_for(user))


def import_kinds_for(user) -> list[registry.ImportKind]:
    """The kinds of file the user may import, for the menu and the record page."""
    return [kind for kind in registry.IMPORTS.values() if kind.allowed(user)]
