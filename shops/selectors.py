"""Reads of the street sweep. Callers pass querysets already scoped by communities.access."""

from dataclasses import dataclass, field
from datetime import date

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import TruncDate

from communities import selectors as communities_selectors

from .models import Assignment, Campaign, Inspection, JointGroup, Placard, Shop, ShopEvent


def shop_list(shops: QuerySet[Shop]) -> QuerySet[Shop]:
    """Shops with their grid, community and street, and the day of their last inspection."""
    return shops.select_related("grid__parent__parent").annotate(
        last_inspected=Max("inspections__inspected_at")
    )


def campaign_target(campaign: Campaign) -> QuerySet[Shop]:
    """The shops a campaign sweeps: those of its roads, or every shop of its street."""
    shops = Shop.objects.filter(grid__path__startswith=campaign.street.path)
    return shops.filter(road__in=campaign.roads) if campaign.roads else shops


def _inspected_in(campaign: Campaign):
    return Exists(Inspection.objects.filter(campaign=campaign, shop=OuterRef("pk")))


# Inspections recorded without changing the shop: before a reminder's deadline, or not the
# first of the day (rules.inspection_result).
UNCHANGED = (Inspection.Outcome.IN_PERIOD, Inspection.Outcome.REPEAT)


@dataclass
class Progress:
    """The street supervisor's view of a campaign."""

    total: int
    inspected: int
    unassigned: int
    green: int
    reminder: int
    red: int
    groups: list[dict] = field(default_factory=list)
    roads: list[dict] = field(default_factory=list)
    red_due: list[Shop] = field(default_factory=list)
    days: list[dict] = field(default_factory=list)


def campaign_progress(campaign: Campaign, today: date, *, visible: QuerySet[Shop]) -> Progress:
    """Counts for the whole campaign, per group and per road, the red shops due for
    re-inspection among `visible` (the viewer's, from access.shops_for: a group member
    sees only their share by name), and the inspections per day by outcome; a fixed
    number of queries."""
    target = campaign_target(campaign).annotate(
        done=_inspected_in(campaign),
        assigned=Exists(Assignment.objects.filter(campaign=campaign, shop=OuterRef("pk"))),
    )
    totals = target.aggregate(
        total=Count("pk"),
        inspected=Count("pk", filter=Q(done=True)),
        green=Count("pk", filter=Q(placard=Placard.GREEN)),
        red=Count("pk", filter=Q(placard=Placard.RED)),
        reminder=Count("pk", filter=Q(placard=Placard.NONE, reminders__gt=0)),
        unassigned=Count("pk", filter=Q(assigned=False)),
    )
    done = Exists(Inspection.objects.filter(campaign=campaign, shop=OuterRef("shop_id")))
    groups = list(
        Assignment.objects.filter(campaign=campaign)
        .annotate(done=done)
        .values("group_id", "group__number")
        .annotate(
            total=Count("pk"),
            inspected=Count("pk", filter=Q(done=True)),
            green=Count("pk", filter=Q(shop__placard=Placard.GREEN)),
            red=Count("pk", filter=Q(shop__placard=Placard.RED)),
        )
        .order_by("group__number")
    )
    roads = list(
        target.values("road")
        .annotate(total=Count("pk"), inspected=Count("pk", filter=Q(done=True)))
        .order_by("road")
    )
    red_due = list(
        target.filter(pk__in=visible.values("pk"), placard=Placard.RED, reinspection_due__lte=today)
        .select_related("grid__parent")
        .order_by("reinspection_due", "pk")
    )
    days = list(
        Inspection.objects.filter(campaign=campaign)
        .annotate(day=TruncDate("inspected_at"))
        .values("day")
        .annotate(
            total=Count("pk"),
            green=Count("pk", filter=Q(outcome=Inspection.Outcome.GREEN)),
            reminder=Count("pk", filter=Q(outcome=Inspection.Outcome.REMINDER)),
            red=Count("pk", filter=Q(outcome=Inspection.Outcome.RED)),
            recorded=Count("pk", filter=Q(outcome__in=UNCHANGED)),
        )
        .order_by("day")
    )
    return Progress(**totals, groups=groups, roads=roads, red_due=red_due, days=days)


# Urgency on a group's list: re-inspections due, reminders past their deadline (the day
# after it, when a failure counts again: rules.deadline_running), shops not yet seen in
# this campaign, then the rest.
RED_DUE, REMINDER_DUE, NOT_SEEN, WAITING, DONE = range(5)


def shares_open(today: date) -> Q:
    """The shares a group works on today (a filter on Assignment): those of a running
    campaign and, for a shop under a red placard, of any campaign begun (the group comes
    back to re-inspect even after the month is over)."""
    begun = Q(campaign__starts_on__lte=today)
    return begun & (Q(campaign__ends_on__gte=today) | Q(shop__placard=Placard.RED))


def _group_shares(groups: QuerySet[JointGroup], today: date) -> QuerySet[Assignment]:
    """The shares `groups` work on today, each with whether it was inspected in its
    campaign (`seen`)."""
    seen = Exists(
        Inspection.objects.filter(campaign=OuterRef("campaign_id"), shop=OuterRef("shop_id"))
    )
    return (
        Assignment.objects.filter(group__in=groups).filter(shares_open(today)).annotate(seen=seen)
    )


def group_worklist(groups: QuerySet[JointGroup], today: date) -> QuerySet[Assignment]:
    """The shares of `groups` (the user's), most urgent first, each with its shop and
    group, whether it was inspected in its campaign and the urgency above."""
    return (
        _group_shares(groups, today)
        .select_related("shop__grid__parent", "group", "campaign")
        .annotate(
            urgency=Case(
                When(
                    shop__placard=Placard.RED,
                    shop__reinspection_due__lte=today,
                    then=Value(RED_DUE),
                ),
                When(shop__placard=Placard.RED, then=Value(WAITING)),
                When(shop__rectify_by__lt=today, then=Value(REMINDER_DUE)),
                When(seen=False, then=Value(NOT_SEEN)),
                default=Value(DONE),
                output_field=IntegerField(),
            ),
        )
        .order_by("urgency", "shop__road", "shop__address", "pk")
    )


def sweep_filters(today: date) -> dict[str, Q]:
    """The counts of a group's sweep, each a filter on group_worklist's rows: shops of a
    running campaign not yet inspected in it, shops under a rectification reminder, under
    a red placard, and red ones due for re-inspection today or before."""
    return {
        "to_inspect": Q(seen=False, campaign__ends_on__gte=today),
        "reminded": Q(shop__rectify_by__isnull=False),
        "red": Q(shop__placard=Placard.RED),
        "red_due": Q(shop__placard=Placard.RED, shop__reinspection_due__lte=today),
    }


def sweep_summary(groups: QuerySet[JointGroup], today: date) -> dict[str, int]:
    """The rows of `groups`' worklist and each count of sweep_filters; one query."""
    filters = sweep_filters(today)
    return _group_shares(groups, today).aggregate(
        total=Count("pk"), **{key: Count("pk", filter=q) for key, q in filters.items()}
    )


def shop_timeline(shop: Shop) -> QuerySet[ShopEvent]:
    return shop.events.select_related("by", "inspection__group").order_by("at", "pk")


def shop_inspections(shop: Shop) -> QuerySet[Inspection]:
    return shop.inspections.select_related("inspector", "group", "campaign").order_by(
        "-inspected_at", "-pk"
    )


def shop_counted_inspection(shop: Shop, day: date) -> Inspection | None:
    """The inspection of `shop` that counted on the local `day` (its first), or None."""
    return (
        shop.inspections.filter(inspected_at__date=day)
        .exclude(outcome=Inspection.Outcome.REPEAT)
        .order_by("inspected_at", "pk")
        .first()
    )


def shop_last_inspection(shop: Shop) -> Inspection | None:
    return shop.inspections.select_related("group").order_by("-inspected_at", "-pk").first()


def shop_public() -> QuerySet[Shop]:
    """Shops as the public status page finds them: by the unguessable id printed in the
    placard's QR code, for anyone (the page shows no personal data)."""
    return Shop.objects.select_related("grid__parent__parent")


def inspection_list(
    inspections: QuerySet[Inspection],
    *,
    outcome: str = "",
    day: date | None = None,
    campaign: Campaign | None = None,
) -> QuerySet[Inspection]:
    """`inspections` (the user's, from access.inspections_for) narrowed by outcome, local
    day of inspection and campaign, the latest first, with what a row shows."""
    if outcome in Inspection.Outcome.values:
        inspections = inspections.filter(outcome=outcome)
    if day is not None:
        start, end = communities_selectors.day_bounds(day)
        inspections = inspections.filter(inspected_at__gte=start, inspected_at__lt=end)
    if campaign is not None:
        inspections = inspections.filter(campaign=campaign)
    return inspections.select_related(
        "shop__grid__parent", "group", "inspector", "campaign"
    ).order_by("-inspected_at", "-pk")
