"""The impact preview says what the recompute then does, over random histories (issue 14).

Random filings, test results, follow-ups, manual decisions, appeals, releases and earlier
publications (the steps of test_decisions_properties.py), then a random candidate: its dry
run's counters and its residents by colour and rule are exactly what publishing it and
running the real recompute on the same data then writes; and the dry run writes nothing.
"""

from collections import Counter

import pytest
from django.apps import apps
from django.db import transaction
from django.utils import timezone
from hypothesis import example, given
from hypothesis import strategies as st

from communities import impact, policies, recompute
from communities.models import HealthCodeEvent, Resident
from communities.tests.factories import announcement_publish
from communities.tests.test_decisions_properties import (
    CITIES,
    COUNTIES,
    EXAMPLES,
    NOTHING,
    Rollback,
    act,
    announcement,
    lists,
    publish,
    steps,
    who,
)

TODAY = timezone.localdate()
# Arrivals first (and people deciding on them), so that most candidates change someone.
filings = st.lists(
    st.one_of(
        st.tuples(st.just("file"), who, st.sampled_from(COUNTIES), st.integers(1, 13)),
        st.tuples(st.just("manual"), who, st.sampled_from(["green", "yellow", "red"])),
    ),
    min_size=1,
    max_size=5,
)
# Candidates that name a place, after a first announcement that is often empty.
candidates = lists.filter(lambda data: any(data.values()))
firsts = st.one_of(st.just(NOTHING), lists)
COUNTERS = ("to_red", "to_yellow", "to_green", "kept_decided", "kept_covered", "to_review")


def every_row() -> dict:
    """The row count of every table of communities and of the notices."""
    models = [*apps.get_app_config("communities").get_models(), apps.get_model("notices.Notice")]
    counts = {m._meta.label: m.objects.count() for m in models}
    counts["codes"] = sorted(Resident.objects.values_list("pk", "code", "code_rule"))
    return counts


@pytest.mark.django_db
def test_the_preview_is_what_the_recompute_then_does(world, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path

    @EXAMPLES
    @given(filed=filings, history=steps, first=firsts, candidate=candidates)
    # always tried: a write (grid_a: R1), a covered R3 (grid_a's other arrival) and a
    # review (grid_b's arrival, then the city decided yellow)
    @example(
        filed=[
            ("file", "grid_a", COUNTIES[0], 3),
            ("file", "grid_a", COUNTIES[1], 5),
            ("file", "grid_b", COUNTIES[0], 2),
            ("manual", "grid_b", "yellow"),
        ],
        history=[("nightly", 0)],
        first=NOTHING,
        candidate={**NOTHING, "risk_areas": [COUNTIES[0]], "case_counties": [COUNTIES[1]]},
    )
    # always tried: an R4 of an epidemic city becomes R2 (a risk area in its county)
    @example(
        filed=[("file", "grid_a", COUNTIES[1], 2)],
        history=[("test", "grid_a", "negative")],
        first={**NOTHING, "epidemic_cities": [CITIES[0]]},
        candidate={**NOTHING, "risk_areas": [COUNTIES[1]], "epidemic_cities": [CITIES[0]]},
    )
    def run(filed, history, first, candidate):
        world["recordings"] = {}
        try:
            with transaction.atomic():
                publish(first, 0)
                for n, step in enumerate(filed + history, start=1):
                    if step[0] == "publish":
                        publish(step[1], n)
                    else:
                        act(step, world)
                data = policies.payload_of(
                    {**announcement(candidate, 999), "effective": TODAY.isoformat()}
                )
                before = every_row()
                said = impact.impact_compute(payload=data, today=TODAY)
                assert every_row() == before, "the dry run wrote something"
                last_event = HealthCodeEvent.objects.order_by("-pk").values_list("pk", flat=True)
                last = last_event.first() or 0
                published = announcement_publish(data)
                run = recompute.run_inline(
                    kind="announcement", today=TODAY, announcement_id=published.pk
                )
                assert {name: said[name] for name in COUNTERS} == {
                    name: getattr(run, name) for name in COUNTERS
                }
                written = Counter(
                    HealthCodeEvent.objects.filter(pk__gt=last).values_list("to_code", "rule")
                )
                assert {(c, r): n for c, r, n in said["figures"]["by_rule"]} == dict(written)
                raise Rollback
        except Rollback:
            pass

    run()
