"""Reads. Each selector takes the acting user and starts from communities.access."""

import re
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Min, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from . import access, figures, routes
from .models import (
    AnnouncedCaseCounty,
    AnnouncedEpidemicCity,
    AnnouncedRiskArea,
    Announcement,
    Appeal,
    ArrivalReport,
    CodeChangeProposal,
    ControlMeasure,
    DecisionReview,
    GridTask,
    HealthCode,
    Jurisdiction,
    NucleicAcidTest,
    PersonDecision,
    Resident,
    User,
)

Role = User.Role


@dataclass(frozen=True)
class NodeCounts:
    node: Jurisdiction
    residents: int
    grids: int
    figures: dict[str, int]  # the registered figures (communities.figures) by key

    def __getattr__(self, key: str) -> int:
        """A registered figure reads like the core's own counts (row.shops)."""
        try:
            return self.__dict__["figures"][key]
        except KeyError:
            raise AttributeError(key) from None


def jurisdiction_list(*, user: User) -> QuerySet[Jurisdiction]:
    return access.jurisdictions_for(user).select_related("parent")


def jurisdiction_get(*, user: User, pk: int) -> Jurisdiction:
    return get_object_or_404(jurisdiction_list(user=user), pk=pk)


def _list_size(model) -> Coalesce:
    """The number of `model` rows of the outer announcement, as a subquery: counting
    three lists over joins would multiply them (risk areas × counties × cities rows)."""
    rows = model.objects.filter(announcement=OuterRef("pk")).order_by()
    size = rows.values("announcement").annotate(n=Count("*")).values("n")
    return Coalesce(Subquery(size), 0)


def announcement_list() -> QuerySet[Announcement]:
    """Announcements, newest first, with the size of each list (one query)."""
    return Announcement.objects.select_related("published_by").annotate(
        n_risk_areas=_list_size(AnnouncedRiskArea),
        n_case_counties=_list_size(AnnouncedCaseCounty),
        n_epidemic_cities=_list_size(AnnouncedEpidemicCity),
    )


def home_root(*, user: User) -> Jurisdiction | None:
    """The node a user's home page is about (a superuser without one: the city)."""
    if user.jurisdiction_id:
        return user.jurisdiction
    if access.is_citywide(user):
        return Jurisdiction.objects.filter(level=Jurisdiction.Level.CITY).first()
    return None


def _per_grid(qs) -> Counter:
    """Counts per grid path in one grouped query."""
    return Counter(
        {row["grid__path"]: row["n"] for row in qs.values("grid__path").annotate(n=Count("*"))}
    )


def _roll_up(per_grid: Counter, node: Jurisdiction) -> int:
    return sum(n for path, n in per_grid.items() if path.startswith(node.path))


class Breakdown(list):
    """The rows of a breakdown; `as_of` is when kept counts were computed (None: counted
    now)."""

    as_of = None


def node_breakdown(*, user: User, node: Jurisdiction) -> Breakdown:
    """The visible children of `node` (for a grid worker, the grids they serve) with the
    residents, the registered figures (shops) and the grids under each. From an app's kept
    counts where one answers for the user (figures.summary_for: the dashboards' summary
    rows, for the supervising roles), else counted: three queries and one a figure,
    whatever the number of children."""
    children = list(jurisdiction_list(user=user).filter(parent=node).order_by("path"))
    if not children:
        return Breakdown()
    kept = figures.summary_for(user, node, children)
    if kept is not None:
        rows = Breakdown(
            NodeCounts(
                node=child,
                residents=kept.counts[child.pk]["residents"],
                grids=kept.counts[child.pk]["grids"],
                figures={f.key: kept.counts[child.pk][f.key] for f in figures.registered()},
            )
            for child in children
        )
        rows.as_of = kept.as_of
        return rows
    residents = _per_grid(access.residents_for(user).filter(grid__path__startswith=node.path))
    per_figure = {
        figure.key: _per_grid(figure.visible(user).filter(grid__path__startswith=node.path))
        for figure in figures.registered()
    }
    grid_paths = list(
        access.grids_for(user).filter(path__startswith=node.path).values_list("path", flat=True)
    )
    return Breakdown(
        NodeCounts(
            node=child,
            residents=_roll_up(residents, child),
            grids=sum(1 for p in grid_paths if p.startswith(child.path)),
            figures={key: _roll_up(rows, child) for key, rows in per_figure.items()},
        )
        for child in children
    )


def home_counts(*, user: User, breakdown: list[NodeCounts] | None = None) -> dict[str, int]:
    """The residents, the registered figures (shops), the grids and the staff the user sees.
    With the home page's `breakdown`, the first three are its sums, so that the figures
    agree with the table under them (a grid worker's group may inspect shops outside
    their grids: those are on the sweep page, not in their jurisdiction's count)."""
    if breakdown:
        return {
            "residents": sum(row.residents for row in breakdown),
            **{
                figure.key: sum(row.figures[figure.key] for row in breakdown)
                for figure in figures.registered()
            },
            "grids": sum(row.grids for row in breakdown),
            "staff": access.users_for(user).count(),
        }
    return {
        "residents": access.residents_for(user).count(),
        **{figure.key: figure.visible(user).count() for figure in figures.registered()},
        "grids": access.grids_for(user).count(),
        "staff": access.users_for(user).count(),
    }


Waiting = figures.Waiting  # a count of the inbox, with the list behind it


def _appeals_with_escalations(appeals, *, stage: str, now: datetime) -> dict[str, int]:
    """The appeals at the user's `stage`, the unresolved ones past their 24 hours
    (escalated: notices.reminders), and how many of those are at another stage; one
    query."""
    overdue = ~Q(state=Appeal.State.RESOLVED) & Q(due_at__lte=now)
    return appeals.aggregate(
        stage=Count("pk", filter=Q(state=stage)),
        overdue=Count("pk", filter=overdue),
        overdue_elsewhere=Count("pk", filter=overdue & ~Q(state=stage)),
    )


def home_waiting(*, user: User) -> list[Waiting]:
    """The inbox: what waits for the user, only for the roles whose step it is, each
    count a link to the list behind it, filtered the same way. Community staff: appeals to
    verify and anomalies; the district: appeals to review, appeals past their 24 hours,
    anomalies and review tasks; the city: proposals to decide, appeals to resolve and
    appeals past their 24 hours (escalated to it, DOMAIN.md section 5); then what the apps
    register (figures.register_waiting: shops' red shops due for re-inspection, for the
    street supervisor)."""
    waiting = []
    appeals = access.appeals_for(user)
    role = getattr(user, "role", "")

    def appeals_at(label, state, testid, qs):
        url = reverse("appeals:list") + f"?state={state}"
        waiting.append(Waiting(label, qs.count(), url, testid))

    def appeals_and_escalations(label, stage, testid):
        counts = _appeals_with_escalations(appeals, stage=stage, now=timezone.now())
        url = reverse("appeals:list")
        waiting.append(Waiting(label, counts["stage"], f"{url}?state={stage}", testid))
        waiting.append(
            Waiting(
                _("Appeals past 24 hours"),
                counts["overdue"],
                f"{url}?state=overdue",
                "appeals-overdue",
                # those at the user's stage are in the count above already
                adds=counts["overdue_elsewhere"],
            )
        )

    if role == Role.GRID_WORKER:
        today = timezone.localdate()
        tests = tests_due(user=user, today=today)
        waiting.append(
            Waiting(
                _("Tests due today or overdue"), tests.count(), reverse("care:test-list"), "tests"
            )
        )
        followups = missing_today(
            access.measures_for(user).filter(state=ControlMeasure.State.ACTIVE), today=today
        ).count()
        waiting.append(
            Waiting(
                _("Follow-ups not yet recorded today"),
                followups,
                reverse("care:followup-list") + "?missing=today",
                "followups",
            )
        )
        tasks = access.tasks_for(user).filter(state=GridTask.State.OPEN)
        waiting.append(Waiting(_("Open tasks"), tasks.count(), reverse("tasks:task-list"), "tasks"))
        appeals_at(
            _("Appeals open"), "open", "appeals-open", appeals.exclude(state=Appeal.State.RESOLVED)
        )
    if role == Role.COMMUNITY_STAFF:
        appeals_at(
            _("Appeals to verify"),
            Appeal.State.FILED,
            "appeals-filed",
            appeals.filter(state=Appeal.State.FILED),
        )
    if role == Role.DISTRICT_OFFICE:
        appeals_and_escalations(_("Appeals to review"), Appeal.State.VERIFIED, "appeals-verified")
    if role == Role.CITY_OFFICE:
        pending = access.proposals_for(user).filter(state=CodeChangeProposal.State.PENDING)
        url = reverse("review:proposal-list") + f"?state={CodeChangeProposal.State.PENDING}"
        waiting.append(Waiting(_("Proposals to decide"), pending.count(), url, "proposals"))
        appeals_and_escalations(_("Appeals to resolve"), Appeal.State.REVIEWED, "appeals-reviewed")
    if access.can_resolve_anomalies(user):
        anomalies = access.anomalies_for(user).open().count()
        waiting.append(
            Waiting(_("Anomalies to resolve"), anomalies, reverse("care:anomaly-list"), "anomalies")
        )
    if access.can_handle_reviews(user):
        reviews = access.reviews_for(user).filter(state=DecisionReview.State.OPEN).count()
        waiting.append(
            Waiting(
                _("Decisions to review"),
                reviews,
                reverse("review:decision-review-list"),
                "reviews",
            )
        )
    return waiting + figures.waiting_for(user)


def inbox_count(*, user: User) -> int:
    """The menu's count: everything waiting for the user, each item once (a past-24-hour
    appeal at the user's own stage is counted at that stage, not again)."""
    return sum(w.in_total for w in home_waiting(user=user))


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """The local day as [start, end) aware datetimes (a list's ?day=, a day's report)."""
    start = datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone())
    return start, start + timedelta(days=1)


def missing_today(measures: QuerySet[ControlMeasure], *, today: date) -> QuerySet[ControlMeasure]:
    """The measures running today whose resident has no follow-up recorded today."""
    return measures.filter(start__lte=today, end__gte=today).exclude(resident__followups__day=today)


def tests_due(*, user: User, today: date) -> QuerySet[NucleicAcidTest]:
    """Pending tests of the user's residents due today or before (the care page's list and
    the grid worker's count on the home page)."""
    return access.tests_for(user).filter(result=NucleicAcidTest.Result.PENDING, due__lte=today)


def node_param(*, user: User, value) -> Jurisdiction | None:
    """The node a list is narrowed to (`?node=<pk>`, a link from a count): one of the
    user's nodes, a 404 for any other, None when not given."""
    if value in (None, ""):
        return None
    if not str(value).isdigit():
        raise Http404
    return get_object_or_404(access.jurisdictions_for(user), pk=int(value))


def arrival_list(*, user: User) -> QuerySet[ArrivalReport]:
    """The arrival reports the user covers (not those turned down), the latest arrival
    first, with their residents and communities."""
    return (
        access.arrivals_for(user)
        .exclude(state=ArrivalReport.State.REJECTED)
        .select_related("resident", "community")
        .order_by("-arrival_date", "-pk")
    )


def within_node(qs: QuerySet, *, user: User, value, prefix: str = "resident__grid__"):
    """`qs` narrowed to its rows under the node in `value` (?node=, a link from a
    dashboard's or a home page's count; `prefix` leads from a row to its node); a node
    outside the user's is a 404."""
    node = node_param(user=user, value=value)
    return qs if node is None else qs.filter(**{f"{prefix}path__startswith": node.path})


def resident_list(
    *, user: User, query: str = "", code: str = "", node: Jurisdiction | None = None
) -> QuerySet[Resident]:
    """The user's residents (under `node` if given); `query` is a name prefix or an exact
    ID number or phone."""
    residents = access.residents_for(user).select_related("grid__parent")
    if node is not None:
        residents = residents.filter(grid__path__startswith=node.path)
    query = query.strip()
    if query:
        residents = residents.filter(resident_search(query))
    if code in HealthCode.values:
        residents = residents.filter(code=code)
    return residents.order_by("name", "pk")


ID_NUMBER_SHAPE = re.compile(r"\d{17}[\dX]")
PHONE_SHAPE = re.compile(r"\d{11}")


def resident_search(query: str) -> Q:
    """What the search box finds, by the query's shape: a full ID number or a phone
    (exactly), else a name prefix; one field each, so that each is one index's lookup (an
    OR of the three made PostgreSQL read every visible resident). A name prefix also
    starts the list's (name, id) index at the prefix (every name that starts with it sorts
    at or after it, in any collation): the planner otherwise walks the index from its
    start for a common surname, and SQLite's LIKE uses no index of its own."""
    if ID_NUMBER_SHAPE.fullmatch(query.upper()):
        return Q(id_number=query.upper())
    if PHONE_SHAPE.fullmatch(query):
        return Q(phone=query)
    return Q(name__startswith=query, name__gte=query)


def residents_at_a_glance(residents) -> None:
    """Set `measure` (the active control measure) and `next_test` (the earliest pending
    test's due date) on each resident of a list page: two queries for the page, never for
    the whole list."""
    ids = [r.pk for r in residents]
    measures = {
        m.resident_id: m
        for m in ControlMeasure.objects.filter(
            resident_id__in=ids, state=ControlMeasure.State.ACTIVE
        ).order_by("resident_id", "release_due")
    }
    tests = dict(
        NucleicAcidTest.objects.filter(resident_id__in=ids, result=NucleicAcidTest.Result.PENDING)
        .values("resident_id")
        .annotate(first=Min("due"))
        .values_list("resident_id", "first")
    )
    for resident in residents:
        resident.measure = measures.get(resident.pk)
        resident.next_test = tests.get(resident.pk)


def staff_list(*, user: User, query: str = "") -> QuerySet[User]:
    """The accounts whose password the user may reset, by place and username; `query` is
    part of a username or a name."""
    accounts = access.accounts_to_reset_for(user).select_related("jurisdiction")
    query = query.strip()
    if query:
        accounts = accounts.filter(
            Q(username__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    return accounts.order_by("jurisdiction__path", "username")


def resident_get(*, user: User, pk) -> Resident:
    return get_object_or_404(access.residents_for(user).select_related("grid__parent"), pk=pk)


def measure_active(*, resident: Resident) -> ControlMeasure | None:
    return resident.measures.filter(state=ControlMeasure.State.ACTIVE).first()


@dataclass(frozen=True)
class HistoryEntry:
    """One line of a resident's code history: a code event, an anomaly's resolution (a
    person's decision), a review task or a self-report turned down (its task); `item` is
    the row."""

    at: datetime
    kind: str  # "event", "decision", "review" or "rejected"
    item: object


def resident_history(*, resident: Resident) -> list[HistoryEntry]:
    """The code history, newest first: the code events, the anomalies' resolutions, the
    review tasks and the rejected self-reports, interleaved by time (four queries)."""
    events = resident.code_events.select_related("actor")
    decisions = resident.person_decisions.filter(kind=PersonDecision.Kind.ANOMALY).select_related(
        "by"
    )
    reviews = resident.reviews.select_related("announcement")
    rejected = GridTask.objects.filter(
        arrival__resident=resident,
        arrival__state=ArrivalReport.State.REJECTED,
        state=GridTask.State.DONE,
    ).select_related("arrival", "done_by")
    entries = [
        *(HistoryEntry(e.created_at, "event", e) for e in events),
        *(HistoryEntry(d.at, "decision", d) for d in decisions),
        *(HistoryEntry(r.created_at, "review", r) for r in reviews),
        *(HistoryEntry(t.done_at, "rejected", t) for t in rejected),
    ]
    return sorted(entries, key=lambda entry: entry.at, reverse=True)


def _places(announcement: Announcement) -> dict[str, set[tuple]]:
    return {
        "risk_areas": set(
            announcement.risk_areas.values_list(
                "level", "province", "city", "county", "street", "area"
            )
        ),
        "case_counties": set(
            announcement.case_counties.values_list("province", "city", "county", "street")
        ),
        "epidemic_cities": set(
            announcement.epidemic_cities.values_list("province", "city", "since")
        ),
    }


def announcement_changes(*, base: Announcement, other: Announcement) -> dict[str, dict]:
    """Per list, the entries `other` adds to `base` and those it drops."""
    old, new = _places(base), _places(other)
    changes = {
        key: {
            "added": sorted(new[key] - old[key], key=str),
            "removed": sorted(old[key] - new[key], key=str),
        }
        for key in old
    }
    changes["measures"] = {
        rule: {"before": base.measures.get(rule), "after": other.measures.get(rule)}
        for rule in sorted(set(base.measures) | set(other.measures))
        if base.measures.get(rule) != other.measures.get(rule)
    }
    return changes


def resident_by_id_or_phone(
    *, among: QuerySet[Resident], id_number: str = "", phone: str = ""
) -> Resident | None:
    """The resident with this ID number (else this phone) among `among` (a user's
    residents, or access.residents_to_match()). Returns the row to services only; views
    never show it to the reporter."""
    match = among.filter(id_number=id_number) if id_number else among.filter(phone=phone)
    return match.select_related("grid").first()


# --- The grid worker's work list ------------------------------------------------------------

WORKLIST_CAP = 200  # per source: a list longer than this is a dashboard's job
FOLLOWUP_DEADLINE_HOUR = 18  # a day's follow-up is missing after 18:00


@dataclass(frozen=True)
class WorkItem:
    kind: str
    label: str
    name: str
    detail: str
    due: datetime
    url: str
    id_number: str = ""  # shown masked
    code: str = ""  # the code (or a self-report's preview) that makes it urgent
    rule: str = ""

    @property
    def overdue(self) -> bool:
        return self.due < timezone.now()


def task_items(tasks) -> list[WorkItem]:
    """The work list's items of these tasks."""
    items = []
    for task in tasks:
        if task.arrival_id:
            decision = task.arrival.decision or {}
            person = (
                task.arrival.name,
                task.arrival.id_number,
                decision.get("code", ""),
                decision.get("rule", ""),
            )
            url = routes.route_with_pk("tasks:task-verify", task.pk)
        else:
            resident = task.resident
            person = (
                task.subject_name or "—",
                task.subject_id_number,
                resident.code if resident else "",
                resident.code_rule if resident else "",
            )
            url = routes.route_with_pk("tasks:task-work", task.pk)
        name, id_number, code, rule = person
        items.append(
            WorkItem(
                task.kind,
                task.get_kind_display(),
                name,
                task.reason,
                task.due_at,
                url,
                id_number,
                code,
                rule,
            )
        )
    return items


def open_tasks(
    *, user: User, late: bool = False, worker: User | None = None, unassigned: bool = False
) -> QuerySet[GridTask]:
    """The open tasks the user covers, the soonest due first (only those past due if
    `late`, those of one grid worker's grids if `worker`, those no grid worker serves if
    `unassigned`): a dashboard's count opens them, without the work list's other items."""
    tasks = access.tasks_for(user).filter(state=GridTask.State.OPEN)
    if late:
        tasks = tasks.filter(due_at__lt=timezone.now())
    if worker is not None:
        tasks = tasks & access.tasks_for(worker)
    if unassigned:
        tasks = tasks.filter(nobody_serves())
    return tasks.select_related("arrival", "resident").order_by("due_at", "pk")


def nobody_serves() -> Q:
    """A filter on tasks that no active grid worker serves: about a resident of a grid
    that none serves, or without a resident in a community where none serves a grid
    (DOMAIN.md section 5: whose task is it). Work that waits for a supervisor to place
    someone."""
    workers = User.objects.filter(role=Role.GRID_WORKER, is_active=True)
    by_grids = User.grids.through.objects.filter(user__in=workers)
    placed = workers.filter(jurisdiction__level=Jurisdiction.Level.GRID)
    about_resident = (
        Q(resident__isnull=False)
        & ~Q(resident__grid_id__in=by_grids.values("jurisdiction_id"))
        & ~Q(resident__grid_id__in=placed.values("jurisdiction_id"))
    )
    without = (
        Q(resident__isnull=True)
        & ~Q(community_id__in=by_grids.values("jurisdiction__parent_id"))
        & ~Q(community_id__in=placed.values("jurisdiction__parent_id"))
    )
    return about_resident | without


def worklist(*, user: User) -> list[WorkItem]:
    """Everything the user's grids owe, most urgent first: open tasks (self-reports,
    pushes, people to find, venue reports), tests due or overdue, follow-ups missing today
    and appeals waiting for verification. Four queries."""
    today = timezone.localdate()
    tz = timezone.get_current_timezone()
    end_of = lambda day, hour=23: datetime.combine(day, time(hour, 59), tzinfo=tz)  # noqa: E731
    tasks = (
        access.tasks_for(user)
        .filter(state=GridTask.State.OPEN)
        .select_related("arrival", "resident")
        .order_by("due_at")[:WORKLIST_CAP]
    )
    items = task_items(tasks)
    tests = (
        tests_due(user=user, today=today).select_related("resident").order_by("due")[:WORKLIST_CAP]
    )
    kinds = {value: str(label) for value, label in NucleicAcidTest.Kind.choices}  # once
    for test in tests:
        items.append(
            WorkItem(
                "test",
                kinds.get(test.kind, test.kind),
                test.resident.name,
                test.due.isoformat(),
                end_of(test.due),
                routes.route("care:test-list"),
            )
        )
    missing = (
        access.residents_for(user)
        .filter(
            measures__state=ControlMeasure.State.ACTIVE,
            measures__start__lte=today,
            measures__end__gte=today,
        )
        .exclude(followups__day=today)
        .order_by("name")[:WORKLIST_CAP]
    )
    for resident in missing:
        items.append(
            WorkItem(
                "followup",
                _("Today's follow-up"),
                resident.name,
                "",
                end_of(today, FOLLOWUP_DEADLINE_HOUR - 1),
                routes.route_with_pk("care:followup-record", resident.pk),
            )
        )
    appeals = (
        access.appeals_for(user)
        .filter(state=Appeal.State.FILED)
        .select_related("resident")
        .order_by("due_at")[:WORKLIST_CAP]
    )
    for appeal in appeals:
        items.append(
            WorkItem(
                "appeal",
                _("Appeal to verify"),
                appeal.resident.name,
                appeal.reason[:60],
                appeal.due_at,
                routes.route_with_pk("appeals:detail", appeal.pk),
            )
        )
    return sorted(items, key=lambda item: item.due)
