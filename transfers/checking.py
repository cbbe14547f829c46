"""The import path's checks and stores (importing.py says the whole path): run inline for
a small file, by a job (tasks.py) for a large one."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from communities import uploads

from . import registry, writers
from .models import Import

State = Import.State


def read_rows(kind: registry.ImportKind, data: bytes, name: str) -> list[dict]:
    """The file's rows as dicts by column key with their row numbers; a file that is no
    spreadsheet, lacks a column, is empty or too long is refused whole (ValidationError).
    A ' that an export put before a formula's first character is taken off again."""
    if kind.read is not None:
        return kind.read(data, name)
    lines = uploads.table_lines(data, name, settings.IMPORT_MAX_ROWS + 1)
    rows = uploads.rows_by_heading(
        lines,
        columns=kind.columns,
        optional=kind.optional,
        headings=kind.headings,
        max_rows=settings.IMPORT_MAX_ROWS,
    )
    return [{key: writers.unescaped(value) for key, value in row.items()} for row in rows]


def _context(record: Import):
    kind = registry.import_kind(record.kind)
    user = get_user_model().objects.select_related("jurisdiction").get(pk=record.by_id)
    return kind, user


def rows_of(record: Import, kind) -> list[dict]:
    return read_rows(kind, record.path.read_bytes(), record.file_name)


def _problem_fields(kind, problems: list[registry.Problem]) -> dict:
    """The record's fields of the problems found: the blocking ones and the notes, each
    as [row, column heading, value, message], the first IMPORT_MAX_PROBLEMS."""

    def listed(found):
        return [
            [p.row, kind.heading(p.column) if p.column else "", str(p.value)[:100], str(p.message)]
            for p in found[: settings.IMPORT_MAX_PROBLEMS]
        ]

    blocking = [p for p in problems if p.blocking]
    return {
        "problem_count": len(blocking),
        "problems": listed(blocking),
        "notes": listed([p for p in problems if not p.blocking]),
    }


def import_check(*, import_id: int, rows: list[dict] | None = None) -> bool:
    """The dry run of one upload: every row checked, nothing written. Returns whether
    it found the file ready to store."""
    record = Import.objects.get(pk=import_id)
    if record.state != State.CHECKING:
        return False
    kind, user = _context(record)
    with override(settings.LANGUAGE_CODE):
        problems, plan = kind.check(user, rows if rows is not None else rows_of(record, kind))
        fields = _problem_fields(kind, problems)
        ready = not fields["problem_count"]
        if kind.describe and ready:
            fields["summary"] = str(kind.describe(plan))[:200]
    Import.objects.filter(pk=import_id, state=State.CHECKING).update(
        state=State.READY if ready else State.REFUSED, checked_at=timezone.now(), **fields
    )
    return ready


def import_store(*, import_id: int) -> bool:
    """Check the file again (the database may have changed since the dry run) and store
    all its rows in one transaction, or none with the problems found. Returns whether
    the rows were stored."""
    record = Import.objects.get(pk=import_id)
    if record.state != State.STORING:
        return False
    kind, user = _context(record)
    try:
        with override(settings.LANGUAGE_CODE), transaction.atomic():
            problems, plan = kind.check(user, rows_of(record, kind))
            if any(p.blocking for p in problems):
                raise registry.Refused(problems)
            stored = kind.store(user, plan)
    except (registry.Refused, ValidationError) as refused:
        # the kind's store, or a service behind it, said no after all (a row that changed
        # since the check): the file is refused with what it said, and nothing is stored
        problems = getattr(refused, "problems", None) or [
            registry.Problem(0, "", "", message) for message in refused.messages
        ]
        with override(settings.LANGUAGE_CODE):
            fields = _problem_fields(kind, problems)
        Import.objects.filter(pk=import_id).update(
            state=State.REFUSED, checked_at=timezone.now(), **fields
        )
        return False
    except Exception:
        with override(settings.LANGUAGE_CODE):
            error = _("Storing failed; nothing was stored. Try again, or tell the administrator.")
        Import.objects.filter(pk=import_id).update(state=State.FAILED, error=error)
        raise
    Import.objects.filter(pk=import_id).update(
        state=State.STORED, stored_rows=stored, stored_at=timezone.now()
    )
    return True
