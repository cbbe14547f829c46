"""Publishing an announcement re-assesses recent arrivals (the simple, synchronous form;
the set-based job is issue 5)."""

from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone

from communities import services
from communities.models import HealthCodeEvent
from communities.serializers import AnnouncementIn
from communities.tasks import recompute_after_announcement_task

TODAY = timezone.localdate()


def publish(**lists):
    data = AnnouncementIn(data={"title": f"提示 {len(lists)}", "effective": "2022-03-28", **lists})
    data.is_valid(raise_exception=True)
    with mock.patch("communities.tasks.recompute_after_announcement_task.delay"):
        return services.announcement_load(data=data.validated_data, by=None)[0]


@pytest.fixture
def arrival(world):
    publish(risk_areas=[])
    resident = world["residents"]["grid_a"]
    services.arrival_report_file(
        resident=resident,
        arrival_date=TODAY - timedelta(days=3),
        stays=[
            {
                "province": "吉林省",
                "city": "长春市",
                "county": "南关区",
                "start": TODAY - timedelta(days=9),
                "end": TODAY - timedelta(days=4),
            }
        ],
        landing_point_kind="airport",
        landing_point="武宿机场",
        transport="plane",
        abroad_quarantine_days=None,
        source="grid_worker",
        by=world["users"]["grid_worker"],
    )
    resident.refresh_from_db()
    assert resident.code == "green"
    return resident


def test_a_new_risk_area_turns_a_recent_arrival_red_once(arrival):
    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    assert recompute_after_announcement_task.apply(args=[0]).get() == 1
    assert recompute_after_announcement_task.apply(args=[0]).get() == 0  # twice: harmless
    arrival.refresh_from_db()
    assert (arrival.code, arrival.code_rule) == ("red", "R1")
    events = HealthCodeEvent.objects.filter(resident=arrival, to_code="red")
    assert events.count() == 1 and events.get().actor is None
    assert arrival.measures.get(state="active").rule == "R1"


def test_a_lifted_risk_area_does_not_cut_a_measure_short(arrival):
    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    services.residents_reassess()
    publish(risk_areas=[], case_counties=[])  # a later, emptier announcement
    assert services.residents_reassess() == 0
    arrival.refresh_from_db()
    assert arrival.code == "red"


def test_an_arrival_older_than_14_days_is_not_touched(world):
    publish(risk_areas=[])
    resident = world["residents"]["grid_b"]
    services.arrival_report_file(
        resident=resident,
        arrival_date=TODAY - timedelta(days=20),
        stays=[
            {
                "province": "吉林省",
                "city": "长春市",
                "county": "南关区",
                "start": TODAY - timedelta(days=25),
                "end": TODAY - timedelta(days=21),
            }
        ],
        landing_point_kind="airport",
        landing_point="",
        transport="plane",
        abroad_quarantine_days=None,
        source="grid_worker",
        by=None,
    )
    publish(
        risk_areas=[{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}]
    )
    assert services.residents_reassess() == 0
