"""The lists that export (导出): each app describes its own in its `exports.py`, with the
same filtering as its page, and registers them here. This app writes the files, runs the
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
