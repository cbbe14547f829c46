"""Reliability: a Celery worker process killed (SIGKILL) in the middle of a recompute chunk.

The chunk's transaction dies with the worker; Redis gives the unacknowledged task (acks_late)
to the next worker after the visibility timeout, which does the chunk once: one code event
per resident, one notice per grid worker, the chunk counted once."""

import os
import signal
import subprocess
import sys

import psycopg
import pytest
import redis
from django.conf import settings
from django.db import connection

from communities import services
from communities.models import HealthCodeEvent, RecomputeChunk, RecomputeRun, Resident
from communities.serializers import AnnouncementIn
from notices.models import Notice
from portal.celery import app

from .factories import arrival_file, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]
VISIBILITY = 3  # seconds before Redis hands a dead worker's task to another


def worker_process() -> subprocess.Popen:
    """A real worker in its own process, on the test database and the test Redis."""
    db = connection.settings_dict
    env = dict(
        os.environ,
        DATABASE_URL=f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        REDIS_URL=settings.REDIS_URL,
        CELERY_VISIBILITY_TIMEOUT=str(VISIBILITY),
    )
    command = [sys.executable, "-m", "celery", "-A", "portal", "worker", "--pool", "solo"]
    command += ["--without-mingle", "--without-gossip", "--loglevel", "WARNING"]
    return subprocess.Popen(command, env=env, cwd=settings.BASE_DIR)  # noqa: S603 (our own command)


def waiting_on_a_lock(dbname: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
            [dbname],
        )
        return cursor.fetchone()[0] > 0


def test_a_worker_killed_mid_chunk_leaves_no_duplicate(world):
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        pytest.fail("this test needs PostgreSQL and Redis; run it in the first CI pass")
    residents = [world["residents"]["grid_a"], world["residents"]["grid_b"]]
    for resident in residents:
        arrival_file(resident)  # green: 南关区 is not a risk area yet
    app.control.purge()
    # tasks left unacknowledged by workers of earlier tests (stopped mid-way) would come
    # back too; this test counts only its own
    redis.Redis.from_url(settings.REDIS_URL).delete("unacked", "unacked_index", "unacked_mutex")
    db = connection.settings_dict

    # Hold one resident's row: the chunk stops on it, mid-transaction, until we let go.
    holder = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], dbname=db["NAME"], autocommit=False
    )
    holder.execute(
        "SELECT id FROM communities_resident WHERE id = %s FOR UPDATE", [residents[0].pk]
    )
    first = worker_process()
    try:
        data = AnnouncementIn(
            data={
                "title": "提示",
                "effective": "2022-03-28",
                "risk_areas": [
                    {"level": "high", "province": "吉林省", "city": "长春市", "county": "南关区"}
                ],
            },
            context={"check_window": False},
        )
        data.is_valid(raise_exception=True)
        services.announcement_load(data=data.validated_data, by=None)
        assert wait_for(lambda: waiting_on_a_lock(db["NAME"])), "the chunk never reached the lock"
        first.send_signal(signal.SIGKILL)  # mid-chunk: no warm shutdown, no ack
        first.wait(timeout=10)
    finally:
        if first.poll() is None:
            first.kill()
        holder.rollback()
        holder.close()

    assert not HealthCodeEvent.objects.filter(to_code="red").exists()  # rolled back
    chunk = RecomputeChunk.objects.get()
    assert chunk.state != RecomputeChunk.State.DONE

    second = worker_process()
    try:
        # the task comes back after the visibility timeout; the second worker does it once
        assert wait_for(lambda: RecomputeRun.objects.filter(state="finished").exists(), 90)
        assert wait_for(lambda: not Notice.objects.filter(state="pending").exists(), 30)
    finally:
        second.terminate()
        second.wait(timeout=30)

    run = RecomputeRun.objects.get()
    assert (run.chunks_done, run.chunks_total, run.to_red) == (1, 1, 2)
    for resident in residents:
        assert Resident.objects.get(pk=resident.pk).code == "red"
        assert HealthCodeEvent.objects.filter(resident=resident, to_code="red").count() == 1
    worker = world["users"]["grid_worker"]  # grid_a's worker: one notice, sent once
    notices = Notice.objects.filter(recipient=worker, kind=Notice.Kind.CODES_CHANGED)
    assert notices.count() == 1 and notices.get().state == "sent"
