"""The re-inspection reminder: the joint group hears when a red placard's closure is over."""

from datetime import timedelta

from notices import reminders, texts
from notices.models import Notice
from shops.models import Shop
from shops.tests.conftest import at, first_share, inspect, sweep, world  # noqa: F401


def close_shop(sweep):  # noqa: F811
    shop = first_share(sweep)
    for day in (0, 3, 6):  # each failure after the last reminder's deadline
        inspect(sweep, shop, day=day, masks_worn=False)
    shop.refresh_from_db()
    assert shop.placard == "red"
    return shop


def test_the_group_is_reminded_once_on_the_due_day(sweep):  # noqa: F811
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


def test_a_failed_reinspection_brings_a_new_reminder_after_the_next_closure(sweep):  # noqa: F811
    shop = close_shop(sweep)
    reminders.shop_reinspection_due(now=at(9))
    inspect(sweep, shop, day=9, codes_checked=False)  # kept red: due day 12
    shop.refresh_from_db()
    assert shop.reinspection_due == shop.events.last().at.date() + timedelta(days=3)
    assert reminders.shop_reinspection_due(now=at(12)) == 3
    inspect(sweep, shop, day=12)
    assert Shop.objects.get(pk=shop.pk).placard == "green"
    assert reminders.shop_reinspection_due(now=at(13)) == 0


def test_the_text_is_in_chinese(sweep):  # noqa: F811
    close_shop(sweep)
    reminders.shop_reinspection_due(now=at(9))
    assert "红牌" in Notice.objects.filter(kind=Notice.Kind.SHOP_REINSPECTION_DUE).first().text
