"""The periodic tasks of notices in django-celery-beat (editable in the admin). A frozen
copy of notices/schedule.py, which `manage.py setup_schedule` applies."""

import json

from django.db import migrations

TIMEZONE = "Asia/Shanghai"
DISPATCH = "notices.tasks.notices_dispatch_task"
REMINDERS = "notices.tasks.reminders_task"
SCHEDULE = [
    ("notices: dispatch", DISPATCH, None, "*", "*", 60),
    ("notices: tests due tomorrow", REMINDERS, "test_due_tomorrow", "0", "8,20", None),
    ("notices: tests overdue", REMINDERS, "test_overdue", "0", "8,20", None),
    ("notices: follow-ups missing", REMINDERS, "followup_missing", "0", "18", None),
    ("notices: measures ending tomorrow", REMINDERS, "measure_ends_tomorrow", "0", "9", None),
    ("notices: appeals at 20 hours", REMINDERS, "appeal_20h", "*/15", "*", 900),
    ("notices: appeals overdue", REMINDERS, "appeal_overdue", "*/15", "*", 900),
    ("notices: street digest", REMINDERS, "street_digest", "30", "7", None),
]


def create_schedule(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, kind, minute, hour, expires in SCHEDULE:
        crontab, _ = CrontabSchedule.objects.get_or_create(
            minute=minute, hour=hour, day_of_week="*", day_of_month="*", month_of_year="*",
            timezone=TIMEZONE,
        )
        PeriodicTask.objects.get_or_create(
            name=name,
            defaults={
                "task": task,
                "crontab": crontab,
                "args": json.dumps([kind] if kind else []),
                "expire_seconds": expires,
            },
        )


def delete_schedule(apps, schema_editor):
    names = [entry[0] for entry in SCHEDULE]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0002_copy_alerts"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create_schedule, delete_schedule)]
