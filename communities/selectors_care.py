"""Reads for the grid workers' daily care: the day's nucleic-acid tests and the follow-ups
of residents under a measure. Each selector takes the acting user and starts from
communities.access."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import BooleanField, Case, Prefetch, QuerySet, Value, When
from django.db.models.expressions import RawSQL

from . import access, selectors
from .models import (
    WITHDRAW_WITHIN,
    Anomaly,
    ControlMeasure,
    FollowUp,
    NucleicAcidTest,
    Resident,
    Symptom,
    User,
)
from .services.lifecycle import followup_problem

ONE_DAY = timedelta(days=1)


def pending_test_list(*, user: User, today: date) -> QuerySet[NucleicAcidTest]:
    """Pending tests of the user's residents due today or before, by due date then as
    they were scheduled (the order of an index: by name, a city's 30,000 tests of the day
    were all sorted for each page), each with its resident and `overdue` (due before
    today)."""
    return (
        selectors.tests_due(user=user, today=today)
        .select_related("resident")
        .annotate(
            overdue=Case(
                When(due__lt=today, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .order_by("due", "pk")
    )


def recent_result_list(*, user: User, now: datetime) -> QuerySet[NucleicAcidTest]:
    """Results the user recorded that they may still withdraw (within WITHDRAW_WITHIN of
    recording them), the latest first, each with its resident."""
    return (
        NucleicAcidTest.objects.filter(
            resident__in=access.residents_for(user),
            recorded_by=user,
            recorded_at__gte=now - WITHDRAW_WITHIN,
        )
        .exclude(result=NucleicAcidTest.Result.PENDING)
        .select_related("resident")
        .order_by("-recorded_at", "-pk")
    )


def measure_list(*, user: User) -> QuerySet[ControlMeasure]:
    """Active measures of the user's residents, the soonest released first (those whose
    last days' follow-ups matter most; the order of an index, where an order by name had
    PostgreSQL walk the names of a million residents for a city's first page), with each
    resident's follow-ups (one query for the measures, one for the follow-ups)."""
    return (
        access.measures_for(user)
        .filter(state=ControlMeasure.State.ACTIVE)
        .select_related("resident")
        .prefetch_related(
            Prefetch(
                "resident__followups",
                queryset=FollowUp.objects.order_by("day"),
                to_attr="followup_days",
            )
        )
        .order_by("release_due", "pk")
    )


@dataclass(frozen=True)
class CareRow:
    """One person under a measure as the follow-up list shows them."""

    resident: Resident
    measure: ControlMeasure
    today: FollowUp | None  # today's follow-up, if recorded
    due_today: bool  # today falls within the measure
    missing: list[date]  # days of the measure up to yesterday without a follow-up

    @property
    def overdue(self) -> int:
        return len(self.missing)

    @property
    def missing_days(self) -> list[tuple[str, str]]:
        """Each missing day as the record page's ?day= and its label (04-02): a row of a
        measure three weeks long holds 21 links, and the template's date filter took most
        of a 50-row page's time."""
        return [(day.isoformat(), f"{day.month:02d}-{day.day:02d}") for day in self.missing]

    @property
    def today_symptoms(self) -> list[str]:
        return [str(Symptom(s).label) for s in self.today.symptoms] if self.today else []

    @property
    def today_anomalous(self) -> bool:
        """Today's follow-up shows a fever or a symptom (the service's own test)."""
        return bool(self.today and followup_problem(self.today.temperature, self.today.symptoms))


def care_rows(measures, *, today: date) -> list[CareRow]:
    """The rows of `measures` (from measure_list) on `today`; no further queries."""
    rows = []
    for measure in measures:
        resident = measure.resident
        recorded = {f.day: f for f in resident.followup_days}
        last = min(measure.end, today - ONE_DAY)
        span = range((last - measure.start).days + 1) if last >= measure.start else range(0)
        days = (measure.start + timedelta(days=n) for n in span)
        rows.append(
            CareRow(
                resident=resident,
                measure=measure,
                today=recorded.get(today),
                due_today=measure.start <= today <= measure.end,
                missing=[d for d in days if d not in recorded],
            )
        )
    return rows


# --- Anomalies ---------------------------------------------------------------------------------


def open_anomalies(*, resident: Resident) -> QuerySet[Anomaly]:
    """The resident's anomalies not resolved yet, the oldest first."""
    return resident.anomalies.open()


def anomaly_queue(*, user: User) -> QuerySet[Anomaly]:
    """Open anomalies of the user's residents (异常待处置), the most recent first, each
    with its resident and grid."""
    return (
        access.anomalies_for(user)
        .open()
        .select_related("resident__grid__parent")
        .order_by("-created_at", "-pk")
    )


# "Measures ending soon": the days a dashboard's count and the follow-up list's filter
# (?ending=) look ahead.
ENDING_DAYS = 3


def in_phase_today(
    measures: QuerySet[ControlMeasure], *, kind: str, today: date
) -> QuerySet[ControlMeasure]:
    """The measures whose phase running today is of `kind` (a phase is stored in the
    measure's JSON with its first and last day): one condition on the JSON in the
    database's own dialect."""
    table = ControlMeasure._meta.db_table
    day = today.isoformat()
    if connection.vendor == "postgresql":
        sql = (
            f'jsonb_path_exists("{table}"."phases", '
            "'$[*] ? (@.kind == $k && @.start <= $d && @.end >= $d)', "
            "jsonb_build_object('k', %s::text, 'd', %s::text))"
        )
        params = (kind, day)
    else:
        sql = (
            f'EXISTS (SELECT 1 FROM json_each("{table}"."phases") '  # noqa: S608 - our table
            "WHERE json_extract(value, '$.kind') = %s "
            "AND json_extract(value, '$.start') <= %s AND json_extract(value, '$.end') >= %s)"
        )
        params = (kind, day, day)
    in_phase = RawSQL(sql, params, output_field=BooleanField())  # noqa: S611 - no user text
    return measures.alias(in_phase=in_phase).filter(in_phase=True)
