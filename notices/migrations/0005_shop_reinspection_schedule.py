"""The daily reminder of shops due for re-inspection (a frozen copy of its line in
notices/schedule.py)."""

import json

from django.db import migrations

ENTRY = (
    "notices: shop re-inspections due",
    "notices.tasks.reminders_task",
    "shop_reinspection_due",
    "0",
    "8",
    None,
)
NAME = ENTRY[0]


def create(apps, schema_editor):
    CrontabSchedule = apps.get_model("django_celery_beat", "CrontabSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    crontab, _ = CrontabSchedule.objects.get_or_create(
        minute="0", hour="8", day_of_week="*", day_of_month="*", month_of_year="*",
        timezone="Asia/Shanghai",
    )
    PeriodicTask.objects.get_or_create(
        name=NAME,
        defaults={
            "task": "notices.tasks.reminders_task",
            "crontab": crontab,
            "args": json.dumps(["shop_reinspection_due"]),
        },
    )


def delete(apps, schema_editor):
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name=NAME).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0004_codes_changed_kind"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, delete)]
