"""What of the street sweep a user may see: shops, campaigns, joint groups, inspections.

Views, APIs and exports of shops start here, as the core's start from communities.access,
and this module is built only from that module's public primitives (role_of, scope_filter:
the user's subtree or grids as a filter on a jurisdiction path, jurisdictions_for)."""

from django.db.models import Q, QuerySet

from communities.access import jurisdictions_for, role_of, scope_filter
from communities.models import Jurisdiction, User

from .models import Assignment, Campaign, Inspection, JointGroup, Shop

Role = User.Role


def shops_for(user) -> QuerySet[Shop]:
    """Shops of the user's jurisdiction. An inspector sees only the shares of the joint
    groups they belong to; a grid worker, their grids' shops and their groups' shares."""
    if not user.is_authenticated or not user.is_active:
        return Shop.objects.none()
    shared = Q(pk__in=Assignment.objects.filter(group__in=groups_joined(user)).values("shop_id"))
    if role_of(user) == Role.INSPECTOR and not user.is_superuser:
        return Shop.objects.filter(shared)
    scope = scope_filter(user, prefix="grid__")
    if scope is None:
        return Shop.objects.all()
    if role_of(user) == Role.GRID_WORKER:
        return Shop.objects.filter(scope | shared)
    return Shop.objects.filter(scope)


def groups_joined(user) -> QuerySet[JointGroup]:
    """The joint groups the user is a member of (in any campaign)."""
    if not user.is_authenticated:
        return JointGroup.objects.none()
    return JointGroup.objects.filter(
        Q(grid_worker=user) | Q(market_officer=user) | Q(enforcement_officer=user)
    )


def campaigns_for(user) -> QuerySet[Campaign]:
    """Campaigns of the streets in the user's jurisdiction (a street's supervisor and the
    offices above), or those the user works in as a member of a joint group."""
    if not user.is_authenticated or not user.is_active:
        return Campaign.objects.none()
    joined = Q(pk__in=groups_joined(user).values("campaign_id"))
    if role_of(user) in {Role.INSPECTOR, Role.GRID_WORKER, Role.COMMUNITY_STAFF}:
        return Campaign.objects.filter(joined)
    scope = scope_filter(user, prefix="street__")
    return Campaign.objects.all() if scope is None else Campaign.objects.filter(scope | joined)


def groups_for(user) -> QuerySet[JointGroup]:
    """The joint groups of the campaigns the user sees."""
    return JointGroup.objects.filter(campaign__in=campaigns_for(user))


def group_members_of(street: Jurisdiction) -> QuerySet[User]:
    """Who may join a joint group of a campaign of `street`: its active grid workers, and
    the active inspectors placed at the street or at its district (market supervision and
    law enforcement often sit at the district)."""
    return User.objects.filter(is_active=True).filter(
        Q(role=Role.GRID_WORKER, jurisdiction__path__startswith=street.path)
        | Q(role=Role.INSPECTOR, jurisdiction_id__in=[street.pk, street.parent_id])
    )


def group_candidates(user, street: Jurisdiction) -> QuerySet[User]:
    """The possible members of `street`'s groups, for a user who sees the street."""
    if not jurisdictions_for(user).filter(pk=street.pk).exists():
        return User.objects.none()
    return group_members_of(street)


def inspections_for(user) -> QuerySet[Inspection]:
    """Inspections of the shops the user sees."""
    return Inspection.objects.filter(shop__in=shops_for(user))


def can_manage_campaigns(user) -> bool:
    """Street supervisors run their street's sweep: campaigns, groups and shares, the
    register's import."""
    return bool(user.is_superuser or role_of(user) == Role.STREET_SUPERVISOR)


def can_see_shop_phones(user) -> bool:
    """Full shop phone numbers in exports: the offices that keep the register."""
    return bool(
        user.is_superuser
        or role_of(user) in {Role.STREET_SUPERVISOR, Role.DISTRICT_OFFICE, Role.CITY_OFFICE}
    )


def street_of(user) -> Jurisdiction | None:
    """The street a supervisor runs (their place), or None."""
    node = user.jurisdiction
    return node if node is not None and node.level == Jurisdiction.Level.STREET else None
