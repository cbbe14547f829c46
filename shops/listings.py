"""The shops' lists as their pages filter them: `(user, params)` to what the page shows,
called by the page and by its export (shops/exports.py)."""

from datetime import date

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils import timezone

from communities import listings as communities_listings
from communities import selectors as communities_selectors
from communities.models import Jurisdiction

from . import access, selectors
from .forms_campaigns import ShopFilterForm
from .models import Campaign, Inspection, Shop


def shop_filter(user, params: QueryDict) -> tuple[ShopFilterForm, QuerySet[Shop]]:
    """The filter form over the shops the user sees, and those shops filtered."""
    shops = access.shops_for(user)
    roads = shops.exclude(road="").order_by("road").values_list("road", flat=True).distinct()
    communities = (
        Jurisdiction.objects.filter(pk__in=shops.values("grid__parent_id"))
        .order_by("path")
        .values_list("pk", "name")
    )
    form = ShopFilterForm(params, roads=list(roads), communities=list(communities))
    given = form.filters()
    node = communities_selectors.node_param(user=user, value=params.get("node"))
    if node is not None:  # a link from a count: the shops under that node
        shops = shops.filter(grid__path__startswith=node.path)
    if "q" in given:
        shops = shops.filter(Q(name__icontains=given["q"]) | Q(address__icontains=given["q"]))
    if "community" in given:
        shops = shops.filter(grid__parent_id=given["community"])
    for name in ("road", "kind", "placard", "state"):
        if name in given:
            shops = shops.filter(**{name: given[name]})
    if given.get("reminded") == "1":  # reminded, no placard yet (the dashboards' count)
        shops = shops.filter(placard=Shop.Placard.NONE, reminders__gt=0)
    if given.get("reinspection") == "due":  # red and closed long enough: the group goes back
        today = timezone.localdate()
        shops = shops.filter(placard=Shop.Placard.RED, reinspection_due__lte=today)
    return form, shops


def shops(user, params: QueryDict) -> QuerySet[Shop]:
    """商铺: the register as the list shows it, by name."""
    _form, found = shop_filter(user, params)
    return selectors.shop_list(found).order_by("name", "pk")


def inspection_filter(user, params: QueryDict) -> tuple[dict, QuerySet[Inspection]]:
    """The inspections of the shops the user sees, by place (?node=), ?outcome=, ?day=
    and ?campaign= (outside the user's: a 404); with what the page shows of the filter
    (`campaign`, `day_error` when the day is no date)."""
    inspections = communities_selectors.within_node(
        access.inspections_for(user), user=user, value=params.get("node"), prefix="shop__grid__"
    )
    campaign: Campaign | None = None
    if params.get("campaign"):
        campaign = get_object_or_404(
            access.campaigns_for(user), pk=communities_listings.id_value(params, "campaign")
        )
    day, day_error = None, False
    if params.get("day"):
        try:
            day = date.fromisoformat(params["day"])
        except ValueError:
            day_error = True
    found = selectors.inspection_list(
        inspections, outcome=params.get("outcome", ""), day=day, campaign=campaign
    )
    return {"campaign": campaign, "day_error": day_error}, found


def inspections(user, params: QueryDict) -> QuerySet[Inspection]:
    """检查记录, the latest first."""
    return inspection_filter(user, params)[1]
