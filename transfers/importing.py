"""The one import path (导入): a file is kept as uploaded, read (.csv in UTF-8 or GBK, .xlsx,
.xls), its columns mapped by their Chinese headings, every row checked with nothing
written (the dry run: the report says row, column, value and problem); on its author's
confirmation it is checked again and stored in one transaction, all rows or none. A file
of more than IMPORT_INLINE_ROWS rows is checked and stored by a job."""

import io
import uuid
from collections import defaultdict
from pathlib import Path

from django import forms
from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from . import checking, registry, writers
from .models import Import
from .tasks import import_check_task, import_store_task

State = Import.State
EXTENSIONS = (".csv", ".xlsx", ".xls")


def import_upload(*, kind: registry.ImportKind, user, upload) -> Import:
    """Keep the file, read it and check it (a dry run): the record says what was found.
    A file that cannot be read as the kind's table is refused before anything is kept."""
    if upload.size > settings.IMPORT_MAX_BYTES:
        raise forms.ValidationError(
            _("The file is larger than %(mb)s MB; split it into smaller files."),
            params={"mb": f"{settings.IMPORT_MAX_BYTES / 1024 / 1024:g}"},
        )
    name = Path(upload.name).name
    extension = Path(name).suffix.lower()
    if extension not in EXTENSIONS:
        raise forms.ValidationError(
            _("Choose a CSV, an Excel .xlsx or an Excel 97-2003 .xls file.")
        )
    data = upload.read()
    rows = checking.read_rows(kind, data, name)
    stored = Path("imports") / f"{uuid.uuid4().hex}{extension}"
    target = Path(settings.MEDIA_ROOT) / stored
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(data)
    record = Import.objects.create(
        by=user,
        kind=kind.name,
        title=str(kind.title),
        file_name=name[:200],
        file=str(stored),
        rows=len(rows),
        state=State.CHECKING,
    )
    if len(rows) <= settings.IMPORT_INLINE_ROWS:
        checking.import_check(import_id=record.pk, rows=rows)
        record.refresh_from_db()
    else:
        transaction.on_commit(lambda: import_check_task.delay(record.pk), robust=True)
    return record


def import_confirm(*, record: Import, user) -> bool:
    """The author confirms a checked file: it is stored (by a job when it is large).
    Claims the record first: a second confirmation (a double tap) stores nothing more."""
    if registry.import_kind(record.kind).store is None:
        return False  # a file that goes on elsewhere (importing's `proceed`)
    claimed = Import.objects.filter(pk=record.pk, by=user, state=State.READY).update(
        state=State.STORING
    )
    if not claimed:
        return False
    if record.rows <= settings.IMPORT_INLINE_ROWS:
        checking.import_store(import_id=record.pk)
    else:
        transaction.on_commit(lambda: import_store_task.delay(record.pk), robust=True)
    return True


def report_xlsx(record: Import) -> bytes:
    """The file's rows with a column of their problems (问题), as a workbook to correct
    and upload again (the import ignores the extra column)."""
    kind = registry.import_kind(record.kind)
    rows = checking.rows_of(record, kind)
    # a document (no columns of its own): its sheet and row first, then every field
    keys = (*kind.columns, *kind.optional) or tuple(
        dict.fromkeys(["sheet", "row", *(key for row in rows for key in row)])
    )
    present = [key for key in keys if any(key in r for r in rows)]
    # a document's rows are numbered within their sheet: a problem names its sheet first
    # (风险区域·省), and is found by sheet and row
    found = defaultdict(list)
    for row, heading, value, message in [*record.problems, *record.notes]:
        sheet = heading.split("·")[0] if "·" in heading else None
        found[(sheet, row)].append(f"{heading}「{value}」：{message}" if heading else message)
    table = [[*(kind.heading(key) for key in present), _("Problems")]]
    for row in rows:
        messages = found.pop((row.get("sheet"), row["row"]), [])
        table.append([*(row.get(key, "") for key in present), "；".join(messages)])
    for messages in found.values():  # the file as a whole
        table.append([*("" for _key in present), "；".join(messages)])
    buffer = io.BytesIO()
    writers.xlsx_write(table, buffer, title=record.title)
    return buffer.getvalue()


def template_xlsx(kind: registry.ImportKind) -> bytes:
    """An empty file of the kind: its headings and one example row (or the kind's own)."""
    if kind.template is not None:
        return kind.template()
    keys = (*kind.columns, *kind.optional)
    table = [[kind.heading(key) for key in keys]]
    if kind.example:
        table.append([kind.example.get(key, "") for key in keys])
    buffer = io.BytesIO()
    writers.xlsx_write(table, buffer, title=kind.title)
    return buffer.getvalue()
