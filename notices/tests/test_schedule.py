"""The periodic tasks in django-celery-beat: created by the migration and by
`setup_schedule`, idempotently, keeping what the admin edited."""

import importlib
import json

from django.apps import apps
from django.core.management import call_command
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notices.schedule import SCHEDULE

migration = importlib.import_module("notices.migrations.0003_schedule")
later = importlib.import_module("notices.migrations.0005_shop_reinspection_schedule")
boosters = importlib.import_module("notices.migrations.0011_booster_due_schedule")
NAMES = {entry[0] for entry in SCHEDULE}


def notice_tasks():
    return PeriodicTask.objects.filter(name__in=NAMES).select_related("crontab")


def test_the_migration_holds_the_same_schedule_as_the_command():
    assert [*migration.SCHEDULE, later.ENTRY, boosters.ENTRY] == SCHEDULE


def test_the_migration_creates_each_periodic_task_once(db):
    notice_tasks().delete()
    for _ in range(2):
        migration.create_schedule(apps, None)
        later.create(apps, None)
        boosters.create(apps, None)
    assert notice_tasks().count() == len(SCHEDULE)
    digest = notice_tasks().get(name__contains="street digest")
    assert (digest.crontab.minute, digest.crontab.hour, str(digest.crontab.timezone)) == (
        "30",
        "7",
        "Asia/Shanghai",
    )
    assert json.loads(digest.args) == ["street_digest"]


def test_setup_schedule_is_idempotent_and_keeps_admin_edits_unless_reset(db, capsys):
    notice_tasks().delete()
    call_command("setup_schedule")
    call_command("setup_schedule")
    assert notice_tasks().count() == len(SCHEDULE)
    assert "0 created, 0 restored, 10 kept" in capsys.readouterr().out
    digest = notice_tasks().get(name__contains="street digest")
    digest.crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="7", timezone="Asia/Shanghai"
    )
    digest.save()
    call_command("setup_schedule")
    assert notice_tasks().get(pk=digest.pk).crontab.minute == "0"
    call_command("setup_schedule", "--reset")
    assert notice_tasks().get(pk=digest.pk).crontab.minute == "30"
    dispatch = notice_tasks().get(name__contains="dispatch")
    assert (dispatch.crontab.minute, dispatch.crontab.hour, dispatch.expire_seconds) == (
        "*",
        "*",
        60,
    )
