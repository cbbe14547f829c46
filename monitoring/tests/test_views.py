from django.utils import timezone

from monitoring.models import Heartbeat


def test_health_reports_a_stale_worker(client, db):
    body = client.get("/healthz/").json()
    assert body["database"] == "ok" and body["worker"] == "stale"


def test_health_reports_a_live_worker(client, db):
    Heartbeat.objects.create(worker="celery@test", seen_at=timezone.now())
    assert client.get("/healthz/").json()["worker"] == "ok"
