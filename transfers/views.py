"""导出: the lists' export buttons post here; 我的导出 keeps the large ones. 导入: the one
import path for every kind of file."""

import io
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import (
    FileResponse,
    Http404,
    HttpResponse,
    HttpResponseBadRequest,
    StreamingHttpResponse,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from communities.paging import CappedPaginator

from . import access, importing, jobs, registry, selectors, services, writers
from .forms import ImportUploadForm
from .models import Export, Import, ImportView


@login_required
@require_POST
def export(request, name):
    """Export the list `name` with the filters of its page (the query string) as
    `format` (xlsx or csv): at once when it is small, else as a job under 我的导出."""
    item = registry.get(name)
    if item is None:
        raise Http404
    user = request.user
    if not item.allowed(user):
        raise PermissionDenied
    kind = request.POST.get("format", "xlsx")
    if kind not in writers.FORMATS:
        return HttpResponseBadRequest(_("The format must be xlsx or csv."))
    record, queryset = services.export_start(item=item, user=user, params=request.GET, format=kind)
    if queryset is None:
        messages.info(
            request,
            _(
                "The export of %(title)s has more than %(limit)s rows: it is being written "
                "below, and you will be told when it is ready."
            )
            % {"title": record.title, "limit": settings.EXPORT_STREAM_ROWS},
        )
        return redirect("transfers:export-list")
    rows = jobs.sheet_rows(item, user=user, queryset=queryset)
    if kind == "csv":
        response = StreamingHttpResponse(writers.csv_lines(rows), content_type=writers.CSV_TYPE)
    else:
        buffer = io.BytesIO()
        writers.xlsx_write(rows, buffer, title=record.title)
        response = HttpResponse(buffer.getvalue(), content_type=writers.XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, record.filename)
    return response


@login_required
def export_list(request):
    """我的导出: the user's own exports, newest first; the rows refresh themselves while
    one is being written."""
    exports = selectors.export_list(user=request.user)
    page = CappedPaginator(exports, 30).get_page(request.GET.get("page"))
    running = any(e.state in (Export.State.QUEUED, Export.State.RUNNING) for e in page)
    template = "transfers/export_list.html"
    if request.htmx:
        template += "#rows"
    context = {"page": page, "running": running, "keep_days": settings.EXPORT_KEEP_DAYS}
    return render(request, template, context)


@login_required
@require_GET
def export_download(request, pk):
    """The file of one of the user's own exports, while it is kept."""
    record = get_object_or_404(
        selectors.export_list(user=request.user).filter(state=Export.State.DONE), pk=pk
    )
    kind = writers.XLSX_TYPE if record.format == Export.Format.XLSX else writers.CSV_TYPE
    return _download(record, record.filename, content_type=kind)


def _download(record, filename: str, **kwargs) -> FileResponse:
    """A kept file as a download; one gone from the disk (or never written) is a 404."""
    if not record.file or not record.path.is_file():
        raise Http404
    return FileResponse(open(record.path, "rb"), as_attachment=True, filename=filename, **kwargs)


# --- Imports ---------------------------------------------------------------------------------


def _kind(user, name) -> registry.ImportKind:
    kind = registry.import_kind(name)
    if kind is None:
        raise Http404
    if not kind.allowed(user):
        raise PermissionDenied
    return kind


@login_required
def import_start(request, kind):
    """Upload a file of this kind; it is checked first (a dry run) and its report shown."""
    kind = _kind(request.user, kind)
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            record = importing.import_upload(
                kind=kind, user=request.user, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            return redirect("imports:detail", pk=record.pk)
    recent = access.imports_for(request.user).filter(kind=kind.name, by=request.user)[:5]
    context = {"kind": kind, "form": form, "recent": recent, "columns": _columns(kind)}
    return render(request, "transfers/import_start.html", context)


def _columns(kind) -> list[tuple[str, bool]]:
    """(heading, required) of each column of the kind."""
    return [(kind.heading(key), True) for key in kind.columns] + [
        (kind.heading(key), False) for key in kind.optional
    ]


SHOWN_PROBLEMS = 200


def _seen(request, pk: int, what: str) -> Import:
    """One of the imports the user sees (a 404 otherwise); another's view is recorded."""
    record = get_object_or_404(access.imports_for(request.user), pk=pk)
    if record.by_id != request.user.pk:
        ImportView.objects.create(record=record, user=request.user, what=what)
    return record


@login_required
def import_detail(request, pk):
    """One upload: its report, and for its author the button that stores it (or a
    corrected file to check again); the page refreshes itself while a job works."""
    record = _seen(request, pk, "page")
    kind = registry.import_kind(record.kind)
    mine = record.by_id == request.user.pk
    template = "transfers/import_detail.html"
    if request.htmx:
        template += "#state"
    context = {
        "record": record,
        "kind": kind,
        "mine": mine,
        "problems": record.problems[:SHOWN_PROBLEMS],
        "notes": record.notes[:SHOWN_PROBLEMS],
        "more": max(record.problem_count - SHOWN_PROBLEMS, 0),
        "proceed": kind.proceed(record) if kind and kind.proceed else None,
        "form": ImportUploadForm() if mine and kind and kind.allowed(request.user) else None,
    }
    return render(request, template, context)


@login_required
@require_POST
def import_store(request, pk):
    """The author confirms: all rows are stored, or none with the problems found."""
    record = get_object_or_404(access.imports_for(request.user), pk=pk)
    kind = registry.import_kind(record.kind)
    if record.by_id != request.user.pk or kind is None or not kind.allowed(request.user):
        raise PermissionDenied
    if not importing.import_confirm(record=record, user=request.user):
        messages.warning(request, _("This file is not waiting to be stored (stored already?)."))
    return redirect("imports:detail", pk=record.pk)


@login_required
@require_GET
def import_report(request, pk):
    """The file with a column of its problems, as Excel."""
    record = _seen(request, pk, "report")
    response = HttpResponse(importing.report_xlsx(record), content_type=writers.XLSX_TYPE)
    name = f"{Path(record.file_name).stem}-问题.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
@require_GET
def import_file(request, pk):
    """The file as it was uploaded: for its author and the levels above."""
    record = _seen(request, pk, "file")
    return _download(record, record.file_name)


@login_required
@require_GET
def import_template(request, kind):
    """An empty file of the kind: the headings and one example row."""
    kind = _kind(request.user, kind)
    response = HttpResponse(importing.template_xlsx(kind), content_type=writers.XLSX_TYPE)
    name = f"{kind.title}-模板.xlsx"
    response["Content-Disposition"] = content_disposition_header(True, name)
    return response


@login_required
def import_list(request):
    """导入记录: the user's uploads and those of the staff below them, newest first."""
    records = access.imports_for(request.user).select_related("by")
    page = CappedPaginator(records, 30).get_page(request.GET.get("page"))
    context = {"page": page, "kinds": access.import_kinds_for(request.user)}
    return render(request, "transfers/import_list.html", context)
