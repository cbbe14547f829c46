"""Bulk imports: a sampling point's file of nucleic-acid results, recorded row by row."""

from dataclasses import dataclass
from datetime import date, datetime, time

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import rules
from ..models import NucleicAcidTest, Resident, User
from ..validators import id_number_message
from .lifecycle import test_result_record

Result = NucleicAcidTest.Result

# What a results file may say, lower-cased and stripped.
RESULT_WORDS = {
    "negative": Result.NEGATIVE,
    "positive": Result.POSITIVE,
    "阴性": Result.NEGATIVE,
    "阳性": Result.POSITIVE,
}
SAMPLED_AT_FORMATS = ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S")
DATE_FORMAT = "%Y-%m-%d"
LOOKUP_BATCH = 500  # ID numbers per query, well under SQLite's limit on parameters
SHOWN_ID_LENGTH = 32  # a junk cell is cut before it reaches the report


@dataclass(frozen=True)
class RowOutcome:
    """What became of one row: `matched` with the test it recorded, or the reason not."""

    row: int
    id_number: str
    matched: bool
    reason: str
    resident: Resident | None = None
    test: NucleicAcidTest | None = None


class _Refused(Exception):
    """A row that cannot be recorded; the message says why."""


def _sampled_at(value) -> datetime:
    """A local sample time from "YYYY-MM-DD HH:MM" or "YYYY-MM-DD" (taken as 00:00)."""
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
    try:
        return timezone.make_aware(datetime.combine(datetime.strptime(text, DATE_FORMAT), time.min))
    except ValueError:
        raise _Refused(
            _("The sample time is not a date and time such as 2022-03-28 09:30.")
        ) from None


def _residents_by_id(visible: QuerySet[Resident], id_numbers: set[str]) -> dict[str, Resident]:
    found: dict[str, Resident] = {}
    ordered = sorted(id_numbers)
    for start in range(0, len(ordered), LOOKUP_BATCH):
        batch = ordered[start : start + LOOKUP_BATCH]
        found.update((r.id_number, r) for r in visible.filter(id_number__in=batch))
    return found


def _pending_test_for(resident: Resident, sampled_on: date) -> NucleicAcidTest:
    pending = NucleicAcidTest.objects.filter(resident=resident, result=Result.PENDING)
    test = pending.filter(due__lte=sampled_on).order_by("-due", "-pk").first()
    test = test or pending.order_by("due", "pk").first()
    if test is None:
        raise _Refused(_("This person has no pending test."))
    test.resident = resident
    return test


def _row_record(
    row: dict, *, id_number: str, residents: dict[str, Resident], now: datetime, by: User | None
) -> tuple[Resident, NucleicAcidTest]:
    problem = rules.id_number_problem(id_number, today=timezone.localdate(now))
    if problem:
        raise _Refused(id_number_message(problem))
    sampled_at = _sampled_at(row.get("sampled_at"))
    if sampled_at > now:
        raise _Refused(_("The sample time is in the future."))
    result = RESULT_WORDS.get(str(row.get("result") or "").strip().lower())
    if result is None:
        raise _Refused(_("The result is neither negative nor positive (阴性/阳性)."))
    resident = residents.get(id_number)
    if resident is None:
        # The same words for "no such person" and "not yours": an import reveals nothing
        # about other grids.
        raise _Refused(_("No resident of yours has this ID number."))
    already = NucleicAcidTest.objects.filter(resident=resident, sampled_at=sampled_at).exclude(
        result=Result.PENDING
    )
    if already.exists():
        # A file uploaded twice (or a repeated row) must not fill the person's next test.
        raise _Refused(_("A sample of this person at this time is already recorded."))
    test = _pending_test_for(resident, timezone.localdate(sampled_at))
    test = test_result_record(test=test, result=result, sampled_at=sampled_at, by=by)
    return resident, test


def test_results_import(
    *, rows: list[dict], visible: QuerySet[Resident], by: User | None
) -> list[RowOutcome]:
    """Record each row's result on a pending test of a resident in `visible`; one outcome
    per row, in order.

    A row is a dict with `id_number`, `sampled_at` (local "YYYY-MM-DD HH:MM" or
    "YYYY-MM-DD", which is taken as 00:00) and `result` ("negative"/"positive" or
    "阴性"/"阳性"), and optionally `row`, the number to report (default: its position from
    1). Each row runs in its own transaction, so a refused row never undoes another:

    1. check the ID number (GB 11643), the sample time (not in the future) and the result;
    2. find the resident in `visible` by ID number (one outside it is "unknown" too);
    3. refuse a sample already recorded for the person at that time (a file sent twice);
    4. take their pending test with the latest due on or before the sample date, else
       their earliest pending test;
    5. record it with test_result_record: a positive raises an anomaly, R4's third
       negative releases the yellow code.
    """
    now = timezone.now()
    id_numbers = [
        rules.normalize_id_number(str(row.get("id_number") or ""))[:SHOWN_ID_LENGTH] for row in rows
    ]
    today = timezone.localdate(now)
    residents = _residents_by_id(
        visible, {n for n in id_numbers if rules.id_number_problem(n, today=today) is None}
    )
    outcomes = []
    for position, (row, id_number) in enumerate(zip(rows, id_numbers, strict=True), start=1):
        number = row.get("row", position)
        try:
            with transaction.atomic():
                resident, test = _row_record(
                    row, id_number=id_number, residents=residents, now=now, by=by
                )
        except _Refused as refused:
            outcomes.append(RowOutcome(number, id_number, matched=False, reason=str(refused)))
        except (ValidationError, IntegrityError) as error:
            reason = "; ".join(getattr(error, "messages", [str(error)]))
            outcomes.append(RowOutcome(number, id_number, matched=False, reason=reason))
        else:
            reason = _("%(kind)s due %(due)s: %(result)s.") % {
                "result": test.get_result_display(),
                "kind": test.get_kind_display(),
                "due": test.due.isoformat(),
            }
            outcomes.append(
                RowOutcome(number, id_number, True, reason, resident=resident, test=test)
            )
    return outcomes


# The name is given (test_<noun>_<verb>); keep pytest from taking it for a test when a
# test module imports it.
test_results_import.__test__ = False
