"""Reading an announcement file (DOMAIN.md section 8): the same checks for the command,
the upload page and the API. A malformed file is refused whole, naming the line (for JSON
syntax) or the field at fault."""

import json
from dataclasses import dataclass, field
from pathlib import Path

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from portal.parsers import TooDeep, loads

from . import services
from .places import unknown_places
from .serializers import AnnouncementIn


@dataclass
class Parsed:
    data: dict | None
    errors: list[str]
    warnings: list[str] = field(default_factory=list)


def flatten_errors(detail, prefix: str = "") -> list[str]:
    """{"risk_areas": [{}, {"level": ["bad"]}]} → ["risk_areas[1].level: bad"]."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if isinstance(key, int):  # DRF reports list items by index
                path = f"{prefix}[{key}]"
            elif key == "non_field_errors":
                path = prefix
            else:
                path = f"{prefix}.{key}" if prefix else key
            out += flatten_errors(value, path)
        return out
    if isinstance(detail, list):
        if all(not isinstance(item, dict | list) for item in detail):
            return [f"{prefix}: {item}" if prefix else str(item) for item in detail]
        out = []
        for index, item in enumerate(detail):
            out += flatten_errors(item, f"{prefix}[{index}]")
        return out
    return [f"{prefix}: {detail}" if prefix else str(detail)]


def parse_announcement(
    text: str | bytes, *, check_window: bool = True, later_confirmed: bool = False
) -> Parsed:
    """The announcement in `text`, or the errors that refuse it. check_window and
    later_confirmed are AnnouncementIn's context (the window of effective dates)."""
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8-sig")
        except UnicodeDecodeError:
            return Parsed(None, [_("The file is not UTF-8 text.")])
    try:
        raw = loads(text)
    except TooDeep as error:
        return Parsed(None, [str(error)])
    except json.JSONDecodeError as error:
        return Parsed(
            None,
            [
                _("Line %(line)s, column %(column)s: not valid JSON (%(msg)s).")
                % {"line": error.lineno, "column": error.colno, "msg": error.msg}
            ],
        )
    if not isinstance(raw, dict):
        return Parsed(None, [_("The file must hold one JSON object.")])
    serializer = AnnouncementIn(
        data=raw, context={"check_window": check_window, "later_confirmed": later_confirmed}
    )
    if not serializer.is_valid():
        return Parsed(None, flatten_errors(serializer.errors))
    return Parsed(serializer.validated_data, [], unknown_places(serializer.validated_data))


def file_load(file: Path, *, check_window: bool = True):
    """Load the announcement in `file`: (announcement, created, warnings about names not
    on the official division list). A malformed file, or one effective outside the window
    of AnnouncementIn (unless check_window is off), is a CommandError, nothing stored."""
    try:
        text = file.read_bytes()
    except OSError as error:
        raise CommandError(f"{file}: {error.strerror}") from error
    parsed = parse_announcement(text, check_window=check_window)
    if parsed.errors:
        raise CommandError(f"{file} refused, nothing stored:\n  " + "\n  ".join(parsed.errors))
    announcement, created = services.announcement_load(data=parsed.data, by=None)
    return announcement, created, parsed.warnings
