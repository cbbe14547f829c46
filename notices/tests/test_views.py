"""The in-app inbox: only the recipient sees and marks their notices; the badge counts
the unread ones."""

import pytest
from django.urls import reverse

from notices.models import Notice

from .factories import inapp

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def inbox(world):
    users = world["users"]
    return {
        "unread": inapp(
            users["street_supervisor"], text="异常：体温38.2", resident=world["residents"]["grid_a"]
        ),
        "read": inapp(users["street_supervisor"], text="已读的提醒", read_at="2022-03-28T08:00Z"),
        "pending": inapp(users["street_supervisor"], text="尚未送达", state="pending"),
        "email": Notice.objects.create(
            recipient=users["street_supervisor"],
            kind="street_digest",
            channel="email",
            text="邮件晨报",
            state="sent",
            dedupe_key="digest:email",
        ),
        "theirs": inapp(users["outsider_supervisor"], text="别处的提醒"),
    }


def test_the_recipient_sees_their_delivered_in_app_notices_unread_highlighted(client, world, inbox):
    client.force_login(world["users"]["street_supervisor"])
    html = client.get(reverse("notices:notice-list")).content.decode()
    assert "体温38.2" in html and "已读的提醒" in html
    assert "尚未送达" not in html and "邮件晨报" not in html and "别处的提醒" not in html
    assert html.count('data-testid="unread"') == 1
    assert html.count("list-group-item-warning") == 1
    resident = world["residents"]["grid_a"]
    assert reverse("communities:resident-detail", args=[resident.pk]) in html


def test_an_outsider_sees_nothing_and_cannot_mark_anothers_notice(client, world, inbox):
    client.force_login(world["users"]["outsider_supervisor"])
    page = client.get(reverse("notices:notice-list")).context["page"]
    assert [n.text for n in page] == ["别处的提醒"]
    for pk in (inbox["unread"].pk, "x1"):
        response = client.post(reverse("notices:notice-read"), {"pk": pk})
        assert response.status_code == 404
    inbox["unread"].refresh_from_db()
    assert inbox["unread"].read_at is None


def test_the_badge_counts_unread_notices_and_disappears_when_all_are_read(client, world, inbox):
    client.force_login(world["users"]["street_supervisor"])
    badge = client.get(reverse("notices:notice-count")).content.decode()
    assert 'data-testid="notice-count">1<' in badge
    response = client.post(reverse("notices:notice-read"))
    assert response.status_code == 302 and response.url == reverse("notices:notice-list")
    assert "notice-count" not in client.get(reverse("notices:notice-count")).content.decode()
    inbox["theirs"].refresh_from_db()
    assert inbox["theirs"].read_at is None


def test_marking_one_read_from_htmx_answers_with_its_row_and_refreshes_the_badge(
    client, world, inbox
):
    client.force_login(world["users"]["street_supervisor"])
    other = inapp(world["users"]["street_supervisor"], text="另一条")
    response = client.post(reverse("notices:notice-read"), {"pk": inbox["unread"].pk}, **HTMX)
    html = response.content.decode()
    assert response["HX-Trigger"] == "notices-read"
    assert html.strip().startswith(f'<li id="notice-{inbox["unread"].pk}"')
    assert "体温38.2" in html and 'data-testid="unread"' not in html
    other.refresh_from_db()
    assert other.read_at is None


def test_marking_all_read_from_htmx_answers_with_the_list(client, world, inbox):
    client.force_login(world["users"]["street_supervisor"])
    response = client.post(reverse("notices:notice-read"), **HTMX)
    html = response.content.decode()
    assert html.strip().startswith('<div id="notices">') and "<html" not in html
    assert 'data-testid="unread"' not in html


def test_the_inbox_and_badge_are_pinned_in_queries(client, world, inbox, django_assert_num_queries):
    user = world["users"]["street_supervisor"]
    for n in range(20):
        inapp(user, text=f"提醒{n}", resident=world["residents"]["grid_a"])
    client.force_login(user)
    with django_assert_num_queries(4):  # session, user, count, page (with residents)
        response = client.get(reverse("notices:notice-list"))
    assert len(response.context["page"]) == 22
    with django_assert_num_queries(3):  # session, user, count
        client.get(reverse("notices:notice-count"))


def test_the_navigation_bar_links_the_inbox_and_its_badge(client, world):
    client.force_login(world["users"]["grid_worker"])
    html = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("notices:notice-list")}"' in html
    assert f'hx-get="{reverse("notices:notice-count")}"' in html


def test_anonymous_is_sent_to_sign_in(client, db):
    response = client.get(reverse("notices:notice-list"))
    assert response.status_code == 302 and "login" in response.url
