"""The communities' lists as exports (导出): each list's rows are its page's (listings.py),
its columns what the page shows, masked as the page masks them (ID numbers and phones
always: no list shows them in full)."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from transfers.registry import Column, ExportList, register

from . import access, listings, rules, selectors
from .templatetags.portal import code_label, days_label, rule_label

NAME = pgettext_lazy("person", "Name")
ID_NUMBER = _("ID number")
PHONE = _("Phone")
COMMUNITY = _("Community")
GRID = _("Grid")
CODE = _("Code")
RULE = _("Rule")


def person_name(user) -> str:
    return (user.get_full_name() or user.username) if user else ""


def identity_columns(path: str = "resident"):
    """Name, masked ID number, community and grid of the row's resident."""

    def resident(obj):
        return obj if not path else getattr(obj, path)

    return [
        Column(NAME, lambda o: resident(o).name),
        Column(ID_NUMBER, lambda o: rules.mask_id_number(resident(o).id_number)),
        Column(COMMUNITY, lambda o: resident(o).grid.parent.name),
        Column(GRID, lambda o: resident(o).grid.name),
    ]


def _code(value, rule) -> str:
    return f"{code_label(value)} {rule_label(rule)}".strip() if value else ""


def resident_columns(user):
    return [
        *identity_columns(""),
        Column(PHONE, lambda r: rules.mask_phone(r.phone)),
        Column(CODE, lambda r: code_label(r.code)),
        Column(RULE, lambda r: rule_label(r.code_rule)),
        Column(_("Measure"), lambda r: days_label(r.measure.phases) if r.measure else ""),
        Column(_("release due"), lambda r: r.measure.release_due if r.measure else None),
        Column(_("Next test"), lambda r: r.next_test),
    ]


def arrival_columns(user):
    return [
        Column(NAME, lambda a: a.name),
        Column(ID_NUMBER, lambda a: rules.mask_id_number(a.id_number)),
        Column(PHONE, lambda a: rules.mask_phone(a.phone)),
        Column(_("arrival date"), lambda a: a.arrival_date),
        Column(COMMUNITY, lambda a: a.community.name),
        Column(_("transport"), lambda a: a.get_transport_display()),
        Column(_("state"), lambda a: a.get_state_display()),
        Column(CODE, lambda a: _code(a.decided_code, a.decided_rule)),
        Column(_("filed at"), lambda a: a.created_at),
    ]


def test_columns(user):
    return [
        Column(NAME, lambda t: t.resident.name),
        Column(ID_NUMBER, lambda t: rules.mask_id_number(t.resident.id_number)),
        Column(_("kind"), lambda t: t.get_kind_display()),
        Column(_("due"), lambda t: t.due),
        Column(_("Overdue"), lambda t: t.overdue),
        Column(_("sampled at"), lambda t: t.sampled_at),
    ]


def _followup_on(measure, today):
    done = [f for f in measure.resident.followup_days if f.day == today]
    if not done:
        return _("not recorded yet")
    symptoms = "、".join(done[-1].symptoms) or _("no symptoms")
    return f"{done[-1].temperature} °C · {symptoms}"


def measure_columns(user):
    today = timezone.localdate()  # once for the export, not once a row
    return [
        Column(NAME, lambda m: m.resident.name),
        Column(ID_NUMBER, lambda m: rules.mask_id_number(m.resident.id_number)),
        Column(CODE, lambda m: _code(m.resident.code, m.resident.code_rule)),
        Column(RULE, lambda m: m.rule),
        Column(_("Measure"), lambda m: days_label(m.phases)),
        Column(_("start"), lambda m: m.start),
        Column(_("last day"), lambda m: m.end),
        Column(_("release due"), lambda m: m.release_due),
        Column(_("Today"), lambda m: _followup_on(m, today)),
    ]


def anomaly_columns(user):
    return [
        Column(_("noted at"), lambda a: a.created_at),
        *identity_columns(),
        Column(_("kind"), lambda a: a.get_kind_display()),
        Column(_("detail"), lambda a: a.detail),
    ]


def task_columns(user):
    def name(task):
        if task.arrival_id:
            return task.arrival.name
        return task.subject_name or (task.resident.name if task.resident else "")

    def id_number(task):
        value = task.arrival.id_number if task.arrival_id else task.subject_id_number
        return rules.mask_id_number(value or "")

    return [
        Column(_("kind"), lambda t: t.get_kind_display()),
        Column(COMMUNITY, lambda t: t.community.name),
        Column(NAME, name),
        Column(ID_NUMBER, id_number),
        Column(_("reason"), lambda t: t.reason),
        Column(_("due"), lambda t: t.due_at),
        Column(_("state"), lambda t: t.get_state_display()),
    ]


def appeal_columns(user):
    return [
        Column(_("filed at"), lambda a: a.created_at),
        *identity_columns(),
        Column(_("state"), lambda a: a.get_state_display()),
        Column(_("outcome"), lambda a: a.get_outcome_display()),
        Column(_("due"), lambda a: a.due_at),
        Column(_("reason"), lambda a: a.reason),
        Column(_("resolution note"), lambda a: a.resolution_note),
    ]


def proposal_columns(user):
    return [
        Column(_("proposed at"), lambda p: p.proposed_at),
        *identity_columns(),
        Column(_("from"), lambda p: code_label(p.from_code)),
        Column(_("to"), lambda p: code_label(p.to_code)),
        Column(_("reason"), lambda p: p.reason),
        Column(_("Proposed by"), lambda p: person_name(p.proposed_by)),
        Column(_("state"), lambda p: p.get_state_display()),
        Column(_("Decided by"), lambda p: person_name(p.decided_by)),
        Column(_("decided at"), lambda p: p.decided_at),
        Column(_("decision note"), lambda p: p.decision_note),
    ]


def review_columns(user):
    return [
        Column(_("created at"), lambda r: r.created_at),
        *identity_columns(),
        Column(_("Announcement"), lambda r: r.announcement.title if r.announcement else ""),
        Column(CODE, lambda r: _code(r.code, r.rule)),
        Column(_("explanation"), lambda r: r.explanation),
        Column(_("state"), lambda r: r.get_state_display()),
        Column(_("note"), lambda r: r.note),
    ]


def code_event_columns(user):
    return [
        Column(_("at"), lambda e: e.created_at),
        *identity_columns(),
        Column(_("kind"), lambda e: e.get_kind_display()),
        Column(_("from"), lambda e: code_label(e.from_code)),
        Column(_("to"), lambda e: code_label(e.to_code)),
        Column(RULE, lambda e: rule_label(e.rule)),
        Column(_("reason"), lambda e: e.reason),
        Column(_("by"), lambda e: person_name(e.actor) or _("the system")),
    ]


def run_columns(user):
    return [
        Column(_("Started"), lambda r: r.started_at),
        Column(_("Kind"), lambda r: r.get_kind_display()),
        Column(_("Announcement"), lambda r: r.announcement.title if r.announcement else ""),
        Column(_("State"), lambda r: r.get_state_display()),
        Column(_("To red"), lambda r: r.to_red),
        Column(_("To yellow"), lambda r: r.to_yellow),
        Column(_("To green"), lambda r: r.to_green),
        Column(_("Finished"), lambda r: r.finished_at),
    ]


register(
    ExportList(
        name="residents",
        title=_("Residents"),
        rows=listings.residents,
        columns=resident_columns,
        prepare=selectors.residents_at_a_glance,
        allowed=access.works_with_residents,
        params=("q", "code", "node"),
    ),
    ExportList(
        name="arrivals",
        title=_("Arrival reports"),
        rows=listings.arrivals,
        columns=arrival_columns,
        allowed=access.can_file_arrivals,
        params=("node", "day"),
    ),
    ExportList(
        name="tests",
        title=_("Tests due"),
        rows=listings.tests,
        columns=test_columns,
        params=("node", "due"),
    ),
    ExportList(
        name="measures",
        title=_("Daily follow-ups"),
        rows=listings.measures,
        columns=measure_columns,
        params=("missing", "node", "kind", "ending"),
    ),
    ExportList(
        name="anomalies",
        title=_("Anomalies to resolve"),
        rows=listings.anomalies,
        columns=anomaly_columns,
        allowed=access.can_resolve_anomalies,
        params=("node",),
    ),
    ExportList(
        name="tasks",
        title=_("Tasks"),
        rows=lambda user, params: listings.tasks(user, params).select_related(
            "arrival", "resident", "community"
        ),
        columns=task_columns,
        params=("node", "late", "worker", "unassigned"),
    ),
    ExportList(
        name="appeals",
        title=_("Appeals"),
        rows=listings.appeals,
        columns=appeal_columns,
        params=("state", "node"),
    ),
    ExportList(
        name="proposals",
        title=_("Proposed code changes"),
        rows=listings.proposals,
        columns=proposal_columns,
        params=("state", "node"),
    ),
    ExportList(
        name="reviews",
        title=_("Decisions to review"),
        rows=listings.reviews,
        columns=review_columns,
        allowed=access.can_see_reviews,
        params=("state", "node"),
    ),
    ExportList(
        name="code-events",
        title=_("Code changes"),
        rows=listings.code_events,
        columns=code_event_columns,
        allowed=access.works_with_residents,
        params=("node", "to", "kind", "day"),
    ),
    ExportList(
        name="runs",
        title=_("Recompute runs"),
        rows=listings.runs,
        columns=run_columns,
        allowed=access.is_citywide,
    ),
)
