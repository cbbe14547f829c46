"""The admin: failed notices are one filter away, and can be sent again."""

from django.urls import reverse

from notices.models import Notice

from .factories import inapp


def test_failed_notices_are_listed_by_state_and_can_be_sent_again(client, world):
    failed = inapp(world["users"]["district_office"], text="邮件未发出", state="failed", attempts=5)
    failed.last_error = "The recipient has no e-mail address."
    failed.save()
    inapp(world["users"]["district_office"], text="已送达")
    client.force_login(world["users"]["admin"])
    url = reverse("admin:notices_notice_changelist")
    html = client.get(url, {"state__exact": "failed"}).content.decode()
    assert "The recipient has no e-mail address." in html and "已送达" not in html
    response = client.post(
        url, {"action": "send_again", "_selected_action": [failed.pk]}, follow=True
    )
    assert response.status_code == 200
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (Notice.State.PENDING, 0)
