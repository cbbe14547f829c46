"""What shops gives notices to run: the re-inspection reminder, and the red shops in each
street supervisor's morning digest. Registered with notices (notices.registry) when
ShopsConfig.ready imports this module; built like notices' own producers
(notices/reminders.py), from the pieces that module shares."""

from datetime import date, datetime

from django.db.models import Count, Q
from django.utils import timezone

from notices import registry, services, texts
from notices.models import Notice
from notices.reminders import STREET, batches, day_start, per_street, staff

from . import selectors
from .models import Assignment, Shop

Kind = Notice.Kind
Channel = Notice.Channel


@registry.producer(Kind.SHOP_REINSPECTION_DUE)
def shop_reinspection_due(*, now: datetime | None = None) -> int:
    """Red placards whose closure is over (停业整改3天): the three members of the joint group
    whose share holds the shop, in the inbox, once per closure."""
    today = timezone.localdate(now)
    red = Shop.objects.filter(placard=Shop.Placard.RED, reinspection_due__lte=today)
    created = 0
    for batch in batches(red):
        groups = {}  # the shop's latest share: the group that closed it comes back
        shares = (
            Assignment.objects.filter(shop__in=batch)
            .filter(selectors.shares_open(today))
            .select_related("group")
            .order_by("shop_id", "-campaign__starts_on", "-pk")
        )
        for share in shares:
            groups.setdefault(share.shop_id, share.group)
        notices = []
        for shop in batch:
            group = groups.get(shop.pk)
            if group is None:
                continue
            key = f"shop-reinspection:{shop.pk}:{shop.reinspection_due.isoformat()}"
            text = texts.staff_text(
                Kind.SHOP_REINSPECTION_DUE,
                shop=shop.name,
                address=shop.address,
                group=group.number,
                due=shop.reinspection_due,
            )
            due_at = day_start(shop.reinspection_due)
            notices += [
                staff(Kind.SHOP_REINSPECTION_DUE, uid, Channel.INAPP, key, text, due_at)
                for uid in sorted(group.member_ids)
            ]
        created += services.notices_create(notices=notices, dispatch=False)
    return created


@registry.digest_figures("red_shops", "shops_due")
def red_shops_per_street(streets: set[int], today: date) -> dict[int, dict[str, int]]:
    """The shops under a red placard in each street, and how many of them are due for
    re-inspection; one grouped query."""
    return per_street(
        Shop.objects.filter(**{f"{STREET}__in": streets}, placard=Shop.Placard.RED),
        STREET,
        red_shops=Count("pk"),
        shops_due=Count("pk", filter=Q(reinspection_due__lte=today)),
    )
