from django.db import transaction
from django.db.models import F
from django.utils import timezone

from .models import Heartbeat


@transaction.atomic
def heartbeat_record(*, worker: str) -> Heartbeat:
    """Note that `worker` is alive now (one row per worker, counted)."""
    now = timezone.now()
    beat, created = Heartbeat.objects.get_or_create(
        worker=worker, defaults={"seen_at": now, "beats": 1}
    )
    if not created:
        Heartbeat.objects.filter(pk=beat.pk).update(seen_at=now, beats=F("beats") + 1)
        beat.refresh_from_db()
    return beat
