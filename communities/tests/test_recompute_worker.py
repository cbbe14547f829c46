"""Reliability: a real worker (Redis in CI's first pass, the filesystem transport in the
second) recomputes after an announcement is published."""

import pytest
from celery.contrib.testing.worker import start_worker

from communities import services
from communities.models import HealthCodeEvent, RecomputeRun
from communities.serializers import AnnouncementIn
from portal.celery import app

from .factories import arrival_file, wait_for

pytestmark = pytest.mark.django_db(transaction=True)


def publish(risk_areas):
    data = AnnouncementIn(
        data={
            "title": f"提示 {len(risk_areas)}",
            "effective": "2022-03-28",
            "risk_areas": risk_areas,
        },
        context={"check_window": False},
    )
    data.is_valid(raise_exception=True)
    return services.announcement_load(data=data.validated_data, by=None)[0]


def test_publishing_recomputes_through_a_real_worker(world):
    app.control.purge()  # messages other tests queued without a worker
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        publish([])
        assert wait_for(lambda: RecomputeRun.objects.filter(state="finished").count() == 1)
        resident = world["residents"]["grid_a"]
        arrival_file(resident)
        publish([{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}])
        assert wait_for(lambda: RecomputeRun.objects.filter(state="finished").count() == 2)
    run = RecomputeRun.objects.filter(state="finished").order_by("-pk").first()
    resident.refresh_from_db()
    assert (run.to_red, resident.code, resident.code_rule) == (1, "red", "R1")
    assert HealthCodeEvent.objects.filter(resident=resident, to_code="red").count() == 1
