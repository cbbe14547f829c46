"""The lists that export (导出) and the files that import (导入): each app describes its
own lists in its `exports.py`, with the same filtering as its page, and its kinds of file
in its `imports.py`, and registers them here. This app writes the files, runs the
large ones as a job and keeps them under 我的导出; it knows no list of its own.

A list's `rows(user, params)` is the page's queryset for those parameters (already scoped
by access.py, filtered and ordered: a place outside the user's is a 404 as on the page),
or for a small computed table (a dashboard's) a plain list;
`columns(user)` the headings and how each cell is read, with the same masking as the page;
`prepare(batch)` (optional) attaches what the rows show to one chunk of objects at a time,
as the page does for one page of them."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import QuerySet
from django.http import QueryDict


@dataclass(frozen=True)
class Column:
    heading: str
    value: Callable[[Any], Any]


@dataclass(frozen=True)
class ExportList:
    name: str  # in the address: /exports/<name>/
    title: str  # the sheet's and the file's name
    rows: Callable[[Any, QueryDict], QuerySet | list]
    columns: Callable[[Any], list[Column]]
    allowed: Callable[[Any], bool] = lambda user: True
    prepare: Callable[[list], None] | None = None
    # The page's own parameters that an export keeps (anything else is dropped).
    params: tuple[str, ...] = field(default_factory=tuple)


LISTS: dict[str, ExportList] = {}


def register(*lists: ExportList) -> None:
    for item in lists:
        if item.name in LISTS:
            raise ValueError(f"an export list named {item.name!r} is registered twice")
        LISTS[item.name] = item


def get(name: str) -> ExportList | None:
    return LISTS.get(name)


def kept_params(item: ExportList, params: QueryDict) -> QueryDict:
    """The list's own filters out of a request's parameters (no page, no format)."""
    kept = QueryDict(mutable=True)
    for key in item.params:
        values: Iterable[str] = params.getlist(key)
        for value in values:
            if value != "":
                kept.appendlist(key, value)
    return kept


# --- Imports ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong with one cell (or a whole row, `column` ""), by the file's row number.
    A problem that is not `blocking` is a note: the file goes on, and the note is asked
    about where it goes on (a place name not on the official list, in the editor)."""

    row: int
    column: str
    value: str
    message: str
    blocking: bool = True


class Refused(Exception):
    """Raised by a kind's `store` when the database says no after all (a row that became a
    duplicate since the check): the whole file is refused with these problems."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems)
        self.problems = problems


@dataclass(frozen=True)
class ImportKind:
    """A kind of file the one import path takes (导入). `check(user, rows)` validates
    every row with the same checks as the forms and writes nothing: it returns the
    problems and a plan; `store(user, plan)` writes the plan (in one transaction with the
    check, so all rows or none) and returns how many rows it stored. `rows` are dicts by
    column key with the file's `row` number."""

    name: str  # in the address: /imports/<name>/
    title: str
    columns: tuple[str, ...]
    headings: dict[str, tuple[str, ...]]  # key → Chinese headings, the first one written
    check: Callable[[Any, list[dict]], tuple[list[Problem], Any]]
    store: Callable[[Any, Any], int] | None
    allowed: Callable[[Any], bool] = lambda user: True
    # A document rather than a table (the announcement's workbook of several sheets):
    # its own reader of the file's rows (each with its `row`, and its `sheet`), its own
    # template, and instead of `store` the page where its author goes on with the checked
    # file (the announcement editor: its own dry run, the impact, then publishing).
    read: Callable[[bytes, str], list[dict]] | None = None
    template: Callable[[], bytes] | None = None
    proceed: Callable[[Any], str] | None = None
    optional: tuple[str, ...] = ()
    example: dict[str, str] = field(default_factory=dict)  # one row of the template
    help: str = ""
    # what a checked plan would do, in a few words ("2 new shops, 1 updated")
    describe: Callable[[Any], str] | None = None

    def heading(self, key: str) -> str:
        return self.headings[key][0] if key in self.headings else key


IMPORTS: dict[str, ImportKind] = {}


def register_import(*kinds: ImportKind) -> None:
    for kind in kinds:
        if kind.name in IMPORTS:
            raise ValueError(f"an import kind named {kind.name!r} is registered twice")
        IMPORTS[kind.name] = kind


def import_kind(name: str) -> ImportKind | None:
    return IMPORTS.get(name)
