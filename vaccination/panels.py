"""What vaccination adds to the pages of the apps it builds on: the doses on a resident's
page (communities.figures), the coverage on each node's dashboard and its figures in the
daily report (dashboards.registry). Imported by VaccinationConfig.ready."""

from datetime import date
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import figures
from dashboards import registry

from . import access, rules, selectors
from .coverage import TOTAL
from .models import CoverageDay

BAND_LABELS = {
    "3_17": _("3 to 17"),
    "18_59": _("18 to 59"),
    "60_79": _("60 to 79"),
    "80": _("80 and over"),
    TOTAL: _("3 and over"),
}


def resident_panel(user, resident) -> figures.ResidentPanel | None:
    if not access.can_see_vaccination(user):
        return None
    state = selectors.state_of(resident)
    today = timezone.localdate()
    due_on = selectors.due_on_of(state, selectors.policy_on(today)) if state else None
    return figures.ResidentPanel(
        template="vaccination/partials/resident_panel.html",
        context={
            "resident": resident,
            "state": state,
            "due_on": due_on,
            "due": due_on is not None and due_on <= today,
            "doses": list(selectors.doses_of(resident)),
            "can_record": access.can_record_doses(user),
        },
    )


def percent(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "–"


def list_url(node, **params) -> str:
    return reverse("vaccination:resident-list") + "?" + urlencode({"node": node.pk, **params})


def coverage_rows(node, day: date) -> tuple[list[dict], object]:
    """The node's coverage on its latest refreshed day up to `day`, band by band with the
    total last; each count with the list behind it; and when it was counted."""
    latest = list(  # one query: the rows of the last day counted are the first ones
        CoverageDay.objects.filter(node=node, day__lte=day).order_by("-day")[: len(BAND_LABELS)]
    )
    if not latest:
        return [], None
    found = {c.band: c for c in latest if c.day == latest[0].day}
    rows, refreshed_at = [], None
    for key in [*(band.key for band in rules.BANDS), TOTAL]:
        row = found.get(key)
        if row is None:
            continue
        refreshed_at = row.refreshed_at
        band = {"band": key}
        rows.append(
            {
                "key": key,
                "label": BAND_LABELS[key],
                "residents": row.residents,
                "residents_url": list_url(node, **band),
                "full_course": row.full_course,
                "full_course_rate": percent(row.full_course, row.residents),
                "full_course_url": list_url(node, status=selectors.COMPLETED, **band),
                "booster": row.booster,
                "booster_rate": percent(row.booster, row.full_course),
                "booster_url": list_url(node, status="booster", **band),
                "due": row.due,
                "due_url": reverse("vaccination:due-list")
                + "?"
                + urlencode({"node": node.pk, **band}),
            }
        )
    return rows, refreshed_at


def dashboard_section(user, node, today: date) -> registry.Section | None:
    if not access.can_see_vaccination(user):
        return None
    rows, refreshed_at = coverage_rows(node, today)
    return registry.Section(
        template="vaccination/partials/coverage.html",
        context={"rows": rows, "refreshed_at": refreshed_at, "node": node},
    )


REPORT_FIGURES = (
    ("vaccination_residents", _("Residents aged 3 and over")),
    ("vaccination_full_course", _("Full course of vaccination")),
    ("vaccination_full_course_rate", _("Full course coverage")),
    ("vaccination_booster", _("Booster given")),
    ("vaccination_booster_rate", _("Booster coverage of the full course")),
    ("vaccination_due", _("Due a booster")),
)


def report_values(day: date, nodes: dict[int, tuple]) -> dict[int, dict[str, object]]:
    """The day's coverage of every age band together, for each reported node (the day's
    last refresh)."""
    rows = CoverageDay.objects.filter(day=day, band=TOTAL, node_id__in=list(nodes))
    return {
        row.node_id: {
            "vaccination_residents": row.residents,
            "vaccination_full_course": row.full_course,
            "vaccination_full_course_rate": percent(row.full_course, row.residents),
            "vaccination_booster": row.booster,
            "vaccination_booster_rate": percent(row.booster, row.full_course),
            "vaccination_due": row.due,
        }
        for row in rows
    }


figures.register_resident_panel(key="vaccination", producer=resident_panel)
registry.register_section(key="vaccination", producer=dashboard_section)
registry.register_report_figures(
    key="vaccination",
    figures=registry.ReportFigures(figures=REPORT_FIGURES, values=report_values),
)
