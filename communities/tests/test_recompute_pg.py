"""The re-assessment's PostgreSQL path (COPY into a temporary table, then set-based
statements) under a real concurrent transaction: the conditional UPDATE is what keeps a
manual change. The rows it writes are checked on both databases in test_recompute.py."""

import threading
import time

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities import recompute, services
from communities.models import HealthCodeEvent, Resident
from communities.tests.factories import announcement_publish, arrival_file

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]
TODAY = timezone.localdate()
NANGUAN = {"province": "吉林省", "city": "长春市", "county": "南关区"}


@pytest.fixture
def arrival(world):
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (row locks); run it in the PostgreSQL pass")
    announcement_publish({"title": "提示 0", "effective": "2022-03-28", "risk_areas": []})
    resident = world["residents"]["grid_a"]
    arrival_file(resident, days_ago=3)
    announcement_publish(
        {"title": "提示 1", "effective": "2022-03-28", "risk_areas": [{"level": "high", **NANGUAN}]}
    )
    return resident


def waiting_for_a_lock(seconds=10) -> bool:
    """Whether another session waits on a lock (pg_locks is read afresh each query)."""
    deadline = time.monotonic() + seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.05)
    return False


def test_the_chunk_writes_through_copy_and_a_temporary_table(arrival):
    run = recompute.run_start(kind="announcement", today=TODAY)
    with CaptureQueriesContext(connection) as queries:
        assert recompute.chunk_run(chunk_id=run.chunks.get().pk) == 1
    assert any("recompute_change" in q["sql"] for q in queries.captured_queries)
    arrival.refresh_from_db()
    assert (arrival.code, arrival.code_rule) == ("red", "R1")


def test_a_manual_change_committed_while_the_chunk_waits_is_not_overwritten(world, arrival):
    """The chunk reads the resident as green; a grid worker's manual change holds the row
    and commits yellow while the chunk's UPDATE waits on it: PostgreSQL checks the
    condition again on the committed row and the chunk leaves it alone."""
    run = recompute.run_start(kind="announcement", today=TODAY)
    changed, errors = threading.Event(), []

    def manual_change():
        try:
            with transaction.atomic():
                services.health_code_change(
                    resident=Resident.objects.get(pk=arrival.pk),
                    to="yellow",
                    rule="manual",
                    reason="人工",
                    actor=world["users"]["city_office"],
                )
                changed.set()  # changed, not committed: the row stays locked
                if not waiting_for_a_lock():  # the chunk's UPDATE, blocked on this row
                    errors.append("the chunk never waited on the row")
        except Exception as error:
            errors.append(error)
        finally:
            changed.set()
            connection.close()

    thread = threading.Thread(target=manual_change)
    thread.start()
    assert changed.wait(10)
    assert recompute.chunk_run(chunk_id=run.chunks.get().pk) == 0
    thread.join()
    assert errors == []
    arrival.refresh_from_db()
    assert (arrival.code, arrival.code_rule) == ("yellow", "manual")
    assert not HealthCodeEvent.objects.filter(resident=arrival, to_code="red").exists()
    assert not arrival.measures.filter(rule="R1").exists()
