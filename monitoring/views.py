from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import JsonResponse
from django.utils import timezone

from .models import Heartbeat

# Beat queues the heartbeat every minute; three missed beats mean no worker is running.
WORKER_STALE_AFTER = timedelta(minutes=3)


def healthz(request):
    """For the office's monitoring: database reachable, when a worker last ran a task."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        database = "ok"
        last = Heartbeat.objects.order_by("-seen_at").values_list("seen_at", flat=True).first()
    except DatabaseError:
        database, last = "unreachable", None
    worker_ok = last is not None and timezone.now() - last < WORKER_STALE_AFTER
    body = {
        "database": database,
        "broker": "redis" if settings.REDIS_URL else "filesystem",
        "worker_last_seen": last.isoformat() if last else None,
        "worker": "ok" if worker_ok else "stale",
    }
    return JsonResponse(body, status=200 if database == "ok" else 503)
