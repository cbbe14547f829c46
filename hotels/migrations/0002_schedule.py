"""The hotels' periodic tasks: placements ended (hourly), expired certificates off the
rosters (00:05 and hourly), the occupancy history (every 15 minutes)."""

from django.db import migrations

INTERVALS = [
    ("hotels: end placements whose quarantine is over", "hotels.tasks.placements_end_task", 60),
    ("hotels: take expired certificates off the rosters", "hotels.tasks.rosters_expire_task", 60),
    ("hotels: occupancy of the day", "hotels.tasks.occupancy_refresh_task", 15),
]


def create(apps, schema_editor):
    IntervalSchedule = apps.get_model("django_celery_beat", "IntervalSchedule")
    PeriodicTask = apps.get_model("django_celery_beat", "PeriodicTask")
    for name, task, minutes in INTERVALS:
        every, _ = IntervalSchedule.objects.get_or_create(every=minutes, period="minutes")
        PeriodicTask.objects.get_or_create(
            name=name, defaults={"task": task, "interval": every, "expire_seconds": minutes * 60}
        )


def delete(apps, schema_editor):
    names = [entry[0] for entry in INTERVALS]
    apps.get_model("django_celery_beat", "PeriodicTask").objects.filter(name__in=names).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("hotels", "0001_initial"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]

    operations = [migrations.RunPython(create, delete)]
