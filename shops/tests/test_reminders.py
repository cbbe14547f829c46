"""What shops gives notices (shops/reminders.py): the re-inspection reminder, the joint
group hears when a red placard's closure is over; the red shops in the street digest."""

from datetime import timedelta

from django.utils import timezone

from communities.models import GridTask, Resident
from notices import reminders as notices_reminders
from notices import texts
from notices.models import Notice
from notices.tests.factories import TODAY, appeal, pending_test
from notices.tests.test_reminders import TOMORROW, YESTERDAY, recipients, twice
from shops import reminders
from shops.models import Shop

from .conftest import at, first_share, inspect

Kind = Notice.Kind


def close_shop(sweep):
    shop = first_share(sweep)
    for day in (0, 3, 6):  # each failure after the last reminder's deadline
        inspect(sweep, shop, day=day, masks_worn=False)
    shop.refresh_from_db()
    assert shop.placard == "red"
    return shop


def test_the_group_is_reminded_once_on_the_due_day(sweep):
    shop = close_shop(sweep)  # red on day 6, due day 9
    assert reminders.shop_reinspection_due(now=at(8)) == 0
    assert reminders.shop_reinspection_due(now=at(9, hour=8)) == 3
    assert reminders.shop_reinspection_due(now=at(9, hour=9)) == 0  # once per closure
    assert reminders.shop_reinspection_due(now=at(10)) == 0  # still once while overdue
    notices = Notice.objects.filter(kind=Notice.Kind.SHOP_REINSPECTION_DUE)
    assert set(notices.values_list("recipient_id", flat=True)) == sweep["groups"][0].member_ids
    assert {n.channel for n in notices} == {"inapp"}
    assert notices.first().text == texts.staff_text(
        Notice.Kind.SHOP_REINSPECTION_DUE,
        shop=shop.name,
        address=shop.address,
        group=1,
        due=shop.reinspection_due,
    )


def test_a_failed_reinspection_brings_a_new_reminder_after_the_next_closure(sweep):
    shop = close_shop(sweep)
    reminders.shop_reinspection_due(now=at(9))
    inspect(sweep, shop, day=9, codes_checked=False)  # kept red: due day 12
    shop.refresh_from_db()
    assert shop.reinspection_due == shop.events.last().at.date() + timedelta(days=3)
    assert reminders.shop_reinspection_due(now=at(12)) == 3
    inspect(sweep, shop, day=12)
    assert Shop.objects.get(pk=shop.pk).placard == "green"
    assert reminders.shop_reinspection_due(now=at(13)) == 0


def test_the_text_is_in_chinese(sweep):
    close_shop(sweep)
    reminders.shop_reinspection_due(now=at(9))
    assert "红牌" in Notice.objects.filter(kind=Notice.Kind.SHOP_REINSPECTION_DUE).first().text


def test_each_street_supervisor_gets_the_counts_of_their_street(world):
    residents, users, nodes = world["residents"], world["users"], world["nodes"]
    now = timezone.now()
    Resident.objects.filter(pk=residents["grid_b"].pk).update(code="yellow")
    appeal(residents["grid_a"], filed=now - timedelta(hours=2))  # turns red too
    pending_test(residents["grid_a"], due=YESTERDAY)
    pending_test(residents["grid_b"], due=TODAY)  # not overdue
    pending_test(residents["other_grid"], due=YESTERDAY)
    GridTask.objects.create(
        kind=GridTask.Kind.VERIFY_PUSH,
        community=nodes["community"],
        due_at=now - timedelta(hours=1),
    )
    GridTask.objects.create(
        kind=GridTask.Kind.VERIFY_PUSH,
        community=nodes["community"],
        due_at=now + timedelta(hours=1),
    )
    closed = {"placard": "red", "state": "closed"}
    Shop.objects.filter(pk=world["shops"]["grid_a"].pk).update(**closed, reinspection_due=TODAY)
    Shop.objects.filter(pk=world["shops"]["grid_b"].pk).update(**closed, reinspection_due=TOMORROW)
    assert twice(notices_reminders.street_digest, now=now) == 4
    assert recipients(Kind.STREET_DIGEST) == {
        ("inapp", users["street_supervisor"].username),
        ("email", users["street_supervisor"].username),
        ("inapp", users["outsider_supervisor"].username),
        ("email", users["outsider_supervisor"].username),
    }
    mine = Notice.objects.get(recipient=users["street_supervisor"], channel="inapp")
    assert mine.text == texts.staff_text(
        Kind.STREET_DIGEST,
        street="小店街道",
        day=TODAY,
        red=1,
        yellow=1,
        tests=1,
        appeals=1,
        tasks=1,
        red_shops=2,
        shops_due=1,
    )
    theirs = Notice.objects.get(recipient=users["outsider_supervisor"], channel="inapp")
    assert theirs.text == texts.staff_text(
        Kind.STREET_DIGEST,
        street="尖草坪街道",
        day=TODAY,
        red=0,
        yellow=0,
        tests=1,
        appeals=0,
        tasks=0,
        red_shops=0,
        shops_due=0,
    )
