"""Living through a measure: tests, follow-ups, anomalies, release, manual changes under
review, appeals, big-data pushes and venue reports. Every code change goes through
arrivals.health_code_change, the one service that writes the event."""

from datetime import date, datetime, timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from notices import texts
from notices.models import Notice
from notices.services import notices_create

from .. import access, figures, selectors
from ..models import (
    APPEAL_DEADLINE,
    FEVER_FROM,
    RESOLUTION_CHOICES,
    WITHDRAW_WITHIN,
    Anomaly,
    Appeal,
    ArrivalReport,
    CodeChangeProposal,
    ControlMeasure,
    FollowUp,
    GridTask,
    HealthCode,
    Jurisdiction,
    NucleicAcidTest,
    PersonDecision,
    Resident,
    Symptom,
    User,
    VenueReport,
)
from ..rules.anomalies import ANOMALY_RULE, AnomalyState, code_to_return
from ..rules.codes import VERIFY_WITHIN_HOURS, Code, is_stricter
from .arrivals import (
    OutsideJurisdiction,
    arrival_file,
    arrival_hand_over,
    assessment_run,
    decided_fields,
    decision_apply,
    health_code_change,
    stays_create,
    traveller_from,
)

Role = User.Role
R4_TESTS = 3  # landing + two follow-ups within 72 hours
MANUAL_RULE = "manual"


def _locked(resident: Resident) -> Resident:
    """The resident's row, locked until the transaction ends: two workers acting on one
    person queue up here instead of losing an update."""
    return Resident.objects.select_for_update().get(pk=resident.pk)


# --- Anomalies and alerts -------------------------------------------------------------------


def _supervisors_of(resident: Resident) -> list[int]:
    """The ids of the community staff, street supervisors and district offices above the
    resident's grid (community staff resolve anomalies too: DOMAIN.md section 5)."""
    offices = access.officers_by_node(
        {Role.COMMUNITY_STAFF, Role.STREET_SUPERVISOR, Role.DISTRICT_OFFICE},
        set(resident.grid.ancestor_ids),
    )
    return sorted(set().union(*offices.values()))


def _supervisors_tell(
    anomaly: Anomaly, resident: Resident, notice_kind: str, key: str, /, **params
) -> None:
    """An in-app notice of `notice_kind` about the anomaly (its text filled with
    `params`) to each of _supervisors_of, once each for `key`; delivered by the dispatch
    queued after commit. The text is stored in the portal's language (Chinese), whatever
    the language of this request."""
    text = texts.staff_text(notice_kind, name=resident.name, grid=resident.grid.name, **params)
    notices_create(
        notices=[
            Notice(
                kind=notice_kind,
                channel=Notice.Channel.INAPP,
                recipient_id=user_id,
                resident=resident,
                text=text,
                dedupe_key=f"anomaly:{anomaly.pk}:{key}{user_id}",
            )
            for user_id in _supervisors_of(resident)
        ]
    )


@transaction.atomic
def anomaly_raise(
    *, resident: Resident, kind: str, detail: str, followup=None, test=None
) -> Anomaly:
    """Note an anomaly: the code turns red at once (an event by the system), automatic
    release is blocked while it is open, and the street and district are alerted."""
    resident = _locked(resident)
    already = resident.code_rule == ANOMALY_RULE and has_open_anomaly(resident)
    anomaly = Anomaly.objects.create(
        resident=resident,
        kind=kind,
        detail=detail,
        followup=followup,
        test=test,
        code_before="" if already else resident.code,
        rule_before="" if already else resident.code_rule,
    )
    label = Anomaly.Kind(kind).label
    health_code_change(
        resident=resident,
        to=HealthCode.RED,
        rule=ANOMALY_RULE,
        reason=f"{label}：{detail}",
        actor=None,
    )
    _supervisors_tell(anomaly, resident, Notice.Kind.ANOMALY, "", kind=label, detail=detail)
    return anomaly


def has_open_anomaly(resident: Resident) -> bool:
    return resident.anomalies.open().exists()


def open_anomalies_refuse(resident: Resident) -> None:
    """A manual green (an approved change, an appeal granted) waits until each open
    anomaly is resolved with an outcome: none is closed without a word."""
    open_ = list(resident.anomalies.open())
    if open_:
        raise ValidationError(
            _(
                "Open anomalies must be resolved first, each with its outcome (by community "
                "staff or the district office): %(list)s"
            )
            % {"list": "；".join(f"{a.get_kind_display()}：{a.detail}" for a in open_)}
        )


def person_decision_record(
    *, resident: Resident, kind: str, code: str, reason: str, by: User
) -> PersonDecision:
    """Note a decision a person took on the resident's code; from now on a stricter
    re-assessment of an arrival assessed before it is a review task, not a code."""
    now = timezone.now()
    decision = PersonDecision.objects.create(
        resident=resident, kind=kind, code=code, reason=reason, by=by, at=now
    )
    Resident.objects.filter(pk=resident.pk).update(decision_stands_at=now)
    resident.decision_stands_at = now
    return decision


@transaction.atomic
def anomaly_resolve(*, anomaly: Anomaly, outcome: str, note: str, by: User) -> Anomaly:
    """Community staff or the district office resolve an anomaly with its outcome and a
    note; the resolution is a person's decision and is recorded as one.

    1. the anomaly is closed (outcome, note, by whom, when);
    2. when it was the last open one, every anomaly since the code was interrupted was
       excluded (fever clinic, re-test) and the code is still the anomaly's red, the code
       returns to what it was before, by the resolver; R4 with its three tests negative is
       released to green instead (R4's own release);
    3. the decision is recorded with the code it leaves.
    """
    if not access.can_resolve_anomalies(by):
        raise PermissionDenied(
            _("Anomalies are resolved by community staff or the district prevention office.")
        )
    if outcome not in dict(RESOLUTION_CHOICES):
        raise ValidationError(_("Choose the outcome of the anomaly."))
    note = note.strip()
    if not note:
        raise ValidationError(_("Write what was found and who found it."))
    resident = _locked(anomaly.resident)
    anomaly = Anomaly.objects.select_for_update().get(pk=anomaly.pk)
    if anomaly.resolved_at is not None:
        raise ValidationError(_("This anomaly was already resolved."))
    anomaly.outcome, anomaly.resolution_note = outcome, note
    anomaly.resolved_at, anomaly.resolved_by = timezone.now(), by
    anomaly.save(update_fields=["outcome", "resolution_note", "resolved_at", "resolved_by"])
    states = [
        AnomalyState(a.code_before, a.rule_before, a.resolved_at is None, a.outcome)
        for a in resident.anomalies.order_by("created_at", "pk")
    ]
    back = code_to_return(states, code_rule=resident.code_rule)
    resolution = _("%(kind)s (%(detail)s) resolved: %(outcome)s; %(note)s") % {
        "kind": anomaly.get_kind_display(),
        "detail": anomaly.detail,
        "outcome": anomaly.get_outcome_display(),
        "note": note,
    }
    reason = resolution
    if back and back[1] == "R4" and _r4_tests_negative(resident, _r4_arrival_id(resident)):
        back = (HealthCode.GREEN, "R4")
        reason = _(
            "%(resolution)s; the landing test and two more tests within 72 hours were all "
            "negative: released."
        ) % {"resolution": resolution}
    elif back:
        reason = _("%(resolution)s; the code returns to what it was before the anomaly.") % {
            "resolution": resolution
        }
    person_decision_record(
        resident=resident,
        kind=PersonDecision.Kind.ANOMALY,
        code=back[0] if back else resident.code,
        reason=reason,
        by=by,
    )
    if back:
        health_code_change(resident=resident, to=back[0], rule=back[1], reason=reason, actor=by)
    return anomaly


# --- Nucleic-acid tests ----------------------------------------------------------------------


def _r4_tests_negative(resident: Resident, arrival_id: int | None) -> bool:
    """R4's release condition: the landing test and the two more of one arrival (R4's
    three tests belong to it) are all negative."""
    if arrival_id is None:
        return False
    negatives = NucleicAcidTest.objects.filter(
        resident=resident, arrival_id=arrival_id, result=NucleicAcidTest.Result.NEGATIVE
    )
    return negatives.count() >= R4_TESTS


def _r4_arrival_id(resident: Resident) -> int | None:
    """The resident's latest arrival decided R4: the one whose tests release an R4."""
    arrivals = resident.arrivals.filter(decided_rule="R4").order_by("-arrival_date", "-pk")
    return arrivals.values_list("pk", flat=True).first()


def _sampled_at_check(test: NucleicAcidTest, sampled_at: datetime, now: datetime) -> None:
    """A sample is recorded as it was taken: not in the future, and not before the day
    before the test was due."""
    if sampled_at > now:
        raise ValidationError({"sampled_at": _("The sample time is in the future.")})
    if timezone.localdate(sampled_at) < test.sampled_from:
        raise ValidationError(
            {
                "sampled_at": _(
                    "The sample time is before %(earliest)s: a test due %(due)s is sampled "
                    "from the day before it is due."
                )
                % {"earliest": test.sampled_from.isoformat(), "due": test.due.isoformat()}
            }
        )


@transaction.atomic
def test_result_record(
    *, test: NucleicAcidTest, result: str, sampled_at: datetime | None, by: User | None
) -> NucleicAcidTest:
    """Record a sample (taken at `sampled_at`, default now) and its result, noting who
    recorded it and when. A positive result is an anomaly; R4's third negative result
    releases the code at once (yellow → green, by the system)."""
    resident = _locked(test.resident)
    test = NucleicAcidTest.objects.select_for_update().get(pk=test.pk)
    if test.result != NucleicAcidTest.Result.PENDING:
        if test.result == result:
            return test  # the same result twice changes nothing
        # A recorded result is never overwritten: a correction is a manual change, with
        # its reason, under the district's proposal and the city's approval.
        raise ValidationError(
            _(
                "This test is already recorded as %(result)s; a correction goes through a "
                "manual code change."
            )
            % {"result": test.get_result_display()}
        )
    now = timezone.now()
    sampled_at = sampled_at or test.sampled_at or now
    _sampled_at_check(test, sampled_at, now)
    test.result, test.sampled_at = result, sampled_at
    test.recorded_by, test.recorded_at, test.release_event = by, now, None
    test.save(update_fields=["result", "sampled_at", "recorded_by", "recorded_at", "release_event"])
    if result == NucleicAcidTest.Result.POSITIVE:
        anomaly_raise(
            resident=resident,
            kind=Anomaly.Kind.POSITIVE_TEST,
            detail=_("%(kind)s due %(due)s was positive")
            % {"kind": test.get_kind_display(), "due": test.due.isoformat()},
            test=test,
        )
    elif (
        resident.code_rule == "R4"
        and _r4_tests_negative(resident, test.arrival_id)
        and not has_open_anomaly(resident)
    ):
        test.release_event = health_code_change(
            resident=resident,
            to=HealthCode.GREEN,
            rule="R4",
            reason=_("Landing test and two more tests within 72 hours were all negative."),
            actor=None,
        )
        test.save(update_fields=["release_event"])
    return test


def _withdrawal_refuse(
    test: NucleicAcidTest, resident: Resident, anomaly: Anomaly | None, by: User, now: datetime
) -> None:
    """Raise why `by` may not withdraw the test's result now, if they may not: only its
    recorder, within WITHDRAW_WITHIN, and while no person has decided since on what the
    result did (the anomaly it raised, the resident's code); otherwise the result is
    corrected by a manual change."""
    minutes = int(WITHDRAW_WITHIN.total_seconds() // 60)
    if test.result == NucleicAcidTest.Result.PENDING:
        raise ValidationError(_("This test has no result to withdraw."))
    if test.recorded_by_id is None or test.recorded_by_id != by.pk:
        raise ValidationError(
            _(
                "Only the person who recorded this result can withdraw it, within %(minutes)s "
                "minutes; otherwise it is corrected by a manual code change: the district "
                "office proposes, the city office approves."
            )
            % {"minutes": minutes}
        )
    if now > test.withdrawable_until:
        raise ValidationError(
            _(
                "A result can be withdrawn only within %(minutes)s minutes of recording it; "
                "after that it is corrected by a manual code change: the district office "
                "proposes, the city office approves."
            )
            % {"minutes": minutes}
        )
    if anomaly is not None and anomaly.resolved_at is not None:
        raise ValidationError(
            _(
                "The anomaly this result raised was resolved since (%(outcome)s), so the "
                "result is corrected by a manual code change: the district office proposes, "
                "the city office approves."
            )
            % {"outcome": anomaly.get_outcome_display()}
        )
    if resident.decision_stands_at is not None and resident.decision_stands_at >= test.recorded_at:
        raise ValidationError(
            _(
                "A person decided on this resident's code after the result was recorded, so "
                "the result is corrected by a manual code change: the district office "
                "proposes, the city office approves."
            )
        )


def _anomaly_of(test: NucleicAcidTest) -> Anomaly | None:
    """The anomaly that recording the test's positive result raised (None for another
    result)."""
    if test.result != NucleicAcidTest.Result.POSITIVE or test.recorded_at is None:
        return None
    return (
        Anomaly.objects.select_for_update()
        .filter(test=test, created_at__gte=test.recorded_at)
        .order_by("-created_at", "-pk")
        .first()
    )


@transaction.atomic
def test_result_withdraw(*, test: NucleicAcidTest, by: User) -> NucleicAcidTest:
    """Withdraw a result recorded by mistake (its recorder, within WITHDRAW_WITHIN, while
    no person has decided on the resident since; else ValidationError naming the manual
    change). Undoes what the recording did, and only that:

    1. the test is pending again, noting the result withdrawn, by whom and when;
    2. a positive: the anomaly it raised is closed as withdrawn; when no other anomaly
       holds the code red and the code is still the anomaly's, it returns to the code the
       anomaly replaced (an event by the system); those it alerted are told;
    3. R4's third negative: when its release is still the resident's last change of code,
       the code returns to the yellow it released (an event by the system).
    A code written since by the rules on other facts (a re-assessment, a new arrival)
    stays: it does not rest on this result.
    """
    resident = _locked(test.resident)
    test = NucleicAcidTest.objects.select_for_update().get(pk=test.pk)
    now = timezone.now()
    anomaly = _anomaly_of(test)
    _withdrawal_refuse(test, resident, anomaly, by, now)
    release = test.release_event
    withdrawal = _(
        "%(kind)s due %(due)s: the %(result)s result recorded at %(at)s was withdrawn by "
        "%(by)s (recorded by mistake)"
    ) % {
        "kind": test.get_kind_display(),
        "due": test.due.isoformat(),
        "result": test.get_result_display(),
        "at": timezone.localtime(test.recorded_at).strftime("%Y-%m-%d %H:%M"),
        "by": by,
    }
    test.withdrawn_result, test.withdrawn_by, test.withdrawn_at = test.result, by, now
    test.result, test.sampled_at = NucleicAcidTest.Result.PENDING, None
    test.recorded_by = test.recorded_at = test.release_event = None
    test.save(
        update_fields=[
            "result",
            "sampled_at",
            "recorded_by",
            "recorded_at",
            "release_event",
            "withdrawn_result",
            "withdrawn_by",
            "withdrawn_at",
        ]
    )
    back = None
    if anomaly is not None:
        anomaly.outcome, anomaly.resolution_note = Anomaly.Outcome.WITHDRAWN, withdrawal
        anomaly.resolved_at, anomaly.resolved_by = now, by
        anomaly.save(update_fields=["outcome", "resolution_note", "resolved_at", "resolved_by"])
        states = [
            AnomalyState(a.code_before, a.rule_before, a.resolved_at is None, a.outcome)
            for a in resident.anomalies.order_by("created_at", "pk")
        ]
        back = code_to_return(states, code_rule=resident.code_rule)
        later_open = resident.anomalies.filter(resolved_at__isnull=True, pk__gt=anomaly.pk)
        if (
            back is None
            and anomaly.code_before
            and resident.code_rule == ANOMALY_RULE
            and not later_open.exists()
        ):
            # This anomaly took the code (an older one still open no longer held it: a
            # re-assessment had written its own code over it), and none raised after it
            # holds it: undo exactly what the recording did.
            back = (anomaly.code_before, anomaly.rule_before)
        _supervisors_tell(
            anomaly,
            resident,
            Notice.Kind.ANOMALY_WITHDRAWN,
            "withdrawn:",
            detail=anomaly.detail,
            by=str(by),
        )
    elif release is not None and resident.code_events.first() == release:
        # The release's rule is R4's, which it needs the resident to have had.
        back = (release.from_code, release.rule)
    if back:
        health_code_change(
            resident=resident,
            to=back[0],
            rule=back[1],
            reason=_("%(withdrawal)s; the code returns to what it was before the result.")
            % {"withdrawal": withdrawal},
            actor=None,
        )
    return test


# --- Daily follow-up -------------------------------------------------------------------------


def followup_problem(temperature: Decimal, symptoms: list[str]) -> tuple[str, str] | None:
    """The anomaly a follow-up shows, if any: a fever (naming any symptoms too) or a
    symptom."""
    named = "、".join(str(Symptom(s).label) for s in symptoms)
    if temperature >= Decimal(str(FEVER_FROM)):
        return Anomaly.Kind.FEVER, f"{temperature} °C" + (f"，{named}" if named else "")
    if symptoms:
        return Anomaly.Kind.SYMPTOM, named
    return None


@transaction.atomic
def followup_record(
    *, resident: Resident, day: date, temperature: Decimal, symptoms: list[str], note: str, by: User
) -> FollowUp:
    """Today's (or a missed day's) follow-up of a resident under a measure; a fever or a
    symptom is an anomaly at once."""
    resident = _locked(resident)
    measure = resident.measures.filter(state=ControlMeasure.State.ACTIVE).first()
    if measure is None:
        raise ValidationError(_("This resident is not under a measure."))
    if not measure.start <= day <= min(measure.end, timezone.localdate()):
        raise ValidationError(_("The day must fall within the measure and not after today."))
    if FollowUp.objects.filter(resident=resident, day=day).exists():
        raise ValidationError(_("This day's follow-up is already recorded."))
    followup = FollowUp.objects.create(
        resident=resident,
        measure=measure,
        day=day,
        temperature=temperature,
        symptoms=symptoms,
        note=note,
        recorded_by=by,
    )
    problem = followup_problem(temperature, symptoms)
    if problem:
        anomaly_raise(resident=resident, kind=problem[0], detail=problem[1], followup=followup)
    return followup


# --- Release ---------------------------------------------------------------------------------


@transaction.atomic
def resident_release(*, resident: Resident, today: date | None = None) -> bool:
    """Release one resident whose measure has ended, unless an anomaly is open. Returns
    whether the code was released. The nightly job does not call this: it releases
    everyone due set-based, by the same conditions, in recompute._release."""
    today = today or timezone.localdate()
    resident = _locked(resident)
    measure = resident.measures.filter(state=ControlMeasure.State.ACTIVE).first()
    if measure is None or measure.release_due > today or has_open_anomaly(resident):
        return False
    measure.state = ControlMeasure.State.RELEASED
    measure.save(update_fields=["state"])
    health_code_change(
        resident=resident,
        to=HealthCode.GREEN,
        rule=measure.rule,
        reason=_("The measure ended on %(end)s without anomaly.")
        % {"end": measure.end.isoformat()},
        actor=None,
    )
    return True


# --- Manual changes: the district proposes, the city approves -------------------------------


@transaction.atomic
def proposal_create(
    *, resident: Resident, to_code: str, reason: str, by: User
) -> CodeChangeProposal:
    if not (by.is_superuser or by.role == Role.DISTRICT_OFFICE):
        raise PermissionDenied(_("Only a district prevention office proposes a manual change."))
    resident = _locked(resident)
    if resident.code == to_code:
        raise ValidationError(_("The resident already has this code."))
    if resident.proposals.filter(state=CodeChangeProposal.State.PENDING).exists():
        raise ValidationError(_("A proposal for this resident is already waiting."))
    return CodeChangeProposal.objects.create(
        resident=resident, from_code=resident.code, to_code=to_code, reason=reason, proposed_by=by
    )


@transaction.atomic
def proposal_decide(
    *, proposal: CodeChangeProposal, approve: bool, note: str, by: User
) -> CodeChangeProposal:
    """The city office approves (the code changes, by the approver) or rejects."""
    if not (by.is_superuser or by.role == Role.CITY_OFFICE):
        raise PermissionDenied(_("Only the city prevention office decides manual changes."))
    proposal = CodeChangeProposal.objects.select_for_update().get(pk=proposal.pk)
    if proposal.proposed_by_id == by.pk:
        raise PermissionDenied(_("A proposal is decided by someone other than its author."))
    if proposal.state != CodeChangeProposal.State.PENDING:
        raise ValidationError(_("This proposal was already decided."))
    if not approve and not note.strip():
        raise ValidationError({"note": _("Say why the proposal is rejected.")})
    proposal.state = (
        CodeChangeProposal.State.APPROVED if approve else CodeChangeProposal.State.REJECTED
    )
    proposal.decided_by, proposal.decided_at = by, timezone.now()
    proposal.decision_note = note
    proposal.save(update_fields=["state", "decided_by", "decided_at", "decision_note"])
    if approve:
        code_change_manual(
            resident=proposal.resident,
            to=proposal.to_code,
            reason=_("Proposed by %(who)s: %(reason)s; approved by %(by)s.")
            % {"who": proposal.proposed_by, "reason": proposal.reason, "by": by},
            by=by,
            kind=PersonDecision.Kind.MANUAL_CHANGE,
        )
    _proposer_tell(proposal)
    return proposal


def _proposer_tell(proposal: CodeChangeProposal) -> None:
    """The proposer learns the decision in the portal (stored in the portal's language)."""
    if proposal.proposed_by_id is None:
        return
    resident = proposal.resident
    approved = proposal.state == CodeChangeProposal.State.APPROVED
    text = texts.staff_text(
        Notice.Kind.PROPOSAL_DECIDED,
        name=resident.name,
        grid=resident.grid.name,
        to=HealthCode(proposal.to_code).label,
        decision=gettext_lazy("approved") if approved else gettext_lazy("rejected"),
        note=proposal.decision_note or "—",
    )
    notices_create(
        notices=[
            Notice(
                kind=Notice.Kind.PROPOSAL_DECIDED,
                channel=Notice.Channel.INAPP,
                recipient_id=proposal.proposed_by_id,
                resident=resident,
                text=text,
                dedupe_key=f"proposal:{proposal.pk}:decided",
            )
        ]
    )


def code_change_manual(*, resident: Resident, to: str, reason: str, by: User, kind: str) -> None:
    """A person's decided change (`kind`: an approved manual change, an appeal); a release
    also ends the measure. Refused while an anomaly is open and the change is to green.
    The decision is recorded: it stands against re-assessments of earlier arrivals."""
    resident = _locked(resident)
    if to == HealthCode.GREEN:
        open_anomalies_refuse(resident)
    if resident.code != to:  # already there (say, released overnight): no event to write
        health_code_change(resident=resident, to=to, rule=MANUAL_RULE, reason=reason, actor=by)
    if to == HealthCode.GREEN:
        resident.measures.filter(state=ControlMeasure.State.ACTIVE).update(
            state=ControlMeasure.State.RELEASED
        )
    person_decision_record(resident=resident, kind=kind, code=to, reason=reason, by=by)


# --- Appeals ---------------------------------------------------------------------------------


@transaction.atomic
def appeal_file(
    *,
    resident: Resident,
    reason: str,
    evidence,
    source: str,
    quarantine_status: str = "",
    by: User | None = None,
) -> Appeal:
    """An appeal against a wrongly assigned code, to be resolved within 24 hours. The
    resident's row is locked, so that two filings at once make one appeal; the evidence
    passes the model's checks before anything is stored."""
    resident = _locked(resident)
    if resident.code == HealthCode.GREEN:
        raise ValidationError(_("This person's code is green: there is nothing to appeal."))
    if resident.appeals.exclude(state=Appeal.State.RESOLVED).exists():
        raise ValidationError(_("An appeal of this person is already being handled."))
    now = timezone.now()
    appeal = Appeal(
        resident=resident,
        source=source,
        filed_by=by,
        reason=reason,
        evidence=evidence,
        quarantine_status=quarantine_status,
        code_at_filing=resident.code,
        created_at=now,
        due_at=now + APPEAL_DEADLINE,
    )
    appeal.full_clean(exclude=["filed_by", "resident"])
    appeal.save()
    figures.counts_changed(grid_id=resident.grid_id, deltas={"appeals_open": 1})
    return appeal


def _appeal_step(appeal: Appeal, expected: str) -> Appeal:
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.state != expected:
        raise ValidationError(_("This appeal is no longer at this step."))
    return appeal


@transaction.atomic
def appeal_verify(*, appeal: Appeal, note: str, by: User) -> Appeal:
    """The grid worker who serves the person verifies, or community staff in their place
    (DOMAIN.md section 5); the views give them only appeals of their own residents."""
    if not (by.is_superuser or by.role in {Role.GRID_WORKER, Role.COMMUNITY_STAFF}):
        raise PermissionDenied(
            _("Appeals are verified by the grid worker of the person's grid or community staff.")
        )
    appeal = _appeal_step(appeal, Appeal.State.FILED)
    appeal.state, appeal.verified_by, appeal.verified_at = Appeal.State.VERIFIED, by, timezone.now()
    appeal.verification_note = note
    appeal.save()
    return appeal


@transaction.atomic
def appeal_review(*, appeal: Appeal, note: str, by: User) -> Appeal:
    if not (by.is_superuser or by.role == Role.DISTRICT_OFFICE):
        raise PermissionDenied(_("Appeals are reviewed by the district prevention office."))
    appeal = _appeal_step(appeal, Appeal.State.VERIFIED)
    appeal.state, appeal.reviewed_by, appeal.reviewed_at = Appeal.State.REVIEWED, by, timezone.now()
    appeal.review_note = note
    appeal.save()
    return appeal


@transaction.atomic
def appeal_resolve(*, appeal: Appeal, release: bool, note: str, by: User) -> Appeal:
    """The city office resolves: release the code (by the resolver) or uphold it."""
    if not (by.is_superuser or by.role == Role.CITY_OFFICE):
        raise PermissionDenied(_("Appeals are resolved by the city prevention office."))
    appeal = _appeal_step(appeal, Appeal.State.REVIEWED)
    appeal.state, appeal.resolved_by, appeal.resolved_at = Appeal.State.RESOLVED, by, timezone.now()
    appeal.outcome = Appeal.Outcome.RELEASED if release else Appeal.Outcome.UPHELD
    appeal.resolution_note = note
    appeal.save()
    figures.counts_changed(grid_id=appeal.resident.grid_id, deltas={"appeals_open": -1})
    if release:
        code_change_manual(
            resident=appeal.resident,
            to=HealthCode.GREEN,
            reason=_("Appeal granted, code released: %(note)s") % {"note": note},
            by=by,
            kind=PersonDecision.Kind.APPEAL,
        )
    else:
        resident = _locked(appeal.resident)
        person_decision_record(
            resident=resident,
            kind=PersonDecision.Kind.APPEAL,
            code=resident.code,
            reason=_("Appeal upheld: %(note)s") % {"note": note},
            by=by,
        )
    return appeal


# --- Big-data pushes and venue reports ---------------------------------------------------------


@transaction.atomic
def push_receive(
    *,
    name: str,
    id_number: str,
    phone: str,
    reason: str,
    community: Jurisdiction | None,
    by: User | None,
    visible=None,
) -> GridTask:
    """One person pushed by the big-data platform. A known resident gets a temporary
    yellow (R7) unless their code is already stricter, and a verification task due in 24
    hours; an unknown person becomes a task to find them in `community`."""
    among = access.residents_to_match() if visible is None else visible
    resident = selectors.resident_by_id_or_phone(among=among, id_number=id_number, phone=phone)
    due = timezone.now() + timedelta(hours=VERIFY_WITHIN_HOURS)
    if resident is None:
        if community is None:
            raise ValidationError(_("Unknown person: name the community to search in."))
        return GridTask.objects.create(
            kind=GridTask.Kind.FIND_PERSON,
            community=community,
            subject_name=name,
            subject_id_number=id_number,
            subject_phone=phone,
            reason=reason,
            due_at=due,
        )
    resident = _locked(resident)
    if is_stricter(Code.YELLOW, "R7", resident.code, resident.code_rule):
        health_code_change(
            resident=resident,
            to=HealthCode.YELLOW,
            rule="R7",
            reason=_("Big-data push: %(reason)s") % {"reason": reason},
            actor=by,
        )
    return GridTask.objects.create(
        kind=GridTask.Kind.VERIFY_PUSH,
        community_id=resident.grid.parent_id,
        resident=resident,
        subject_name=resident.name,
        reason=reason,
        due_at=due,
    )


@transaction.atomic
def pushes_receive(*, persons: list[dict], by: User, visible) -> list[GridTask]:
    """A batch from the big-data platform: all rows or none (a row that cannot be placed
    undoes the batch, naming the row)."""
    tasks = []
    for index, person in enumerate(persons):
        try:
            tasks.append(push_receive(by=by, visible=visible, **person))
        except ValidationError as error:
            raise ValidationError({f"persons[{index}]": error.messages}) from error
    return tasks


@transaction.atomic
def push_verify(
    *, task: GridTask, stays: list[dict], arrival_date: date | None, note: str, by: User
) -> None:
    """The grid worker's verification re-runs the rules with the verified stays and
    transfers the code (an R7 yellow with nothing found turns green)."""
    task = GridTask.objects.select_for_update().get(pk=task.pk)
    if task.state != GridTask.State.OPEN or task.resident_id is None:
        raise ValidationError(_("This task is already done."))
    resident = _locked(task.resident)
    decision = assessment_run(
        traveller=traveller_from(stays=stays, arrival_date=arrival_date), as_of=timezone.localdate()
    )
    arrival = None
    if stays:
        arrival = ArrivalReport.objects.create(
            resident=resident,
            community_id=task.community_id,
            name=resident.name,
            id_number=resident.id_number,
            phone=resident.phone,
            address=resident.address,
            source=ArrivalReport.Source.GRID_WORKER,
            filed_by=by,
            arrival_date=arrival_date or timezone.localdate(),
            landing_point_kind=ArrivalReport.LandingPoint.CHECKPOINT,
            transport=ArrivalReport.Transport.OTHER,
            **decided_fields(decision),
        )
        stays_create(arrival, stays)
    if resident.code_rule == "R7" or is_stricter(
        decision.code, decision.rule, resident.code, resident.code_rule
    ):
        decision_apply(resident=resident, decision=decision, arrival=arrival, actor=by)
    _task_done(task, note=note, by=by)


def _task_done(task: GridTask, *, note: str, by: User, **changes) -> None:
    """Close an open task with its note (and `changes`, more fields of the row)."""
    GridTask.objects.filter(pk=task.pk, state=GridTask.State.OPEN).update(
        state=GridTask.State.DONE, note=note, done_by=by, done_at=timezone.now(), **changes
    )


@transaction.atomic
def task_close(*, task: GridTask, note: str, by: User) -> None:
    """Close a find-person or venue-report task with what the grid worker did."""
    if not note.strip():
        raise ValidationError(_("Say what was done."))
    _task_done(task, note=note, by=by)


FIND_PERSON_HANDED_OVER = gettext_lazy(
    "The person is registered in another grid: the arrival was handed to that grid, which "
    "verifies it."
)


@transaction.atomic
def find_person_arrival_file(
    *, task: GridTask, by: User, visible, **filing
) -> tuple[ArrivalReport | None, bool]:
    """File the arrival of the person a find-person task is about, and close the task.

    1. the arrival as arrival_file files it (`filing` is its arguments but `visible` and
       `by`): the person is registered in the chosen grid when new;
    2. the task is done, its resident the person and its note naming them;
    3. a person registered outside `visible` is handed over to their own grid
       (arrival_hand_over) and the task closed saying only that: (None, False).
    IdentityDiffers (another name or phone, not confirmed) leaves everything as it was.
    Returns (arrival, whether the person was new)."""
    task = GridTask.objects.select_for_update().get(pk=task.pk)
    if task.state != GridTask.State.OPEN or task.kind != GridTask.Kind.FIND_PERSON:
        raise ValidationError(_("This task is already done."))
    try:
        arrival, created = arrival_file(visible=visible, by=by, **filing)
    except OutsideJurisdiction:
        filing.pop("confirm_identity", None)
        arrival_hand_over(**filing)
        _task_done(task, note=str(FIND_PERSON_HANDED_OVER), by=by)
        return None, False
    values = {"name": arrival.name, "date": f"{arrival.arrival_date:%Y-%m-%d}"}
    if created:
        note = _("Registered %(name)s and filed the arrival of %(date)s.") % values
    else:
        note = _("%(name)s was already registered; filed the arrival of %(date)s.") % values
    _task_done(task, note=note, by=by, resident=arrival.resident)
    return arrival, created


@transaction.atomic
def venue_report_file(
    *,
    id_number: str,
    phone: str,
    community: Jurisdiction,
    venue_kind: str,
    venue_name: str,
    seen_code: str,
    seen_at: datetime,
    note: str,
    by: User | None,
) -> VenueReport:
    """A venue in `community` reports a person with a red or yellow code. A resident of
    the city becomes a task for their grid; anyone else a task to find them in the
    venue's community. The reporter is told the same either way: the report must not
    tell who is registered where."""
    resident = selectors.resident_by_id_or_phone(
        among=access.residents_to_match(), id_number=id_number, phone=phone
    )
    report = VenueReport.objects.create(
        resident=resident,
        community=community,
        venue_kind=venue_kind,
        venue_name=venue_name,
        seen_code=seen_code,
        seen_at=seen_at,
        note=note,
        reported_by=by,
    )
    reason = _("%(venue)s saw a %(code)s code at %(at)s") % {
        "venue": venue_name,
        "code": HealthCode(seen_code).label,
        "at": timezone.localtime(seen_at).strftime("%Y-%m-%d %H:%M"),
    }
    due = timezone.now() + timedelta(hours=VERIFY_WITHIN_HOURS)
    if resident is None:
        GridTask.objects.create(
            kind=GridTask.Kind.FIND_PERSON,
            community=community,
            subject_id_number=id_number,
            subject_phone=phone,
            reason=reason,
            due_at=due,
        )
    else:
        GridTask.objects.create(
            kind=GridTask.Kind.VENUE_REPORT,
            community_id=resident.grid.parent_id,
            resident=resident,
            subject_name=resident.name,
            reason=reason,
            due_at=due,
        )
    return report
