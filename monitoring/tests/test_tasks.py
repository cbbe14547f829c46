import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings

from monitoring.models import Heartbeat
from monitoring.tasks import heartbeat_task
from portal.celery import app


def test_heartbeat_twice_keeps_one_row(db):
    heartbeat_task.apply()
    heartbeat_task.apply()
    (beat,) = Heartbeat.objects.all()
    assert beat.beats == 2


def expected_broker():
    return "redis" if settings.REDIS_URL else "filesystem"


@pytest.mark.django_db(transaction=True)
def test_task_round_trip_through_a_real_worker():
    """A real worker consumes from the configured broker: Redis when REDIS_URL is set
    (CI's first pass), kombu's filesystem transport otherwise (the embedded default)."""
    assert app.connection_for_write().transport.driver_type == expected_broker()
    if settings.REDIS_URL:
        app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        heartbeat_task.delay()
        deadline = time.monotonic() + 30
        while not Heartbeat.objects.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
    assert Heartbeat.objects.count() == 1
