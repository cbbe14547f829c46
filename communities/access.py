"""The one place that turns a user into what they may see.

Every view, API endpoint, export and task that acts for a user starts from these
functions; `get_object_or_404(<noun>_for(user), pk=pk)` makes anything outside the user's
jurisdiction a 404. The scope is always a subtree of the tree (a path prefix), except for a
grid worker, whose scope is the grids they serve.

The apps that build on communities keep their own access.py (shops/access.py: shops_for),
made only of the public primitives here: role_of, is_citywide, scope_filter (the user's
subtree or grids as a filter on a jurisdiction path), jurisdictions_for and grids_for. This
module imports no other app: the core does not know who builds on it.
"""

from collections import defaultdict

from django.db.models import Q, QuerySet

from .models import (
    Anomaly,
    ArrivalReport,
    CodeChangeProposal,
    ControlMeasure,
    DecisionReview,
    FollowUp,
    GridTask,
    HealthCodeEvent,
    ImpactPreview,
    Jurisdiction,
    NucleicAcidTest,
    Resident,
    User,
)

Role = User.Role
Level = Jurisdiction.Level

# Roles placed in a district that see nothing of it by their place: a quarantine hotel's
# staff see the hotels whose roster they are on (hotels/access.py), nothing else.
PLACED_ONLY_ROLES = {Role.HOTEL_STAFF}
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


def role_of(user) -> str:
    """The user's role; "" for anonymous users (the schema generator, public pages)."""
    return getattr(user, "role", "")


def is_placed_only(user) -> bool:
    """Whether the user's place gives them nothing to see (PLACED_ONLY_ROLES)."""
    return role_of(user) in PLACED_ONLY_ROLES


def is_citywide(user) -> bool:
    return bool(user.is_superuser or role_of(user) in CITYWIDE_ROLES)


def scope_filter(user, prefix: str = "") -> Q | None:
    """A filter on `<prefix>path` for the user's subtree (on `<prefix>pk` for a grid
    worker's grids); None means everything. `prefix` leads from the row to its node
    ("grid__" for a row of a grid)."""
    if not user.is_authenticated or not user.is_active:
        return Q(pk__in=[])
    if is_citywide(user):
        return None
    if user.jurisdiction_id is None or role_of(user) in PLACED_ONLY_ROLES:
        return Q(pk__in=[])
    if role_of(user) == Role.GRID_WORKER:
        return Q(**{f"{prefix}pk__in": served_grid_ids(user)})
    return Q(**{f"{prefix}path__startswith": user.jurisdiction.path})


SERVED_GRIDS = "_served_grid_ids"  # where served_grid_ids keeps them on the user object


def served_grid_ids(user) -> list[int]:
    """The grids a grid worker serves (and their own place when it is a grid), read once
    for the user object, a request's user: every scope of the request then names the ids
    themselves. With a subquery in their place the database could not tell a worker's two
    grids from a million residents' worth and walked the whole name index for a page of
    theirs (issue 14). `user.grids.add()` and the like forget them (signals.py)."""
    ids = user.__dict__.get(SERVED_GRIDS)
    if ids is None:
        ids = set(user.grids.values_list("pk", flat=True))
        if user.jurisdiction.level == Level.GRID:
            ids.add(user.jurisdiction_id)
        ids = user.__dict__[SERVED_GRIDS] = sorted(ids)
    return ids


def jurisdictions_for(user) -> QuerySet[Jurisdiction]:
    """Every node the user may see (their subtree; a grid worker's grids)."""
    scope = scope_filter(user)
    qs = Jurisdiction.objects.all()
    return qs if scope is None else qs.filter(scope)


def grids_for(user) -> QuerySet[Jurisdiction]:
    return jurisdictions_for(user).filter(level=Level.GRID)


def works_with_residents(user) -> bool:
    return bool(user.is_superuser or role_of(user) in RESIDENT_ROLES)


def residents_for(user) -> QuerySet[Resident]:
    """Residents of the user's grids; none for roles that do not work with residents."""
    if not works_with_residents(user):
        return Resident.objects.none()
    scope = scope_filter(user, prefix="grid__")
    qs = Resident.objects.all()
    return qs if scope is None else qs.filter(scope)


def residents_to_match() -> QuerySet[Resident]:
    """Every resident of the city, to match a person named by someone who may not see
    them: a venue or the big-data platform sees people from anywhere and its report goes
    to their grid, a self-report or a public appeal names its own person. What matches is
    handed to a service, never shown to the one who named it; this is the one deliberate
    city-wide lookup of residents."""
    return Resident.objects.all()


def users_for(user) -> QuerySet[User]:
    """Staff placed inside the user's jurisdiction (a grid worker sees only themself)."""
    if not user.is_authenticated:
        return User.objects.none()
    if is_citywide(user):
        return User.objects.all()
    if role_of(user) in {Role.GRID_WORKER, *PLACED_ONLY_ROLES} or user.jurisdiction_id is None:
        return User.objects.filter(pk=user.pk)
    return User.objects.filter(jurisdiction__path__startswith=user.jurisdiction.path)


# Who gives a staff member who forgot their password a temporary one in the portal: the
# district office for its district's staff; the city's administrators for anyone.
PASSWORD_RESET_ROLES = {Role.DISTRICT_OFFICE, Role.ADMIN}
# Accounts a district office leaves to the administrators: its peers and the offices above.
OFFICE_ROLES = {Role.DISTRICT_OFFICE, Role.CITY_OFFICE, Role.ADMIN}


def can_reset_passwords(user) -> bool:
    return bool(user.is_superuser or role_of(user) in PASSWORD_RESET_ROLES)


def accounts_to_reset_for(user) -> QuerySet[User]:
    """The active accounts whose password the user may reset, never their own: a district
    office, the staff placed in its district but the offices; an administrator, everyone.
    Only a superuser resets an account that reaches the admin site (is_staff): a temporary
    password known to its giver would be a way in."""
    if not can_reset_passwords(user):
        return User.objects.none()
    accounts = users_for(user).filter(is_active=True).exclude(pk=user.pk)
    if user.is_superuser:
        return accounts
    if role_of(user) == Role.DISTRICT_OFFICE:
        accounts = accounts.exclude(role__in=OFFICE_ROLES)
    return accounts.exclude(Q(is_staff=True) | Q(is_superuser=True))


def can_file_arrivals(user) -> bool:
    return works_with_residents(user)


def can_publish_announcements(user) -> bool:
    return is_citywide(user)


def impact_previews_for(user) -> QuerySet[ImpactPreview]:
    """An announcement's dry runs: the city office's, who publish them."""
    if can_publish_announcements(user):
        return ImpactPreview.objects.all()
    return ImpactPreview.objects.none()


def communities_for(user) -> QuerySet[Jurisdiction]:
    """The communities the user works in: those of their subtree, a grid worker's the
    communities of their grids."""
    if role_of(user) == Role.GRID_WORKER:
        return Jurisdiction.objects.filter(pk__in=grids_for(user).values("parent"))
    return jurisdictions_for(user).filter(level=Level.COMMUNITY)


def can_file_venue_reports(user) -> bool:
    """Those who take a venue's report (grid workers, community staff and the offices);
    not inspectors, and no one who merely has an account."""
    return works_with_residents(user)


def arrivals_for(user) -> QuerySet[ArrivalReport]:
    """Arrival reports of the user's residents, and self-reports not yet verified that
    landed in a community the user covers."""
    if not can_file_arrivals(user):
        return ArrivalReport.objects.none()
    if is_citywide(user):
        return ArrivalReport.objects.all()
    # One query of the two sets' union, each read through its own index (the residents'
    # arrivals by resident, the community's by community): one filter OR-ing them made
    # PostgreSQL hash a million residents for a grid worker's page (330 ms).
    communities = communities_for(user)
    of_residents = ArrivalReport.objects.filter(resident__in=residents_for(user))
    in_communities = ArrivalReport.objects.filter(
        Q(resident__isnull=True) | Q(state=ArrivalReport.State.SUBMITTED),
        community__in=communities,
    )
    return ArrivalReport.objects.filter(
        pk__in=of_residents.order_by().values("pk").union(in_communities.order_by().values("pk"))
    )


def tasks_for(user) -> QuerySet[GridTask]:
    """Open and done tasks the user covers. A task about a registered resident belongs to
    that resident's grid; only a task without a resident yet (a self-report, a person to
    find) belongs to the community's grid workers (DOMAIN.md section 5)."""
    if not can_file_arrivals(user):
        return GridTask.objects.none()
    if is_citywide(user):
        return GridTask.objects.all()
    if role_of(user) == Role.GRID_WORKER:
        communities = grids_for(user).values("parent")
        return GridTask.objects.filter(
            Q(resident__isnull=True, community__in=communities)
            | scope_filter(user, prefix="resident__grid__")
        )
    # the same subtree as every other scope (an unplaced or inactive user: nothing)
    return GridTask.objects.filter(scope_filter(user, prefix="community__"))


def can_see_full_personal_data(user) -> bool:
    """Whether the detail page may show a full ID number and phone (each view recorded)."""
    return bool(
        user.is_superuser
        or role_of(user)
        in {Role.GRID_WORKER, Role.COMMUNITY_STAFF, Role.DISTRICT_OFFICE, Role.CITY_OFFICE}
    )


# --- Manual changes ----------------------------------------------------------------------


def proposals_for(user) -> QuerySet[CodeChangeProposal]:
    """Manual code changes of the user's residents."""
    return CodeChangeProposal.objects.filter(resident__in=residents_for(user))


def has_inbox(user) -> bool:
    """The offices, community staff and the street supervisor (the sweep's red shops due
    for re-inspection), whose work waits in the home page's inbox."""
    return role_of(user) in {
        Role.COMMUNITY_STAFF,
        Role.STREET_SUPERVISOR,
        Role.DISTRICT_OFFICE,
        Role.CITY_OFFICE,
    }


def can_file_appeals(user) -> bool:
    """Grid workers file appeals for their residents (anyone may on the public page)."""
    return bool(user.is_superuser or role_of(user) == Role.GRID_WORKER)


def can_propose(user) -> bool:
    return bool(user.is_superuser or role_of(user) == Role.DISTRICT_OFFICE)


def can_decide_proposals(user) -> bool:
    return bool(user.is_superuser or role_of(user) == Role.CITY_OFFICE)


# --- Appeals (误赋码申诉) ------------------------------------------------------------------


def appeals_for(user) -> QuerySet:
    """Appeals of the residents the user may see: the city office and superusers see all,
    roles that do not work with residents (inspectors) none. The same filter as
    residents_for, through the appeal's resident, so that it stays one query."""
    from .models import Appeal  # imported here so that this section only appends

    return _of_residents(user, Appeal)


def measures_for(user) -> QuerySet[ControlMeasure]:
    """Control measures of the residents the user may see (residents_for's filter through
    the measure's resident: for the city office none at all, where a subquery of every
    resident cost the follow-up list's count 30 ms)."""
    return _of_residents(user, ControlMeasure)


def tests_for(user) -> QuerySet[NucleicAcidTest]:
    """Nucleic-acid tests of the residents the user may see (as measures_for)."""
    return _of_residents(user, NucleicAcidTest)


def followups_for(user) -> QuerySet[FollowUp]:
    """Daily follow-ups of the user's residents."""
    return _of_residents(user, FollowUp)


def code_events_for(user) -> QuerySet[HealthCodeEvent]:
    """Code changes of the user's residents."""
    return _of_residents(user, HealthCodeEvent)


def _of_residents(user, model) -> QuerySet:
    """The rows of `model` (each with a `resident`) of the residents the user may see;
    none for roles that do not work with residents."""
    if not works_with_residents(user):
        return model.objects.none()
    return _through_resident(user, model.objects.all())


def _through_resident(user, qs: QuerySet) -> QuerySet:
    """`qs` narrowed to rows of the user's residents: residents_for's filter through the
    row's resident, so that it stays one query."""
    scope = scope_filter(user, prefix="resident__grid__")
    return qs if scope is None else qs.filter(scope)


def can_push(user) -> bool:
    """The big-data platform's accounts: the city office, or a district office for its
    district."""
    return bool(is_citywide(user) or role_of(user) == Role.DISTRICT_OFFICE)


def grid_workers_by_grid(grid_ids: set[int] | None) -> dict[int, set[int]]:
    """The other way round: the active grid workers serving each grid (the grids they
    serve, or the grid they are placed at, as in their scope above), by grid id; two
    indexed queries (an OR across the join made PostgreSQL scan). None: every grid's."""
    workers = defaultdict(set)
    active = {"role": Role.GRID_WORKER, "is_active": True}
    served = User.grids.through.objects.filter(**{f"user__{k}": v for k, v in active.items()})
    placed = User.objects.filter(jurisdiction__level=Jurisdiction.Level.GRID, **active)
    if grid_ids is not None:
        served = served.filter(jurisdiction_id__in=grid_ids)
        placed = placed.filter(jurisdiction_id__in=grid_ids)
    for user_id, grid_id in (
        *served.values_list("user_id", "jurisdiction_id"),
        *placed.values_list("pk", "jurisdiction_id"),
    ):
        workers[grid_id].add(user_id)
    return workers


def officers_by_node(roles: set[str], node_ids: set[int]) -> dict[int, set[int]]:
    """The active users of `roles` placed at each of `node_ids` (the offices above a grid:
    street supervisors, district and city offices), by node id; one query."""
    officers = defaultdict(set)
    rows = User.objects.filter(role__in=roles, is_active=True, jurisdiction_id__in=node_ids)
    for user_id, node_id in rows.values_list("pk", "jurisdiction_id"):
        officers[node_id].add(user_id)
    return officers


# --- Anomalies and the district's review tasks ---------------------------------------------

# Who arranges an anomaly's next step and resolves it (DOMAIN.md section 5).
ANOMALY_ROLES = {Role.COMMUNITY_STAFF, Role.DISTRICT_OFFICE, Role.ADMIN}
# Who sees the review tasks: the district office acts on them, the city reads them.
REVIEW_ROLES = {Role.DISTRICT_OFFICE, *CITYWIDE_ROLES}


def can_resolve_anomalies(user) -> bool:
    return bool(user.is_superuser or role_of(user) in ANOMALY_ROLES)


def anomalies_for(user) -> QuerySet:
    """Anomalies of the residents the user may see."""
    return _of_residents(user, Anomaly)


def can_see_reviews(user) -> bool:
    return bool(user.is_superuser or role_of(user) in REVIEW_ROLES)


def can_handle_reviews(user) -> bool:
    """The district office proposes a change from a review task or keeps the decision;
    the one who proposes manual changes."""
    return can_propose(user)


def reviews_for(user) -> QuerySet:
    """Review tasks (a stricter re-assessment that a person's decision stands against):
    the district office sees its district's, the city office and administrators the
    city's, nobody else any."""
    if not can_see_reviews(user):
        return DecisionReview.objects.none()
    return _through_resident(user, DecisionReview.objects.all())


# --- The public status page (issue 13) ---------------------------------------------------


def arrivals_for_reference(reference: str, phone_last4: str) -> QuerySet[ArrivalReport]:
    """The arrival report (one at most) of this reference whose phone ends in these four
    digits: the lookup of the public status page, open to whoever holds both. Neither
    alone finds anything, and what is found is shown masked (selectors_public)."""
    return ArrivalReport.objects.filter(reference=reference, phone__endswith=phone_last4)


def appeals_for_reference(reference: str, phone_last4: str) -> QuerySet:
    """The appeal (one at most) of this reference whose person's phone ends in these four
    digits, as arrivals_for_reference."""
    from .models import Appeal  # imported here so that this section only appends

    return Appeal.objects.filter(reference=reference, resident__phone__endswith=phone_last4)
