"""The producers of notices' own reminders, and the pieces every producer uses (the
re-inspection reminder of shops is in shops/reminders.py): each finds what falls due and
creates its notices in bulk.

Set-based: each producer walks its rows in batches (keyset, by id) and looks up the
recipients of a whole batch in one query. Every notice carries a dedupe key, so running a
producer twice, or two beats at once, creates nothing new. Each is registered by kind
(registry.producer); beat runs them through tasks.reminders_task (schedule in
schedule.py)."""

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from communities import access
from communities.models import (
    APPEAL_REMIND_AFTER,
    Appeal,
    ControlMeasure,
    FollowUp,
    GridTask,
    HealthCode,
    Jurisdiction,
    NucleicAcidTest,
    Resident,
    User,
)

from . import registry, sending, services, texts
from .models import Notice

Kind = Notice.Kind
Channel = Notice.Channel
Role = User.Role

# An overdue test is reminded on each of the first days after its due date; older ones stay
# on the grid worker's care list and in the street digest, not in the residents' SMS.
OVERDUE_REMIND_DAYS = 3
STAFF_CHANNELS = (Channel.INAPP, Channel.EMAIL)  # offices: in the inbox and by e-mail
STREET = "grid__parent__parent"  # from a row of a grid: grid → community → street


def batches(queryset: QuerySet) -> Iterator[list]:
    """The rows of `queryset` in batches of sending.BATCH, by id (keyset pagination:
    the same query at every depth, never the whole table in memory)."""
    last = 0
    while True:
        rows = list(queryset.filter(pk__gt=last).order_by("pk")[: sending.BATCH])
        if not rows:
            return
        yield rows
        last = rows[-1].pk


def day_start(day: date) -> datetime:
    """Midnight at the start of `day`, in the portal's time zone (a notice's due time)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def city_names() -> dict[int, str]:
    return dict(
        Jurisdiction.objects.filter(level=Jurisdiction.Level.CITY).values_list("pk", "name")
    )


def city_of(grid: Jurisdiction, cities: dict[int, str]) -> str:
    return cities.get(grid.ancestor_ids[0], "")


def resident_sms(kind, resident: Resident, key: str, text: str, due_at) -> Notice:
    return Notice(
        kind=kind,
        channel=Channel.SMS,
        phone=resident.phone,
        resident=resident,
        text=text,
        due_at=due_at,
        dedupe_key=f"{key}:{Channel.SMS}:{resident.phone}",
    )


def staff(kind, user_id: int, channel: str, key: str, text: str, due_at, resident=None):
    """A notice to a staff user on `channel`, deduplicated by `key`, channel and user."""
    return Notice(
        kind=kind,
        channel=channel,
        recipient_id=user_id,
        resident=resident,
        text=text,
        due_at=due_at,
        dedupe_key=f"{key}:{channel}:{user_id}",
    )


# --- Nucleic-acid tests: due tomorrow, overdue ------------------------------------------------


def _test_notices(kind, tests: QuerySet[NucleicAcidTest], key_of) -> int:
    """An SMS to each test's resident and an in-app notice to the grid workers of the
    resident's grid."""
    cities = city_names()
    created = 0
    for batch in batches(tests.select_related("resident__grid")):
        workers = access.grid_workers_by_grid({t.resident.grid_id for t in batch})
        notices = []
        for test in batch:
            resident, key, due_at = test.resident, key_of(test), day_start(test.due)
            sms = texts.sms_text(kind, city=city_of(resident.grid, cities), due=test.due)
            notices.append(resident_sms(kind, resident, key, sms, due_at))
            text = texts.staff_text(kind, name=resident.name, grid=resident.grid.name, due=test.due)
            notices += [
                staff(kind, uid, Channel.INAPP, key, text, due_at, resident)
                for uid in sorted(workers[resident.grid_id])
            ]
        created += services.notices_create(notices=notices, dispatch=False)
    return created


@registry.producer(Kind.TEST_DUE_TOMORROW)
def test_due_tomorrow(*, now: datetime | None = None) -> int:
    """Pending tests due tomorrow: the resident and their grid workers, once per test."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    tests = NucleicAcidTest.objects.filter(result=NucleicAcidTest.Result.PENDING, due=tomorrow)
    return _test_notices(Kind.TEST_DUE_TOMORROW, tests, lambda t: f"test-due:{t.pk}:{t.due}")


@registry.producer(Kind.TEST_OVERDUE)
def test_overdue(*, now: datetime | None = None) -> int:
    """Pending tests due before today: the resident and their grid workers, once a day
    on each of the first OVERDUE_REMIND_DAYS days the test is overdue."""
    today = timezone.localdate(now)
    tests = NucleicAcidTest.objects.filter(
        result=NucleicAcidTest.Result.PENDING,
        due__lt=today,
        due__gte=today - timedelta(days=OVERDUE_REMIND_DAYS),
    )
    return _test_notices(Kind.TEST_OVERDUE, tests, lambda t: f"test-overdue:{t.pk}:{today}")


# --- Follow-ups and measures -------------------------------------------------------------------


@registry.producer(Kind.FOLLOWUP_MISSING)
def followup_missing(*, now: datetime | None = None) -> int:
    """Residents under an active measure that covers today without today's follow-up:
    an in-app notice to the grid workers of their grid (beat runs this at 18:00)."""
    today = timezone.localdate(now)
    measures = (
        ControlMeasure.objects.filter(
            state=ControlMeasure.State.ACTIVE, start__lte=today, end__gte=today
        )
        .exclude(Exists(FollowUp.objects.filter(resident=OuterRef("resident"), day=today)))
        .select_related("resident__grid")
    )
    kind, created = Kind.FOLLOWUP_MISSING, 0
    for batch in batches(measures):
        workers = access.grid_workers_by_grid({m.resident.grid_id for m in batch})
        notices = []
        for measure in batch:
            resident = measure.resident
            key = f"followup-missing:{resident.pk}:{today}"
            text = texts.staff_text(kind, name=resident.name, grid=resident.grid.name, day=today)
            notices += [
                staff(kind, uid, Channel.INAPP, key, text, day_start(today), resident)
                for uid in sorted(workers[resident.grid_id])
            ]
        created += services.notices_create(notices=notices, dispatch=False)
    return created


@registry.producer(Kind.MEASURE_ENDS_TOMORROW)
def measure_ends_tomorrow(*, now: datetime | None = None) -> int:
    """Active measures whose last day is tomorrow: an SMS to the resident."""
    tomorrow = timezone.localdate(now) + timedelta(days=1)
    measures = ControlMeasure.objects.filter(
        state=ControlMeasure.State.ACTIVE, end=tomorrow
    ).select_related("resident__grid")
    kind, cities, created = Kind.MEASURE_ENDS_TOMORROW, city_names(), 0
    for batch in batches(measures):
        notices = []
        for measure in batch:
            resident = measure.resident
            text = texts.sms_text(
                kind,
                city=city_of(resident.grid, cities),
                end=measure.end,
                release=measure.release_due,
            )
            key = f"measure-ends:{measure.pk}:{measure.end}"
            notices.append(resident_sms(kind, resident, key, text, day_start(measure.end)))
        created += services.notices_create(notices=notices, dispatch=False)
    return created


# --- Appeals: 20 hours old, overdue -----------------------------------------------------------


def _appeal_notices(kind, appeals: QuerySet[Appeal], role: str, key: str) -> int:
    """In-app and e-mail notices to the users of `role` above each appeal's grid."""
    created = 0
    for batch in batches(appeals.select_related("resident__grid")):
        above = {a.pk: a.resident.grid.ancestor_ids for a in batch}
        nodes = {node for ids in above.values() for node in ids}
        officers = access.officers_by_node({role}, nodes)
        notices = []
        for appeal in batch:
            resident = appeal.resident
            text = texts.staff_text(
                kind,
                name=resident.name,
                grid=resident.grid.name,
                filed=appeal.created_at,
                due=appeal.due_at,
            )
            users = sorted({uid for node in above[appeal.pk] for uid in officers[node]})
            notices += [
                staff(kind, uid, channel, f"{key}:{appeal.pk}", text, appeal.due_at, resident)
                for uid in users
                for channel in STAFF_CHANNELS
            ]
        created += services.notices_create(notices=notices, dispatch=False)
    return created


@registry.producer(Kind.APPEAL_20H)
def appeal_20h(*, now: datetime | None = None) -> int:
    """Unresolved appeals filed 20 hours ago or more and not yet overdue: the district
    offices above the person's grid, once per appeal."""
    now = now or timezone.now()
    appeals = Appeal.objects.exclude(state=Appeal.State.RESOLVED).filter(
        created_at__lte=now - APPEAL_REMIND_AFTER, due_at__gt=now
    )
    return _appeal_notices(Kind.APPEAL_20H, appeals, Role.DISTRICT_OFFICE, "appeal-20h")


@registry.producer(Kind.APPEAL_OVERDUE)
def appeal_overdue(*, now: datetime | None = None) -> int:
    """Appeals unresolved past their 24-hour deadline: escalated to the city offices above
    the person's grid, once per appeal."""
    now = now or timezone.now()
    appeals = Appeal.objects.exclude(state=Appeal.State.RESOLVED).filter(due_at__lte=now)
    return _appeal_notices(Kind.APPEAL_OVERDUE, appeals, Role.CITY_OFFICE, "appeal-overdue")


# --- The street supervisor's morning digest -----------------------------------------------------


def per_street(queryset: QuerySet, street: str, **counts) -> dict[int, dict]:
    """The `counts` of `queryset` grouped by the street its rows lead to through `street`
    (STREET from a row of a grid), by street id; one query."""
    rows = queryset.order_by().values(street).annotate(**counts)
    return {row[street]: row for row in rows}


@registry.producer(Kind.STREET_DIGEST)
def street_digest(*, now: datetime | None = None) -> int:
    """Each street supervisor's counts for their street: red and yellow codes, overdue
    tests, open appeals, overdue grid tasks, and the figures other apps register
    (registry.digest_figures; shops: the shops under a red placard and those due for
    re-inspection); in-app and e-mail, once a day. Four grouped queries for the whole city
    and one a registered function, whatever the number of streets."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    supervisors = list(
        User.objects.filter(
            role=Role.STREET_SUPERVISOR,
            is_active=True,
            jurisdiction__level=Jurisdiction.Level.STREET,
        )
        .order_by("pk")
        .values_list("pk", "jurisdiction_id", "jurisdiction__name")
    )
    streets = {street_id for _, street_id, _ in supervisors}
    street = STREET
    codes = per_street(
        Resident.objects.filter(
            **{f"{street}__in": streets}, code__in=[HealthCode.RED, HealthCode.YELLOW]
        ),
        street,
        red=Count("pk", filter=Q(code=HealthCode.RED)),
        yellow=Count("pk", filter=Q(code=HealthCode.YELLOW)),
    )
    tests = per_street(
        NucleicAcidTest.objects.filter(
            **{f"resident__{street}__in": streets},
            result=NucleicAcidTest.Result.PENDING,
            due__lt=today,
        ),
        f"resident__{street}",
        n=Count("pk"),
    )
    appeals = per_street(
        Appeal.objects.filter(**{f"resident__{street}__in": streets}).exclude(
            state=Appeal.State.RESOLVED
        ),
        f"resident__{street}",
        n=Count("pk"),
    )
    tasks = per_street(
        GridTask.objects.filter(
            community__parent__in=streets, state=GridTask.State.OPEN, due_at__lt=now
        ),
        "community__parent",
        n=Count("pk"),
    )
    registered = {
        names: figures(streets, today) for names, figures in registry.DIGEST_FIGURES.items()
    }
    kind, notices = Kind.STREET_DIGEST, []
    for user_id, street_id, street_name in supervisors:
        code = codes.get(street_id, {})
        text = texts.staff_text(
            kind,
            street=street_name,
            day=today,
            red=code.get("red", 0),
            yellow=code.get("yellow", 0),
            tests=tests.get(street_id, {}).get("n", 0),
            appeals=appeals.get(street_id, {}).get("n", 0),
            tasks=tasks.get(street_id, {}).get("n", 0),
            **{
                name: rows.get(street_id, {}).get(name, 0)
                for names, rows in registered.items()
                for name in names
            },
        )
        notices += [
            staff(kind, user_id, channel, f"digest:{street_id}:{today}", text, None)
            for channel in STAFF_CHANNELS
        ]
    return services.notices_create(notices=notices, dispatch=False)
