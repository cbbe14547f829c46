"""The daily reminder of boosters due (issue 16) (a frozen copy of its line in
notices/schedule.py)."""

import json

from django.db import migrations

ENTRY = (
    "notices: boosters due",
    "notices.tasks.reminders_task",
    "booster_due",
    "0",
    "10",
    None,
)
NAME = ENTRY[0]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="10", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "notices.tasks.reminders_task",
            "crontab": crontab,
            "args": json.dumps(["booster_due"]),
        },
    )


def delete(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0010_booster_due_kind"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, delete)]
