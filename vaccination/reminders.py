"""What vaccination gives notices to run (registered when VaccinationConfig.ready imports
this module): the booster reminder, once a resident, to the resident by SMS and to the
grid workers of their grid in the inbox; and its check just before sending, which cancels
a reminder whose booster was recorded in the meantime (or who is no longer due)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import access
from notices import registry, services, texts
from notices.models import Notice
from notices.reminders import city_names, city_of, day_start, resident_sms, staff
from notices.sending import BATCH

from . import rules, selectors
from .models import Status, VaccinationState

Kind = Notice.Kind
Channel = Notice.Channel


def reminder_key(resident_id: int, due_on) -> str:
    """Once a resident and day due: a reminder cancelled because the policy moved the day
    is made again when the new day comes (with the new day in its key)."""
    return f"booster-due:{resident_id}:{due_on.isoformat()}"


def _due_batches(policy, today):
    """The states due a booster today and not yet reminded, with the day each became due,
    in batches: the candidates' ids read from the states alone (keyset by id; a join with
    the residents made PostgreSQL walk the residents from the first id at every batch:
    367 ms a batch at a million), then the batch with its residents, the age asked of the
    rules."""
    latest_course, _latest_birth = rules.booster_cutoffs(policy, today)
    candidates = VaccinationState.objects.filter(
        status=Status.FULL, full_course_on__lte=latest_course, reminded_at__isnull=True
    )
    last = 0
    while True:
        ids = list(
            candidates.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:BATCH]
        )
        if not ids:
            return
        last = ids[-1]
        states = VaccinationState.objects.filter(pk__in=ids).select_related("resident__grid")
        due = ((state, selectors.due_on_of(state, policy)) for state in states.order_by("pk"))
        yield [(state, due_on) for state, due_on in due if due_on is not None and due_on <= today]


@registry.producer(Kind.BOOSTER_DUE)
def booster_due(*, now: datetime | None = None) -> int:
    """Residents due a booster today and not yet reminded: an SMS to the resident and an
    in-app notice to the grid workers of their grid; each marked reminded in the same
    transaction, so that the reminder goes out once."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    policy = selectors.policy_on(today)
    cities, created = city_names(), 0
    for batch in _due_batches(policy, today):
        if not batch:
            continue
        with transaction.atomic():
            workers = access.grid_workers_by_grid({s.resident.grid_id for s, _due in batch})
            notices = []
            for state, due_on in batch:
                resident = state.resident
                key, due_at = reminder_key(resident.pk, due_on), day_start(today)
                city = city_of(resident.grid, cities)
                sms = texts.sms_text(Kind.BOOSTER_DUE, city=city, full_course=state.full_course_on)
                notices.append(resident_sms(Kind.BOOSTER_DUE, resident, key, sms, due_at))
                text = texts.staff_text(
                    Kind.BOOSTER_DUE,
                    name=resident.name,
                    grid=resident.grid.name,
                    full_course=state.full_course_on,
                )
                notices += [
                    staff(Kind.BOOSTER_DUE, uid, Channel.INAPP, key, text, due_at, resident)
                    for uid in sorted(workers[resident.grid_id])
                ]
            created += services.notices_create(notices=notices, dispatch=False)
            reminded = [state.pk for state, _due in batch]
            VaccinationState.objects.filter(pk__in=reminded).update(reminded_at=now)
    return created


@registry.send_check(Kind.BOOSTER_DUE)
def booster_still_due(notice: Notice) -> str | None:
    """Why the reminder is no longer true now, or None: the resident's status read again
    and the rules asked again with today's policy. A reminder cancelled for any reason but
    a booster given leaves the resident to be reminded when they are due again."""
    if notice.resident_id is None:
        return _("The resident is no longer registered.")
    state = (
        VaccinationState.objects.filter(resident_id=notice.resident_id)
        .select_related("resident")
        .first()
    )
    if state is not None and state.status == Status.BOOSTER:
        return _("A booster was recorded before the reminder was sent.")
    reason = None
    if state is None or state.status != Status.FULL:
        reason = _("The person no longer has a full course on record.")
    else:
        today = timezone.localdate()
        due_on = selectors.due_on_of(state, selectors.policy_on(today))
        if due_on is None or due_on > today:
            reason = _("The booster is not due under today's policy.")
    if reason is not None:
        VaccinationState.objects.filter(resident_id=notice.resident_id).update(reminded_at=None)
    return reason
