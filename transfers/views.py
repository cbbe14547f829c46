"""导出: the lists' export buttons post here; 我的导出 keeps the large ones."""

import io
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
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

from . import jobs, registry, selectors, services, writers
from .models import Export


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
    path = Path(settings.MEDIA_ROOT) / record.file
    if not record.file or not path.is_file():
        raise Http404
    kind = writers.XLSX_TYPE if record.format == Export.Format.XLSX else writers.CSV_TYPE
    return FileResponse(
        open(path, "rb"), as_attachment=True, filename=record.filename, content_type=kind
    )
