"""Reliability with Redis really unreachable (a refused connection, not a mock): the city
office still publishes, the pages answer, and nothing is lost; when Redis is back, beat's
safety net starts the recompute, a real worker does it and the grid worker is told."""

import json
import time
from contextlib import contextmanager
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.test import override_settings
from django.utils import timezone

from communities.models import Announcement, HealthCodeEvent, RecomputeRun, Resident
from communities.tasks import recompute_missed_task
from notices.models import Notice
from portal.celery import app

from .factories import arrival_file, wait_for

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]
NOWHERE = "redis://127.0.0.1:9/0"  # the discard port: nothing listens, connections refused
DEAD_CACHE = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOWHERE}
}
ANNOUNCEMENT = {
    "title": "市疫情防控办提示",
    # published on the upload page: an effective date within the window it accepts
    "effective": timezone.localdate().isoformat(),
    "risk_areas": [{"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}],
}


@contextmanager
def redis_down():
    """Celery's producers and Django's cache pointed at a port where nothing listens."""
    working = app.conf.broker_url

    def reconnect(url):
        app.conf.broker_url = url
        app._pool = None  # the connection pools are made again from the URL on next use
        app.amqp._producer_pool = None

    reconnect(NOWHERE)
    try:
        with override_settings(CACHES=DEAD_CACHE):
            yield
    finally:
        reconnect(working)


def test_with_redis_down_the_city_publishes_and_nothing_is_lost(client, world, caplog):
    resident = world["residents"]["grid_a"]
    arrival_file(resident)  # green: 南关区 is not a risk area yet
    app.control.purge()
    client.force_login(world["users"]["city_office"])
    with redis_down():
        started = time.monotonic()
        response = client.post(
            "/announcements/upload/",
            {"text": json.dumps(ANNOUNCEMENT, ensure_ascii=False), "publish": "1"},
        )
        assert response.status_code == 302, response.content[:500]
        assert time.monotonic() - started < 10  # answered, not hung on the broker
        assert client.get(response["Location"]).status_code == 200
        assert client.get("/").status_code == 200
    announcement = Announcement.objects.get()
    assert not RecomputeRun.objects.exists()  # the queueing failed; nothing started yet
    failed = [r for r in caplog.records if "on_commit" in r.getMessage()]
    assert failed and "OperationalError" in repr(failed[0].exc_info)  # the refused broker

    # Redis is back. Beat's safety net (every 5 minutes) finds the announcement without a run.
    Announcement.objects.filter(pk=announcement.pk).update(
        published_at=timezone.now() - timedelta(minutes=5)
    )
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        recompute_missed_task.delay()
        assert wait_for(lambda: RecomputeRun.objects.filter(state="finished").exists())
        worker = world["users"]["grid_worker"]
        assert wait_for(lambda: Notice.objects.filter(recipient=worker, state="sent").exists())
    assert RecomputeRun.objects.get().announcement == announcement
    assert Resident.objects.get(pk=resident.pk).code == "red"
    assert HealthCodeEvent.objects.filter(resident=resident, to_code="red").count() == 1
