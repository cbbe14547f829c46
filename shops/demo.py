"""What seed_demo builds of shops: the register's shops along the demo's roads, and the
street sweep, the campaign of 小店街道 on four main roads, two joint groups, and a few
days already done so that every page has something to show."""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from communities import demo as communities_demo
from communities.models import Jurisdiction, User

from . import rules, services
from .models import Campaign, Shop

DEMO_SHOPS = 120
CHUNK = 20_000
SHOP_NAMES = {
    "pharmacy": "大药房",
    "restaurant": "面馆",
    "supermarket": "便利超市",
    "clothing": "服装店",
    "barber": "美发店",
    "hotel": "快捷酒店",
    "other": "五金店",
}

TITLE = "小店街道疫情防控扫街行动"
ROADS = ["通达街", "小店路", "太榆路", "坞城路"]
# (grid worker, market supervision, law enforcement) of each group, by username
GROUPS = [("grid", "inspector", "enforcer"), ("grid3", "market2", "enforcer2")]
STARTED_DAYS_AGO = 10  # or earlier, if the red shop's failures need more days
GREEN_SHOPS = 6  # shops of group 1 already passed, after the two below
RED_FAILURES = ("venue_code_used", "supplies_in_place", "temperature_taken")


def demo_shops_add(*, total: int) -> int:
    """Shops 1..total in 小店街道's grids along the demo's roads, those not there yet (a
    shop is unique by grid, name and address); returns how many were added."""
    street = Jurisdiction.objects.get(name="小店街道")
    grid_ids = list(
        Jurisdiction.objects.filter(level=Jurisdiction.Level.GRID, path__startswith=street.path)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    kinds = list(Shop.Kind.values)
    before = Shop.objects.count()
    rows = []
    for j in range(total):
        kind = kinds[j % len(kinds)]
        road = communities_demo.ROADS[j % len(communities_demo.ROADS)]
        rows.append(
            Shop(
                name=f"{road}{SHOP_NAMES[kind]}{j + 1}号店",
                address=f"{road}{j + 1}号",
                road=road,
                grid_id=grid_ids[j % len(grid_ids)],
                kind=kind,
                contact_phone=f"1{5 + j % 4}{j:09d}",
                venue_code_posted=j % 3 != 0,
            )
        )
        if len(rows) == CHUNK:
            Shop.objects.bulk_create(rows, ignore_conflicts=True)
            rows = []
    Shop.objects.bulk_create(rows, ignore_conflicts=True)
    return Shop.objects.count() - before


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _answers(**failed) -> dict[str, bool]:
    return {item: failed.get(item, True) for item in rules.CHECKS}


def demo_campaign_build(*, today: date) -> Campaign | None:
    """The demo campaign, once (None when it is there already). Group 1's share, in road
    order: the first shop was reminded once and its deadline passed yesterday (its next
    failure is its second reminder; a failure after that one's deadline, the red placard);
    the second failed on the first day after each reminder's deadline until the red
    placard, posted the closure's days ago: it is due for re-inspection today; the next
    ones passed."""
    street = Jurisdiction.objects.get(name="小店街道", level=Jurisdiction.Level.STREET)
    if Campaign.objects.filter(street=street, title=TITLE).exists():
        return None
    users = {u.username: u for u in User.objects.filter(username__in=[*sum(GROUPS, ()), "street"])}
    limits = services.limits()
    counts_again = timedelta(days=limits.rectify_days + 1)  # rules.deadline_running
    red_day = today - timedelta(days=limits.closure_days)
    red_days = [red_day - counts_again * k for k in range(limits.max_reminders, -1, -1)]
    start = min(today - timedelta(days=STARTED_DAYS_AGO), red_days[0])
    campaign = services.campaign_create(
        street=street, title=TITLE, starts_on=start, roads=ROADS, by=users["street"]
    )
    groups = [
        services.group_create(
            campaign=campaign,
            grid_worker=users[worker],
            market_officer=users[market],
            enforcement_officer=users[enforcer],
        )
        for worker, market, enforcer in GROUPS
    ]
    services.shares_split_by_road(campaign=campaign)
    share = list(
        Shop.objects.filter(assignments__group=groups[0]).order_by("road", "address", "pk")
    )
    worker, market, enforcer = (users[name] for name in GROUPS[0])
    visits = []  # (shop, who, day, failed items)
    if share:
        visits.append((share[0], market, today - counts_again, {"masks_worn": False}))
    if len(share) > 1:
        members = (worker, market, enforcer)
        visits += [
            (share[1], members[k % 3], day, {RED_FAILURES[k % 3]: False})
            for k, day in enumerate(red_days)
        ]
    for k, shop in enumerate(share[2 : 2 + GREEN_SHOPS]):
        visits.append((shop, worker, start + timedelta(days=k % STARTED_DAYS_AGO), {}))
    for shop, who, day, failed in sorted(visits, key=lambda v: v[2]):
        services.inspection_record(shop=shop, by=who, answers=_answers(**failed), now=_at(day, 10))
    return campaign
