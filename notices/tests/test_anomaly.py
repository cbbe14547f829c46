"""An anomaly alerts the street and the district at once: in-app notices, dispatched after
commit, that arrive in their inboxes."""

from datetime import timedelta
from decimal import Decimal

from django.urls import reverse

from communities import services as communities_services
from communities.models import Anomaly
from notices.models import Notice

from .factories import TODAY, measure


def fever(world):
    resident = world["residents"]["grid_a"]
    measure(resident, start=TODAY - timedelta(days=2), days=7)
    communities_services.followup_record(
        resident=resident,
        day=TODAY,
        temperature=Decimal("38.2"),
        symptoms=[],
        note="",
        by=world["users"]["grid_worker"],
    )
    return resident


def test_an_anomaly_creates_in_app_notices_for_the_community_street_and_district(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        resident = fever(world)
    anomaly = Anomaly.objects.get()
    users = world["users"]
    notices = Notice.objects.order_by("recipient_id")
    assert [(n.recipient, n.kind, n.channel, n.state, n.resident) for n in notices] == [
        (users[role], "anomaly", "inapp", "pending", resident)
        for role in ("community_staff", "street_supervisor", "district_office")
    ]
    assert {n.dedupe_key for n in notices} == {
        f"anomaly:{anomaly.pk}:{users[role].pk}"
        for role in ("community_staff", "street_supervisor", "district_office")
    }
    assert len(callbacks) == 1  # one dispatch queued after commit


def test_the_anomaly_arrives_in_the_supervisors_inbox_and_nowhere_else(
    client, world, eager, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        fever(world)
    assert set(Notice.objects.values_list("state", flat=True)) == {"sent"}
    client.force_login(world["users"]["street_supervisor"])
    assert ">1<" in client.get(reverse("notices:notice-count")).content.decode()
    assert "38.2" in client.get(reverse("notices:notice-list")).content.decode()
    for outsider in ("outsider_supervisor", "grid_worker", "city_office"):
        client.force_login(world["users"][outsider])
        assert list(client.get(reverse("notices:notice-list")).context["page"]) == []


def test_the_alert_is_stored_in_chinese_whatever_the_recorders_language(world):
    """The supervisors read it later, in the portal's language (notices.texts)."""
    from django.utils import translation

    with translation.override("en"):
        fever(world)
    text = Notice.objects.filter(kind="anomaly").first().text
    assert text.startswith("异常") and "Anomaly" not in text
