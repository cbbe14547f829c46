"""Properties of the escalation (DOMAIN.md §6, issue 10) over random sequences of
inspections of one shop through the service: each visit comes some days after the last
(often the same day), passes or fails, and is recorded by any member of the group.

Each example runs in a savepoint that is rolled back, so every sequence starts from the
same unreminded shop."""

from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from shops.models import Inspection, Shop

from .conftest import START, first_share, inspect

Outcome = Inspection.Outcome
MEMBERS = ("grid_worker", "market", "enforcer")  # group 1

# (days after the previous visit, passed, member); ten visits of at most three days apart
# stay within the campaign's month. One visit in four passes, so that many sequences
# reach the red placard.
visits = st.lists(
    st.tuples(
        st.sampled_from(range(4)),
        st.sampled_from((False, False, False, True)),
        st.sampled_from(MEMBERS),
    ),
    min_size=1,
    max_size=10,
)

# The issue's three failures in two minutes, then a failure after each deadline (reminder
# 2, red) and the passed re-inspection after the closure.
ISSUE_10 = [
    (0, False, "grid_worker"),
    (0, False, "market"),
    (0, False, "market"),
    (3, False, "enforcer"),
    (3, False, "grid_worker"),
    (3, True, "market"),
]


def run(sweep, shop, plan) -> list[tuple]:
    """The plan's visits through the service: (day, outcome, shop before, shop after) of
    each one recorded; a refusal only for a shop closed under a red placard."""
    day, log = START, []
    for k, (gap, passed, member) in enumerate(plan):
        day += timedelta(days=gap)
        before = Shop.objects.get(pk=shop.pk)
        failed = {} if passed else {"masks_worn": False}
        try:
            inspection = inspect(
                sweep, shop, day=(day - START).days, member=member, hour=8 + k, **failed
            )
        except ValidationError:
            assert before.placard == Shop.Placard.RED and day < before.reinspection_due
            continue
        log.append((day, inspection.outcome, before, Shop.objects.get(pk=shop.pk)))
    assert Inspection.objects.filter(shop=shop).count() == len(log)  # every visit on record
    return log


@hypothesis_settings(
    max_examples=60,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(plan=visits)
@example(plan=ISSUE_10)
def test_escalation_follows_the_deadlines_whatever_the_visits(sweep, plan):
    shop = first_share(sweep)
    with transaction.atomic():
        log = run(sweep, shop, plan)
        transaction.set_rollback(True)

    # never more than one counted inspection per shop-day: the day's first
    days = {}
    for day, outcome, _before, _after in log:
        days.setdefault(day, []).append(outcome)
    for outcomes in days.values():
        assert all(outcome == Outcome.REPEAT for outcome in outcomes[1:])
        assert outcomes[0] != Outcome.REPEAT

    reminders = []  # the deadlines of the reminders since the shop last passed
    for day, outcome, before, after in log:
        running = before.rectify_by is not None and day <= before.rectify_by
        # reminders never increase within a rectification period
        if running:
            assert after.reminders <= before.reminders
            assert outcome != Outcome.REMINDER
        if outcome == Outcome.REMINDER:
            reminders.append(after.rectify_by)
        elif outcome == Outcome.GREEN:
            reminders = []
        elif outcome == Outcome.RED and before.placard != Shop.Placard.RED:
            # red only after max_reminders reminders whose deadlines have all passed
            assert len(reminders) >= settings.SHOP_MAX_REMINDERS
            assert all(deadline < day for deadline in reminders)
            assert (after.state, after.placard) == (Shop.State.CLOSED, Shop.Placard.RED)
        elif outcome in (Outcome.IN_PERIOD, Outcome.REPEAT):
            changed = ("placard", "state", "reminders", "rectify_by", "reinspection_due")
            assert [getattr(after, f) for f in changed] == [getattr(before, f) for f in changed]
