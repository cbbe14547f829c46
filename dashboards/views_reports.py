"""The daily reports (日报告): the list of a node's reports, with the children whose report
of yesterday is missing once it is due; one report in the browser, the children's side
by side; and its Excel and PDF files."""

from datetime import timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from communities.selectors import node_param

from . import access, report_files, reports, selectors

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _allowed(request) -> None:
    if not access.can_see_dashboards(request.user):
        raise PermissionDenied


def _report(request, pk):
    """(the report within the user's reach, its children's of the same day)."""
    _allowed(request)
    report = selectors.report_get(user=request.user, pk=pk)
    return report, selectors.reports_beside(report=report)


@login_required
@require_GET
def report_list(request):
    _allowed(request)
    user = request.user
    chosen = node_param(user=user, value=request.GET.get("node"))
    node = selectors.dashboard_node(user=user, pk=chosen.pk if chosen else None)
    yesterday = timezone.localdate() - timedelta(days=1)
    context = {
        "node": node,
        "reports": selectors.report_list(node=node),
        "yesterday": yesterday,
        "missing": reports.missing(parent=node, day=yesterday),
        "due": reports.DUE,
    }
    return render(request, "dashboards/report_list.html", context)


@login_required
@require_GET
def report_detail(request, pk):
    report, others = _report(request, pk)
    context = {
        "report": report,
        "others": others,
        "title": report_files.title(report),
        "header": [report.node.name, *(o.node.name for o in others)],
        "rows": report_files.figure_rows(report, others),
        "lists": [
            (
                report_files.LIST_TITLES[key],
                [report_files.COLUMN_TITLES[c] for c in columns],
                [[row.get(c, "") for c in columns] for row in report.lists.get(key, [])],
            )
            for key, columns in reports.LISTS.items()
            if report.lists
        ],
    }
    return render(request, "dashboards/report_detail.html", context)


def _file(report, content: bytes, content_type: str, extension: str) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    name = f"daily-report-{report.node_id}-{report.day:%Y-%m-%d}.{extension}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_GET
def report_xlsx(request, pk):
    report, others = _report(request, pk)
    return _file(report, report_files.workbook(report, others), XLSX, "xlsx")


@login_required
@require_GET
def report_pdf(request, pk):
    report, others = _report(request, pk)
    return _file(report, report_files.pdf(report, others), "application/pdf", "pdf")
