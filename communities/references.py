"""Reference numbers given to the public: a self-report's and an appeal's. With the last four
digits of the phone, a reference opens the public status page.

Two letters say what a reference names (报备 BB, 申诉 SS); ten characters from an alphabet
without look-alikes (no 0/O, 1/I/L) follow in two groups of five: BB-7KQ4M-9XPTW. That is
31^10 ≈ 8×10^14 values: the rate-limited status page cannot walk them, and two rows drawing
the same one (about 1 in 1,600 over a million rows) is left to the unique constraint.
"""

import re
import secrets
import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _

ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
LENGTH = 10
ARRIVAL_PREFIX = "BB"
APPEAL_PREFIX = "SS"
MAX_LENGTH = 16  # BB-XXXXX-XXXXX is 14
PATTERN = re.compile(rf"^({ARRIVAL_PREFIX}|{APPEAL_PREFIX})([{ALPHABET}]{{{LENGTH}}})$")


def _formatted(prefix: str, chars: str) -> str:
    return f"{prefix}-{chars[:5]}-{chars[5:]}"


def reference_new(prefix: str) -> str:
    return _formatted(prefix, "".join(secrets.choice(ALPHABET) for _ in range(LENGTH)))


def arrival_reference_new() -> str:
    """A new arrival report's reference (the model field's default)."""
    return reference_new(ARRIVAL_PREFIX)


def appeal_reference_new() -> str:
    """A new appeal's reference (the model field's default)."""
    return reference_new(APPEAL_PREFIX)


def reference_normalize(text: str) -> str | None:
    """The stored form of a reference as a person types it (any case, full-width letters
    from a Chinese keyboard, spaces or dashes anywhere); None when it cannot be one."""
    compact = re.sub(r"[^0-9A-Z]", "", unicodedata.normalize("NFKC", text).upper())
    match = PATTERN.match(compact)
    if match is None:
        return None
    return _formatted(*match.groups())


def reference_field(default) -> models.CharField:
    """The reference of a row the public files: unique, drawn by `default` at creation."""
    return models.CharField(
        _("reference"), max_length=MAX_LENGTH, unique=True, default=default, editable=False
    )
