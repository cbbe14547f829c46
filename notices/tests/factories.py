from datetime import timedelta

from django.utils import timezone

from communities.models import Appeal, ControlMeasure, NucleicAcidTest, Resident
from notices.models import Notice

TODAY = timezone.localdate()
TOMORROW = TODAY + timedelta(days=1)


def pending_test(resident, *, due, kind="landing") -> NucleicAcidTest:
    return NucleicAcidTest.objects.create(resident=resident, kind=kind, due=due)


def measure(resident, *, start, days, rule="R3") -> ControlMeasure:
    Resident.objects.filter(pk=resident.pk).update(code="red", code_rule=rule)
    end = start + timedelta(days=days - 1)
    return ControlMeasure.objects.create(
        resident=resident,
        rule=rule,
        phases=[{"kind": "home_quarantine", "days": days}],
        start=start,
        end=end,
        release_due=end + timedelta(days=1),
    )


def appeal(resident, *, filed, state=Appeal.State.FILED) -> Appeal:
    Resident.objects.filter(pk=resident.pk).update(code="red", code_rule="R3")
    return Appeal.objects.create(
        resident=resident,
        source=Appeal.Source.SELF,
        reason="误赋码",
        evidence="appeals/report.png",
        code_at_filing="red",
        state=state,
        created_at=filed,
        due_at=filed + timedelta(hours=24),
    )


def inapp(user, *, text="异常：体温38.2", state=Notice.State.SENT, key=None, **fields) -> Notice:
    return Notice.objects.create(
        recipient=user,
        kind=fields.pop("kind", Notice.Kind.ANOMALY),
        channel=Notice.Channel.INAPP,
        text=text,
        state=state,
        dedupe_key=key or f"test:{user.pk}:{text}:{Notice.objects.count()}",
        **fields,
    )
