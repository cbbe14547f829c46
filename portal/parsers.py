"""JSON with a depth limit (issue 11). The json module recurses once a level: about 2 KB
of "[[[[…" raised RecursionError, a 500 on every JSON endpoint. Nesting deeper than
settings.JSON_MAX_DEPTH is refused as bad input instead; no interface of the portal nests
more than a few levels."""

import json

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import parsers
from rest_framework.exceptions import ParseError

TOO_DEEP = _("The JSON is nested more than %(depth)s levels deep.")


class TooDeep(ValueError):
    def __init__(self):
        super().__init__(TOO_DEEP % {"depth": settings.JSON_MAX_DEPTH})


def _deeper_than(value, limit: int) -> bool:
    """Whether lists and objects nest more than `limit` levels (without recursion)."""
    level = [value]
    for _depth in range(limit):
        level = [
            child
            for item in level
            if isinstance(item, dict | list)
            for child in (item.values() if isinstance(item, dict) else item)
        ]
        if not level:
            return False
    return any(isinstance(item, dict | list) for item in level)


def check_depth(value):
    """`value`, or TooDeep if it nests more than settings.JSON_MAX_DEPTH levels."""
    if _deeper_than(value, settings.JSON_MAX_DEPTH):
        raise TooDeep
    return value


def loads(text: str | bytes):
    """json.loads, but nesting too deep raises TooDeep (a ValueError), not RecursionError."""
    try:
        return check_depth(json.loads(text))
    except RecursionError:
        raise TooDeep from None


class JSONParser(parsers.JSONParser):
    """DRF's JSON parser; nesting too deep is a 400 like any other parse error."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return check_depth(super().parse(stream, media_type, parser_context))
        except (RecursionError, TooDeep):
            raise ParseError(TOO_DEEP % {"depth": settings.JSON_MAX_DEPTH}) from None
