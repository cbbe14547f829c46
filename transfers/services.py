"""Exports: a small one streams to the browser at once, a large one is a job (jobs.py) that
writes the file, shows its progress and tells its author in-app when the file is ready."""

from django.conf import settings
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone

from . import jobs, registry
from .models import Export
from .tasks import export_run_task

State = Export.State


def export_start(*, item: registry.ExportList, user, params: QueryDict, format: str):
    """Record the export and say how it goes on: (export, queryset) when it is small
    enough to stream now (EXPORT_STREAM_ROWS rows or fewer), (export, None) when a job
    writes it. The queryset is the page's (a place outside the user's is a 404 there)."""
    kept = registry.kept_params(item, params)
    queryset = item.rows(user, kept)
    limit = settings.EXPORT_STREAM_ROWS
    counted = jobs.count(queryset, limit)
    export = Export(
        by=user,
        list_name=item.name,
        title=str(item.title),
        query=kept.urlencode(),
        format=format,
    )
    if counted <= limit:
        export.streamed = True
        export.state = State.DONE
        export.rows = export.total = counted
        export.finished_at = timezone.now()
        export.save()
        return export, queryset
    export.state = State.QUEUED
    export.save()
    transaction.on_commit(lambda: export_run_task.delay(export.pk), robust=True)
    return export, None
