import json

from django.core.management.base import BaseCommand
from django.db import transaction
from django_celery_beat.models import CrontabSchedule, PeriodicTask

from notices.schedule import SCHEDULE, TIMEZONE


class Command(BaseCommand):
    help = (
        "Create the periodic tasks of notices in django-celery-beat. Idempotent: a task that "
        "exists (perhaps edited in the admin) is kept unless --reset is given."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Restore the schedule, task and arguments of existing periodic tasks too.",
        )

    @transaction.atomic
    def handle(self, *args, reset=False, **options):
        created = restored = 0
        for name, task, kind, minute, hour, expires in SCHEDULE:
            crontab, _ = CrontabSchedule.objects.get_or_create(
                minute=minute,
                hour=hour,
                day_of_week="*",
                day_of_month="*",
                month_of_year="*",
                timezone=TIMEZONE,
            )
            fields = {
                "task": task,
                "crontab": crontab,
                "interval": None,
                "args": json.dumps([kind] if kind else []),
                "expire_seconds": expires,
                "enabled": True,
            }
            periodic, new = PeriodicTask.objects.get_or_create(name=name, defaults=fields)
            if new:
                created += 1
            elif reset:
                for field, value in fields.items():
                    setattr(periodic, field, value)
                periodic.save()
                restored += 1
        self.stdout.write(
            f"setup_schedule: {created} created, {restored} restored, "
            f"{len(SCHEDULE) - created - restored} kept as they are."
        )
