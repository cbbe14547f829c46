"""The export job: write a large export's file with its progress, tell its author when it
is ready; and the nightly deletion of the files kept past their days."""

import os
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.http import Http404, QueryDict
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from notices import texts
from notices.models import Notice
from notices.services import notices_create

from . import registry, writers
from .models import Export, Import

CHUNK = 2000  # rows read (and prepared) at a time
State = Export.State


class Refused(Exception):
    """The export cannot be made for this user any more (the list or place is not theirs)."""


def export_dir() -> Path:
    return Path(settings.MEDIA_ROOT) / "exports"


def count(rows, limit: int | None = None) -> int:
    """How many rows (at most `limit` + 1 when given: a page's count must not walk a
    million rows to say "more than 5,000")."""
    if not isinstance(rows, QuerySet):
        return len(rows)
    rows = rows.order_by()
    return (rows[: limit + 1] if limit is not None else rows).count()


def sheet_rows(item: registry.ExportList, *, user, queryset) -> Iterator[list]:
    """The headings, then one row per object, read CHUNK objects at a time."""
    columns = item.columns(user)
    yield [str(column.heading) for column in columns]
    batch = []
    objects = queryset.iterator(chunk_size=CHUNK) if isinstance(queryset, QuerySet) else queryset
    for obj in objects:
        batch.append(obj)
        if len(batch) == CHUNK:
            yield from _batch_rows(item, columns, batch)
            batch = []
    if batch:
        yield from _batch_rows(item, columns, batch)


def _batch_rows(item, columns, batch) -> Iterator[list]:
    if item.prepare:
        item.prepare(batch)
    for obj in batch:
        yield [column.value(obj) for column in columns]


class _Progress:
    """Passes the rows on, writing how many went by every `every` rows (`done` at the end:
    the rows written, which may differ from the count taken before when rows changed)."""

    def __init__(self, export_id: int, rows: Iterator[list], every: int = CHUNK):
        self.export_id, self.rows, self.every, self.done = export_id, rows, every, -1

    def __iter__(self):
        for row in self.rows:
            yield row
            self.done += 1  # the headings count -1 + 1 = 0
            if self.done and self.done % self.every == 0:
                Export.objects.filter(pk=self.export_id).update(rows=self.done)


def export_run(*, export_id: int) -> bool:
    """Write one queued export's file (the job). Claims the row first: a second run of
    the same export does nothing. Returns whether this run wrote it. The file, its
    headings and its messages are in the portal's language, whoever's worker runs it."""
    if not Export.objects.filter(pk=export_id, state=State.QUEUED).update(state=State.RUNNING):
        return False
    with override(settings.LANGUAGE_CODE):
        _export_write(export_id)
    return True


def _export_write(export_id: int) -> None:
    export = Export.objects.get(pk=export_id)
    user = get_user_model().objects.select_related("jurisdiction").get(pk=export.by_id)
    item = registry.get(export.list_name)
    name = f"{export.pk}-{uuid.uuid4().hex}.{export.format}"
    target = export_dir() / name
    try:
        if item is None or not user.is_active or not item.allowed(user):
            raise Refused
        queryset = item.rows(user, QueryDict(export.query))
        total = count(queryset)
        Export.objects.filter(pk=export_id).update(total=total)
        target.parent.mkdir(parents=True, exist_ok=True)
        rows = _Progress(export_id, sheet_rows(item, user=user, queryset=queryset))
        partial = target.with_suffix(".part")
        if export.format == Export.Format.CSV:
            with open(partial, "w", encoding="utf-8", newline="") as out:
                out.writelines(writers.csv_lines(rows))
        else:
            writers.xlsx_write(rows, str(partial), title=export.title)
        os.replace(partial, target)
    except (Refused, Http404, PermissionDenied):
        _failed(export_id, _("The list or place is no longer yours: nothing was exported."))
        return
    except Exception:
        for path in (target, target.with_suffix(".part")):
            path.unlink(missing_ok=True)
        _failed(export_id, _("The export failed; try again, or narrow the list."))
        raise
    now = timezone.now()
    with transaction.atomic():
        Export.objects.filter(pk=export_id).update(
            state=State.DONE,
            rows=rows.done,
            file=f"exports/{name}",
            finished_at=now,
            expires_at=now + timedelta(days=settings.EXPORT_KEEP_DAYS),
        )
        notices_create(
            notices=[
                Notice(
                    recipient=user,
                    kind=Notice.Kind.EXPORT_READY,
                    channel=Notice.Channel.INAPP,
                    text=texts.staff_text(
                        Notice.Kind.EXPORT_READY,
                        title=export.title,
                        rows=rows.done,
                        days=settings.EXPORT_KEEP_DAYS,
                    ),
                    dedupe_key=f"export_ready:{export.pk}",
                )
            ]
        )


def _failed(export_id: int, message: str) -> None:
    Export.objects.filter(pk=export_id).update(
        state=State.FAILED, error=message, finished_at=timezone.now()
    )


def exports_expire(*, now=None) -> int:
    with override(settings.LANGUAGE_CODE):  # the messages are stored, in the portal's language
        return _expire(now=now)


def _expire(*, now=None) -> int:
    """Delete the files kept past their day (the records stay, marked deleted), and give
    up on a job that has been running for longer than any export takes (its worker died).
    Returns how many files were deleted."""
    now = now or timezone.now()
    expired = list(
        Export.objects.filter(state=State.DONE, expires_at__lte=now).values_list("pk", "file")
    )
    for pk, file in expired:
        if file:
            (Path(settings.MEDIA_ROOT) / file).unlink(missing_ok=True)
        Export.objects.filter(pk=pk, state=State.DONE).update(state=State.EXPIRED, file="")
    stale = now - timedelta(seconds=settings.EXPORT_TIME_LIMIT * 2)
    for pk in Export.objects.filter(
        state__in=[State.QUEUED, State.RUNNING], created_at__lt=stale
    ).values_list("pk", flat=True):
        _failed(pk, _("The export did not finish; try again."))
    # an import whose job died while it checked or stored the file (nothing was stored:
    # the store is one transaction)
    Import.objects.filter(
        state__in=[Import.State.CHECKING, Import.State.STORING], created_at__lt=stale
    ).update(
        state=Import.State.FAILED,
        error=_(
            "The check or the storing did not finish; nothing was stored. Upload the file again."
        ),
    )
    return len(expired)
