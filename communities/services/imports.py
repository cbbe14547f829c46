"""What a results file says, read the same way by the import path (communities/imports.py)
and anywhere else a sample time or a result comes as text."""

from datetime import date, datetime, time

from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import NucleicAcidTest

Result = NucleicAcidTest.Result

# What a results file may say, lower-cased and stripped.
RESULT_WORDS = {
    "negative": Result.NEGATIVE,
    "positive": Result.POSITIVE,
    "阴性": Result.NEGATIVE,
    "阳性": Result.POSITIVE,
}
SAMPLED_AT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y/%m/%d %H:%M", "%Y/%m/%d %H:%M:%S")
DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d")
LOOKUP_BATCH = 500  # ID numbers per query, well under SQLite's limit on parameters


class SampledAtProblem(Exception):
    """A sample time that cannot be read; the message says why."""


def sampled_at_of(value) -> datetime:
    """A local sample time from "YYYY-MM-DD HH:MM" (or with seconds, or with slashes as
    Excel writes it on a Chinese PC) or a day alone (taken as 00:00)."""
    if isinstance(value, datetime):
        return value if timezone.is_aware(value) else timezone.make_aware(value)
    if isinstance(value, date):
        return timezone.make_aware(datetime.combine(value, time.min))
    text = str(value or "").strip()
    for fmt in SAMPLED_AT_FORMATS:
        try:
            return timezone.make_aware(datetime.strptime(text, fmt))
        except ValueError:
            continue
    for fmt in DATE_FORMATS:
        try:
            return timezone.make_aware(datetime.combine(datetime.strptime(text, fmt), time.min))
        except ValueError:
            continue
    raise SampledAtProblem(_("The sample time is not a date and time such as 2022-03-28 09:30."))
