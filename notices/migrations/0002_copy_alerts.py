"""Carry communities' in-app alerts over to notices (anomalies, already delivered), before
communities 0007_remove_alert drops their table."""

from django.db import migrations

BATCH = 1000


def copy_alerts(apps, schema_editor):
    Alert = apps.get_model("communities", "Alert")
    Notice = apps.get_model("notices", "Notice")
    # Keep each alert's own time: the historical field stops stamping "now" meanwhile.
    created_at = Notice._meta.get_field("created_at")
    created_at.auto_now_add = False
    try:
        _copy(Alert, Notice)
    finally:
        created_at.auto_now_add = True


def _copy(Alert, Notice):
    last = 0
    while True:
        alerts = list(Alert.objects.filter(pk__gt=last).order_by("pk")[:BATCH])
        if not alerts:
            return
        Notice.objects.bulk_create(
            [
                Notice(
                    recipient_id=alert.recipient_id,
                    resident_id=alert.resident_id,
                    kind="anomaly",
                    channel="inapp",
                    state="sent",
                    attempts=1,
                    text=alert.text,
                    dedupe_key=f"alert:{alert.pk}",
                    created_at=alert.created_at,
                    next_attempt_at=alert.created_at,
                    sent_at=alert.created_at,
                    read_at=alert.read_at,
                )
                for alert in alerts
            ],
            ignore_conflicts=True,
        )
        last = alerts[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("notices", "0001_initial"),
        ("communities", "0006_nightly_release_schedule"),
    ]

    operations = [migrations.RunPython(copy_alerts, migrations.RunPython.noop)]
