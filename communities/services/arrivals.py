"""Writes. Each service is atomic and keyword-only; the views and the API call these."""

import logging
from collections import Counter
from datetime import date, timedelta

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .. import access, figures, policies
from ..models import (
    AnnouncedCaseCounty,
    AnnouncedEpidemicCity,
    AnnouncedRiskArea,
    Announcement,
    ArrivalReport,
    ControlMeasure,
    GridTask,
    HealthCode,
    HealthCodeEvent,
    IdentityChange,
    Jurisdiction,
    NucleicAcidTest,
    PersonalDataView,
    Resident,
    Stay,
    User,
    code_event_kind,
)
from ..recompute import run_inline
from ..rules.codes import Decision, Traveller, assess, is_stricter
from ..rules.codes import Stay as StayIn
from ..rules.identity import identity_differences, identity_differences_masked
from ..tasks import recompute_after_announcement_task

log = logging.getLogger(__name__)
SELF_REPORT_VERIFY_HOURS = 24


HANDED_OVER = gettext_lazy(
    "Received. The report was handed to the grid that keeps this person's record, which "
    "verifies it within 24 hours."
)


class OutsideJurisdiction(Exception):
    """The person is registered in a grid the acting user cannot see."""


class IdentityDiffers(Exception):
    """The ID number is registered to a person with another name or phone: the filer
    confirms that it is the same person, or corrects the number. Nothing was stored."""

    def __init__(self, resident: Resident, differences: dict[str, tuple[str, str]]):
        super().__init__(sorted(differences))
        self.resident = resident
        self.differences = differences

    @property
    def masked(self) -> dict[str, dict[str, str]]:
        """The differing fields as the filer may see them (rules.identity)."""
        return identity_differences_masked(self.differences)


# --- Announcements -------------------------------------------------------------------------


@transaction.atomic
def announcement_load(*, data: dict, by: User | None) -> tuple[Announcement, bool]:
    """Store a validated announcement unless the same one is there; (row, created).
    Queues the recompute of everyone it may affect once the transaction commits."""
    payload = policies.payload_of(data)
    digest = policies.canonical_digest(payload)
    existing = Announcement.objects.filter(digest=digest).first()
    if existing:
        return existing, False
    announcement = Announcement.objects.create(
        title=data["title"],
        effective=data["effective"],
        measures=payload.get("measures") or {},
        digest=digest,
        payload=payload,
        published_by=by,
    )
    AnnouncedRiskArea.objects.bulk_create(
        AnnouncedRiskArea(announcement=announcement, **row) for row in data.get("risk_areas", [])
    )
    AnnouncedCaseCounty.objects.bulk_create(
        AnnouncedCaseCounty(announcement=announcement, **row)
        for row in data.get("case_counties", [])
    )
    AnnouncedEpidemicCity.objects.bulk_create(
        AnnouncedEpidemicCity(announcement=announcement, **row)
        for row in data.get("epidemic_cities", [])
    )
    # robust: with the broker down the announcement stays published and the page answers;
    # tasks.recompute_missed_task starts the run when the broker is back.
    transaction.on_commit(
        lambda: recompute_after_announcement_task.delay(announcement.pk), robust=True
    )
    return announcement, True


# --- Health codes --------------------------------------------------------------------------


@transaction.atomic
def health_code_change(
    *, resident: Resident, to: str, rule: str, reason: str, actor: User | None
) -> HealthCodeEvent | None:
    """The one way a code changes: lock the row, write the event, update the resident.
    Returns None (and writes no event) when the code and rule are already those, or when a
    green code stays green (an R0 assessment is no change of code)."""
    locked = Resident.objects.select_for_update().get(pk=resident.pk)
    if locked.code == to and locked.code_rule == rule:
        return None
    if locked.code == to == HealthCode.GREEN:
        Resident.objects.filter(pk=locked.pk).update(code_rule=rule)
        resident.code_rule = rule
        return None
    event = HealthCodeEvent.objects.create(
        resident=locked,
        kind=code_event_kind(locked.code, to),
        from_code=locked.code,
        to_code=to,
        rule=rule,
        reason=reason,
        actor=actor,
    )
    now = timezone.now()
    Resident.objects.filter(pk=locked.pk).update(code=to, code_rule=rule, code_changed_at=now)
    resident.code, resident.code_rule, resident.code_changed_at = to, rule, now
    if locked.code != to:  # a new rule under the same colour moves no count
        figures.counts_changed(grid_id=locked.grid_id, deltas={locked.code: -1, to: 1})
    return event


@transaction.atomic
def decision_apply(
    *, resident: Resident, decision: Decision, arrival: ArrivalReport | None, actor: User | None
) -> None:
    """Give the resident the decision's code and measure and schedule its tests.

    1. the code, through health_code_change (an event with the explanation);
    2. the measure: an active one of a milder rule is replaced; none is kept if the rule
       has none;
    3. the tests: the landing test and R4's follow-ups (once per arrival, kind and day).
    """
    health_code_change(
        resident=resident,
        to=str(decision.code),
        rule=decision.rule,
        reason=decision.explanation,
        actor=actor,
    )
    if decision.measure:
        ControlMeasure.objects.filter(resident=resident, state=ControlMeasure.State.ACTIVE).update(
            state=ControlMeasure.State.REPLACED
        )
        ControlMeasure.objects.create(
            resident=resident,
            arrival=arrival,
            rule=decision.rule,
            phases=decision.measure_dicts(),
            start=decision.measure[0].start,
            end=decision.measure[-1].end,
            release_due=decision.release_due,
        )
    _tests_schedule(resident=resident, arrival=arrival, tests=decision.tests)


def _tests_schedule(*, resident: Resident, arrival: ArrivalReport | None, tests) -> None:
    """The tests of a decision, once per arrival, kind and day."""
    for test in tests:
        NucleicAcidTest.objects.get_or_create(
            resident=resident, arrival=arrival, kind=test.kind, due=test.due
        )


def _arrival_decision_apply(
    *, resident: Resident, decision: Decision, arrival: ArrivalReport, actor: User | None
) -> None:
    """A new arrival's decision reaches the resident only when it is stricter than their
    present code and rule, or when they are green: a milder one neither lifts a stricter
    code nor replaces a stricter measure (it stays on the arrival, see decided_fields).
    The landing test is scheduled either way."""
    present = Resident.objects.select_for_update().get(pk=resident.pk)
    if present.code == HealthCode.GREEN or is_stricter(
        decision.code, decision.rule, present.code, present.code_rule
    ):
        decision_apply(resident=resident, decision=decision, arrival=arrival, actor=actor)
    else:
        landing = [t for t in decision.tests if t.kind == NucleicAcidTest.Kind.LANDING]
        _tests_schedule(resident=resident, arrival=arrival, tests=landing)


def decision_kept_note(*, arrival: ArrivalReport, resident: Resident) -> str | None:
    """What to tell the filer when the resident kept a stricter code than this arrival's
    decision (None when the decision was applied)."""
    if (resident.code, resident.code_rule) == (arrival.decided_code, arrival.decided_rule):
        return None
    return _(
        "%(name)s keeps the present %(code)s and measure, which are stricter than this "
        "arrival's decision; the decision is kept on the report."
    ) % {"name": resident.name, "code": HealthCode(resident.code).label}


# --- Residents and arrivals ----------------------------------------------------------------


def traveller_from(
    *,
    stays: list[dict],
    arrival_date: date | None,
    abroad_quarantine_days=None,
    spatiotemporal_companion=False,
    big_data_push=False,
    flag_date: date | None = None,
) -> Traveller:
    return Traveller(
        stays=tuple(
            StayIn(
                province=s["province"],
                city=s["city"],
                county=s["county"],
                street=s.get("street", ""),
                area=s.get("area", ""),
                start=s["start"],
                end=s["end"],
            )
            for s in stays
        ),
        arrival_date=arrival_date,
        abroad_quarantine_days=abroad_quarantine_days,
        spatiotemporal_companion=spatiotemporal_companion,
        big_data_push=big_data_push,
        flag_date=flag_date,
    )


def assessment_run(*, traveller: Traveller, as_of: date) -> Decision:
    """A dry run: the decision under the policy in force on `as_of`; stores nothing."""
    return assess(traveller, policies.policy_on(as_of), as_of)


@transaction.atomic
def resident_get_or_create(
    *, visible, id_number: str, name: str, phone: str, address: str, grid: Jurisdiction
) -> tuple[Resident, bool]:
    """The resident with this ID number (a duplicate opens the existing person, never a
    second row); raises OutsideJurisdiction when they live outside `visible`."""
    resident, created = Resident.objects.get_or_create(
        id_number=id_number,
        defaults={"name": name, "phone": phone, "address": address, "grid": grid},
    )
    if not created and not visible.filter(pk=resident.pk).exists():
        raise OutsideJurisdiction(id_number)
    if created:
        figures.counts_changed(grid_id=grid.pk, deltas={"residents": 1, resident.code: 1})
    return resident, created


@transaction.atomic
def residents_register(*, residents: list[dict], batch: int = 2000) -> int:
    """Register new residents (dicts of name, id_number, phone, address, grid_id), green,
    counted in their grids' figures: all of them or none. An ID number registered in the
    meantime refuses the whole (ValidationError), never a second row."""
    try:
        with transaction.atomic():
            Resident.objects.bulk_create([Resident(**values) for values in residents], batch)
    except IntegrityError:
        raise ValidationError(
            _("An ID number of the file was registered meanwhile: check the file again.")
        ) from None
    per_grid = Counter(values["grid_id"] for values in residents)
    for grid_id, count in sorted(per_grid.items()):
        figures.counts_changed(
            grid_id=grid_id, deltas={"residents": count, HealthCode.GREEN: count}
        )
    return len(residents)


def _identity_differences(
    resident: Resident, *, name: str, phone: str, confirmed: bool
) -> dict[str, tuple[str, str]]:
    """The typed name and phone that are not the registered ones, read under the row's
    lock; raises IdentityDiffers unless the filer confirmed that it is the same person.
    The same values need no confirmation."""
    registered = Resident.objects.select_for_update().get(pk=resident.pk)
    differences = identity_differences(
        {"name": registered.name, "phone": registered.phone}, {"name": name, "phone": phone}
    )
    if differences and not confirmed:
        raise IdentityDiffers(registered, differences)
    return differences


def _identity_change(
    *,
    resident: Resident,
    arrival: ArrivalReport,
    differences: dict[str, tuple[str, str]],
    by: User | None,
) -> None:
    """A confirmed difference: the resident takes the typed values, and an IdentityChange
    keeps what they were."""
    if not differences:
        return
    for field, (_registered, typed) in differences.items():
        setattr(resident, field, typed)
    resident.save(update_fields=[*differences, "updated_at"])
    IdentityChange.objects.create(
        resident=resident,
        arrival=arrival,
        changes={field: list(pair) for field, pair in differences.items()},
        by=by,
    )


def stays_create(arrival: ArrivalReport, stays: list[dict]) -> None:
    """The stays of an arrival, in one insert (street and area may be missing)."""
    Stay.objects.bulk_create(
        Stay(
            arrival=arrival,
            province=s["province"],
            city=s["city"],
            county=s["county"],
            street=s.get("street", ""),
            area=s.get("area", ""),
            start=s["start"],
            end=s["end"],
        )
        for s in stays
    )


def decided_fields(decision: Decision) -> dict:
    """An assessed arrival's own decision and when it was taken: what later re-assessments
    of this arrival compare with (never the resident's code)."""
    return {
        "state": ArrivalReport.State.ASSESSED,
        "decision": decision.as_dict(),
        "decided_code": str(decision.code),
        "decided_rule": decision.rule,
        "assessed_at": timezone.now(),
    }


def _decide(
    *, stays: list[dict], arrival_date: date, abroad_quarantine_days: int | None, as_of: date
):
    """The decision for a journey, by the policy in force on `as_of`."""
    traveller = traveller_from(
        stays=stays, arrival_date=arrival_date, abroad_quarantine_days=abroad_quarantine_days
    )
    return assessment_run(traveller=traveller, as_of=as_of)


@transaction.atomic
def arrival_report_file(
    *,
    resident: Resident,
    stays: list[dict],
    arrival_date: date,
    landing_point_kind: str,
    landing_point: str,
    transport: str,
    abroad_quarantine_days: int | None,
    source: str,
    by: User | None,
    name: str | None = None,
    phone: str | None = None,
    address: str | None = None,
    confirm_identity: bool = False,
    today: date | None = None,
) -> ArrivalReport:
    """File an arrival for a known resident and assess it at once by the policy in force
    today: the decision is kept on the arrival, the landing test scheduled, and the code
    and measure follow when the decision is stricter (_arrival_decision_apply).

    `name`, `phone` and `address` are what the filer typed (the resident's when not
    given); the arrival keeps them. A typed name or phone that is not the registered one
    raises IdentityDiffers, and nothing is stored, unless `confirm_identity`: then the
    resident takes the typed values, with an IdentityChange."""
    typed = {
        "name": resident.name if name is None else name,
        "phone": resident.phone if phone is None else phone,
        "address": resident.address if address is None else address,
    }
    differences = _identity_differences(
        resident, name=typed["name"], phone=typed["phone"], confirmed=confirm_identity
    )
    decision = _decide(
        stays=stays,
        arrival_date=arrival_date,
        abroad_quarantine_days=abroad_quarantine_days,
        as_of=today or timezone.localdate(),
    )
    arrival = ArrivalReport.objects.create(
        resident=resident,
        community=resident.grid.parent,
        id_number=resident.id_number,
        **typed,
        source=source,
        filed_by=by,
        arrival_date=arrival_date,
        landing_point_kind=landing_point_kind,
        landing_point=landing_point,
        transport=transport,
        abroad_quarantine_days=abroad_quarantine_days,
        **decided_fields(decision),
    )
    stays_create(arrival, stays)
    _identity_change(resident=resident, arrival=arrival, differences=differences, by=by)
    _arrival_decision_apply(resident=resident, decision=decision, arrival=arrival, actor=by)
    return arrival


@transaction.atomic
def arrival_file(
    *,
    visible,
    id_number: str,
    name: str,
    phone: str,
    address: str,
    grid: Jurisdiction,
    **filing,
) -> tuple[ArrivalReport, bool]:
    """File an arrival for the person with this ID number, registered in `grid` when new;
    (arrival, whether the person was new). `filing` is the rest of arrival_report_file's
    arguments. All or nothing: OutsideJurisdiction for a person outside `visible`,
    IdentityDiffers for another name or phone not confirmed."""
    resident, created = resident_get_or_create(
        visible=visible, id_number=id_number, name=name, phone=phone, address=address, grid=grid
    )
    arrival = arrival_report_file(
        resident=resident, name=name, phone=phone, address=address, **filing
    )
    return arrival, created


@transaction.atomic
def self_report_submit(
    *,
    community: Jurisdiction,
    name: str,
    id_number: str,
    phone: str,
    address: str,
    stays: list[dict],
    arrival_date: date,
    landing_point_kind: str,
    landing_point: str,
    transport: str,
    abroad_quarantine_days: int | None,
    source: str = ArrivalReport.Source.SELF,
    reason: str = "",
    to_residents_grid: bool = False,
) -> ArrivalReport:
    """A report from the public form: kept as submitted with a preview of its decision,
    and a task for the community's grid workers to verify it within 24 hours (for the
    registered person's own grid with `to_residents_grid`)."""
    resident = access.residents_to_match().filter(id_number=id_number).first()
    decision = _decide(
        stays=stays,
        arrival_date=arrival_date,
        abroad_quarantine_days=abroad_quarantine_days,
        as_of=timezone.localdate(),
    )
    arrival = ArrivalReport.objects.create(
        resident=resident,
        community=community,
        name=name,
        id_number=id_number,
        phone=phone,
        address=address,
        source=source,
        arrival_date=arrival_date,
        landing_point_kind=landing_point_kind,
        landing_point=landing_point,
        transport=transport,
        abroad_quarantine_days=abroad_quarantine_days,
        state=ArrivalReport.State.SUBMITTED,
        decision=decision.as_dict(),
    )
    stays_create(arrival, stays)
    GridTask.objects.create(
        kind=GridTask.Kind.VERIFY_SELF_REPORT,
        community=community,
        arrival=arrival,
        resident=resident if to_residents_grid else None,
        reason=reason,
        due_at=timezone.now() + timedelta(hours=SELF_REPORT_VERIFY_HOURS),
    )
    return arrival


@transaction.atomic
def self_report_hand_over(*, arrival: ArrivalReport) -> None:
    """A self-report whose person turned out to be registered in another community: the
    report and its open task move to the person's own grid, which verifies it (the grid
    worker who found this out is told no more than that)."""
    resident = access.residents_to_match().select_related("grid").get(id_number=arrival.id_number)
    community = resident.grid.parent_id
    ArrivalReport.objects.filter(pk=arrival.pk).update(resident=resident, community_id=community)
    GridTask.objects.filter(arrival=arrival, state=GridTask.State.OPEN).update(
        resident=resident, community_id=community, reason=_("Reported arriving by another grid.")
    )


def arrival_hand_over(*, id_number: str, source: str, grid: Jurisdiction, **report) -> None:
    """An arrival filed for a person registered outside the filer's grids: kept as
    submitted, with a task for the person's own grid to verify it within 24 hours, as a
    self-report is. The filer is told no more than that it was handed over (neither
    where the person lives nor their code); `grid`, the filer's choice for a new person,
    does not apply."""
    resident = access.residents_to_match().select_related("grid").get(id_number=id_number)
    self_report_submit(
        community=resident.grid.parent,
        id_number=id_number,
        source=source,
        reason=_("Reported arriving by another grid."),
        to_residents_grid=True,
        **report,
    )


def _submitted_locked(arrival: ArrivalReport) -> ArrivalReport:
    """The report's row, locked; a report already verified or rejected raises ValueError
    (two grid workers acting on one report queue up here)."""
    arrival = ArrivalReport.objects.select_for_update().get(pk=arrival.pk)
    if arrival.state == ArrivalReport.State.REJECTED:
        raise ValueError(_("This report was already rejected."))
    if arrival.state != ArrivalReport.State.SUBMITTED:
        raise ValueError(_("This report was already verified."))
    return arrival


@transaction.atomic
def self_report_verify(
    *,
    arrival: ArrivalReport,
    grid: Jurisdiction,
    by: User,
    visible,
    confirm_identity: bool = False,
) -> Resident:
    """The grid worker confirms a self-report: the person is found or registered in
    `grid`, the report is assessed and applied as a filed arrival is, and the task is
    done. A registered person whose name or phone is not the one reported raises
    IdentityDiffers unless `confirm_identity` (then the resident takes the reported
    values, with an IdentityChange); the report keeps what was reported."""
    arrival = _submitted_locked(arrival)
    resident, _created = resident_get_or_create(
        visible=visible,
        id_number=arrival.id_number,
        name=arrival.name,
        phone=arrival.phone,
        address=arrival.address,
        grid=grid,
    )
    differences = _identity_differences(
        resident, name=arrival.name, phone=arrival.phone, confirmed=confirm_identity
    )
    stays = list(
        arrival.stays.values("province", "city", "county", "street", "area", "start", "end")
    )
    decision = _decide(
        stays=stays,
        arrival_date=arrival.arrival_date,
        abroad_quarantine_days=arrival.abroad_quarantine_days,
        as_of=timezone.localdate(),
    )
    arrival.resident = resident
    fields = decided_fields(decision)
    for name, value in fields.items():
        setattr(arrival, name, value)
    arrival.save(update_fields=["resident", *fields])
    _identity_change(resident=resident, arrival=arrival, differences=differences, by=by)
    _arrival_decision_apply(resident=resident, decision=decision, arrival=arrival, actor=by)
    GridTask.objects.filter(arrival=arrival, state=GridTask.State.OPEN).update(
        state=GridTask.State.DONE, done_by=by, done_at=timezone.now()
    )
    return resident


@transaction.atomic
def self_report_reject(*, arrival: ArrivalReport, reason: str, note: str, by: User) -> None:
    """The grid worker turns a self-report down (the person is unknown, never arrived, the
    report is a duplicate…): the report is marked rejected and its task done with the
    reason. Nothing is stored on any resident, and a rejected report is never assessed
    (self_report_verify refuses it, the recompute takes assessed reports only)."""
    arrival = _submitted_locked(arrival)
    arrival.state = ArrivalReport.State.REJECTED
    arrival.save(update_fields=["state"])
    GridTask.objects.filter(arrival=arrival, state=GridTask.State.OPEN).update(
        state=GridTask.State.DONE,
        note=f"{reason}：{note}" if note.strip() else reason,
        done_by=by,
        done_at=timezone.now(),
    )


def personal_data_view_record(
    *,
    user: User,
    resident: Resident | None = None,
    arrival: ArrivalReport | None = None,
    task: GridTask | None = None,
) -> None:
    """Record that `user` was shown the full ID number and phone of what is named (one
    row a page view; at least one of resident, arrival and task)."""
    PersonalDataView.objects.create(user=user, resident=resident, arrival=arrival, task=task)


# --- Recompute -----------------------------------------------------------------------------


def residents_reassess(*, today: date | None = None) -> int:
    """Re-assess, now and in this process, everyone an announcement may affect (the
    residents with an arrival in the last 14 days); returns how many changed. The workers
    do the same through tasks.recompute_after_announcement_task."""
    run = run_inline(kind="announcement", today=today or timezone.localdate())
    return run.changed
