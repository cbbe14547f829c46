"""What the apps building on communities add to the dashboards and the daily report
(vaccination: its coverage), registered by each app's AppConfig.ready, so that the
dashboards import none of them: a section of the dashboard page, and figures of the
report (values per reported node, labels for the files)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from django.utils.functional import Promise


@dataclass(frozen=True)
class Section:
    """A part of a node's dashboard: a template and what it shows."""

    template: str
    context: dict


@dataclass(frozen=True)
class ReportFigures:
    """Figures of the daily report: (name, label) in the order of the files, and
    `values(day, nodes)` → {node id: {name: value}} for the reported nodes, given as
    {node id: (path, level)}."""

    figures: tuple[tuple[str, str | Promise], ...]
    values: Callable[[date, dict[int, tuple[str, str]]], dict[int, dict[str, object]]]


_SECTIONS: dict[str, Callable[..., Section | None]] = {}
_REPORT_FIGURES: dict[str, ReportFigures] = {}


def register_section(*, key: str, producer: Callable[..., Section | None]) -> None:
    """Add a section to the dashboard: `producer(user, node, today)` gives it, or None."""
    _SECTIONS[key] = producer


def sections_for(user, node, today: date) -> list[Section]:
    return [
        section
        for producer in _SECTIONS.values()
        if (section := producer(user, node, today)) is not None
    ]


def register_report_figures(*, key: str, figures: ReportFigures) -> None:
    _REPORT_FIGURES[key] = figures


def report_figures() -> list[ReportFigures]:
    return list(_REPORT_FIGURES.values())
