"""The tasks, called directly and twice (idempotent), and through a real worker."""

import time
from datetime import timedelta
from unittest import mock

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings as django_settings

from notices import sending, services, tasks
from notices.models import Notice
from portal.celery import app

from .factories import TOMORROW, pending_test

State = Notice.State


def sms(n=1) -> Notice:
    notice, _ = services.notice_create(
        kind=Notice.Kind.MEASURE_ENDS_TOMORROW,
        text=f"短信{n}",
        channel=Notice.Channel.SMS,
        phone=f"1380000{n:04d}",
        dedupe_key=f"measure-ends:{n}:2022-04-09:sms:1380000{n:04d}",
    )
    return notice


def test_the_send_task_twice_sends_once(db, sms_file):
    notice = sms()
    assert tasks.notice_send_task(notice.pk) is True
    assert tasks.notice_send_task(notice.pk) is False
    assert len(sms_file()) == 1


def test_dispatch_twice_queues_each_due_notice_once(db):
    notices = [sms(n) for n in range(3)]
    with mock.patch.object(tasks.notice_send_task, "delay") as delay:
        assert tasks.notices_dispatch_task() == 3
        assert tasks.notices_dispatch_task() == 0
    assert sorted(c.args[0] for c in delay.call_args_list) == [n.pk for n in notices]


def test_dispatch_queues_itself_again_while_more_are_due(db, monkeypatch):
    monkeypatch.setattr(sending, "BATCH", 2)
    for n in range(3):
        sms(n)
    with (
        mock.patch.object(tasks.notice_send_task, "delay") as send,
        mock.patch.object(tasks.notices_dispatch_task, "delay") as again,
    ):
        tasks.notices_dispatch_task()
        assert (send.call_count, again.call_count) == (2, 1)
        tasks.notices_dispatch_task()
        assert (send.call_count, again.call_count) == (3, 1)


def test_the_reminders_task_twice_reminds_once_and_delivers(world, eager, sms_file):
    resident = world["residents"]["grid_a"]
    pending_test(resident, due=TOMORROW)
    assert tasks.reminders_task("test_due_tomorrow") == 2
    assert tasks.reminders_task("test_due_tomorrow") == 0
    assert [m["phone"] for m in sms_file()] == [resident.phone]
    notices = Notice.objects.filter(kind="test_due_tomorrow")
    assert {(n.channel, n.state) for n in notices} == {("sms", "sent"), ("inapp", "sent")}


def test_every_reminder_kind_in_the_schedule_has_a_producer():
    from notices import registry
    from notices.schedule import REMINDERS, SCHEDULE

    kinds = {kind for _, task, kind, *_ in SCHEDULE if task == REMINDERS}
    assert kinds == set(registry.PRODUCERS)
    assert {task for _, task, *_ in SCHEDULE} <= set(app.tasks)


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_delivers_a_queued_notice_once(sms_file):
    """The notice is queued after commit, as the services do, and a worker on the
    configured broker (Redis or kombu's filesystem transport) sends it."""
    if django_settings.REDIS_URL:
        app.control.purge()
    notice = sms()  # notice_create queues its send task on commit
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            notice.refresh_from_db()
            if notice.state == State.SENT:
                break
            time.sleep(0.2)
    assert notice.state == State.SENT
    assert [m["text"] for m in sms_file()] == ["短信1"]
    assert notice.sent_at - notice.created_at < timedelta(seconds=30)
