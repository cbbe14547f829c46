"""The street supervisor's pages of the sweep: the shop register (list, import, export),
campaigns, their joint groups and shares, and the progress board."""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.models import User
from communities.paging import CappedPaginator

from . import access, listings, selectors, services
from .forms import errors_onto
from .forms_campaigns import (
    COLUMNS,
    OPTIONAL_COLUMNS,
    READ_ONLY_COLUMNS,
    AssignForm,
    CampaignForm,
    GroupForm,
)
from .models import Inspection, one_month_after

PER_PAGE = 50
UNASSIGNED_SHOWN = 100  # the assign form lists this many unassigned shops; roads do the rest
EXPORT_COLUMNS = (*COLUMNS, *OPTIONAL_COLUMNS, *READ_ONLY_COLUMNS)
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# The chart's series: the outcome of an inspection and Bootstrap's colour for it.
CHART_SERIES = (
    ("green", "#198754"),
    ("reminder", "#ffc107"),
    ("red", "#dc3545"),
    ("recorded", "#adb5bd"),
)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


# --- The register ---------------------------------------------------------------------------


@login_required
def shop_list(request):
    form, shops = listings.shop_filter(request.user, request.GET)
    shops = selectors.shop_list(shops).order_by("name", "pk")
    page = CappedPaginator(shops, PER_PAGE).get_page(request.GET.get("page"))
    template = "shops/shop_list.html"
    if request.htmx:
        template += "#rows"
    context = {"form": form, "page": page, "can_import": access.can_manage_campaigns(request.user)}
    return render(request, template, context)


# --- Campaigns ------------------------------------------------------------------------------


@login_required
def inspection_list(request):
    """The inspections of the shops the user sees, the latest first; ?node= (a place),
    ?outcome=, ?day= (YYYY-MM-DD) and ?campaign= narrow them. A place or campaign outside
    the user's is a 404, a day that is no date an error on the page."""
    shown, inspections = listings.inspection_filter(request.user, request.GET)
    page = CappedPaginator(inspections, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "outcomes": Inspection.Outcome.choices,
        "outcome": request.GET.get("outcome", ""),
        "day": request.GET.get("day", ""),
        "day_error": _("The day must be a date such as 2022-04-01.") if shown["day_error"] else "",
        "campaign": shown["campaign"],
    }
    return render(request, "shops/inspection_list.html", context)


@login_required
def campaign_list(request):
    today = timezone.localdate()
    campaigns = (
        access.campaigns_for(request.user)
        .select_related("street")
        .annotate(group_count=Count("groups"))
        .order_by("-starts_on", "-pk")
    )
    page = CappedPaginator(campaigns, PER_PAGE).get_page(request.GET.get("page"))
    for campaign in page:
        campaign.running = campaign.is_active(today)
        campaign.upcoming = campaign.starts_on > today
    context = {"page": page, "can_manage": access.can_manage_campaigns(request.user)}
    return render(request, "shops/campaign_list.html", context)


def _street_roads(user, street) -> list[tuple[str, int]]:
    """(road, number of shops) of the street's register, for the roads to tick."""
    if street is None:
        return []
    shops = access.shops_for(user).filter(grid__path__startswith=street.path)
    return list(
        shops.exclude(road="")
        .values("road")
        .annotate(n=Count("pk"))
        .order_by("road")
        .values_list("road", "n")
    )


@login_required
def campaign_create(request):
    """An empty form; a valid one is shown back with what it would create (street, dates,
    roads, how many shops) and created only when confirmed."""
    user = request.user
    if not access.can_manage_campaigns(user):
        raise PermissionDenied
    street = access.street_of(user)
    roads = _street_roads(user, street)
    form = CampaignForm(request.POST or None, roads=roads)
    preview = None
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        if street is None:
            form.add_error(None, _("Your account is not placed at a street; a campaign needs one."))
        elif request.POST.get("confirm"):
            try:
                campaign = services.campaign_create(street=street, by=user, **values)
            except ValidationError as error:
                errors_onto(form, error)
            else:
                messages.success(request, _("Campaign created. Now add its joint groups."))
                return redirect("shops:campaign-detail", pk=campaign.pk)
        else:
            ends_on = values["ends_on"] or one_month_after(values["starts_on"])
            try:
                services.campaign_check(
                    street=street,
                    starts_on=values["starts_on"],
                    ends_on=ends_on,
                    roads=values["roads"],
                )
            except ValidationError as error:
                errors_onto(form, error)
            else:
                chosen = set(values["roads"])
                preview = {
                    "ends_on": ends_on,
                    "shops": sum(n for road, n in roads if not chosen or road in chosen),
                }
    context = {"form": form, "street": street, "preview": preview}
    return render(request, "shops/campaign_form.html", context)


@login_required
def campaign_edit(request, pk):
    campaign = _campaign(request, pk, manage=True)
    inspected = services.campaign_inspected(campaign)
    initial = {
        "title": campaign.title,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "roads": campaign.roads,
    }
    roads = _street_roads(request.user, campaign.street)
    form = CampaignForm(request.POST or None, roads=roads, initial=initial)
    if inspected:  # inspections were made against them: shown, not sent
        form.fields["starts_on"].disabled = form.fields["roads"].disabled = True
    if request.method == "POST" and form.is_valid():
        try:
            services.campaign_update(campaign=campaign, by=request.user, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            messages.success(request, _("Campaign saved."))
            return redirect("shops:campaign-detail", pk=campaign.pk)
    context = {
        "form": form,
        "street": campaign.street,
        "campaign": campaign,
        "inspected": inspected,
    }
    return render(request, "shops/campaign_form.html", context)


@login_required
@require_POST
def campaign_close(request, pk):
    campaign = _campaign(request, pk, manage=True)
    try:
        services.campaign_close(campaign=campaign, by=request.user, today=timezone.localdate())
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("The campaign ends today."))
    return redirect("shops:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_delete(request, pk):
    campaign = _campaign(request, pk, manage=True)
    try:
        services.campaign_delete(campaign=campaign, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("shops:campaign-detail", pk=campaign.pk)
    messages.success(request, _("Campaign deleted."))
    return redirect("shops:campaign-list")


def _campaign(request, pk, *, manage=False):
    """The campaign if the user sees it (else 404); with `manage`, 403 unless they run it."""
    campaign = get_object_or_404(access.campaigns_for(request.user).select_related("street"), pk=pk)
    if manage and not access.can_manage_campaigns(request.user):
        raise PermissionDenied
    return campaign


def _group_form(user, campaign, data=None) -> GroupForm:
    """Eligible members: grid workers inside the street; inspectors placed at the street
    or its district."""
    street = campaign.street
    staff = (
        access.group_candidates(user, street)
        .select_related("jurisdiction")
        .order_by("jurisdiction__path", "username")
    )
    return GroupForm(
        data,
        grid_workers=staff.filter(role=User.Role.GRID_WORKER),
        inspectors=staff.filter(role=User.Role.INSPECTOR),
    )


def _target_roads(campaign) -> list[str]:
    target = selectors.campaign_target(campaign).exclude(road="")
    return list(target.order_by("road").values_list("road", flat=True).distinct())


def _assign_form(campaign, data=None) -> AssignForm:
    return AssignForm(
        data,
        groups=campaign.groups.order_by("number"),
        roads=_target_roads(campaign),
        target=selectors.campaign_target(campaign),
    )


def _detail(request, campaign, *, group_form=None, assign_form=None):
    user = request.user
    target = selectors.campaign_target(campaign)
    unassigned = target.exclude(assignments__campaign=campaign)
    groups = (
        campaign.groups.select_related("grid_worker", "market_officer", "enforcement_officer")
        .annotate(share=Count("assignments"))
        .order_by("number")  # Meta.ordering does not apply to a grouped query
    )
    context = {
        "campaign": campaign,
        "groups": groups,
        "target_count": target.count(),
        "unassigned_count": unassigned.count(),
        "can_manage": access.can_manage_campaigns(user),
        "running": campaign.is_active(timezone.localdate())
        and campaign.ends_on > timezone.localdate(),
        "inspected": services.campaign_inspected(campaign),
    }
    if context["can_manage"]:
        context.update(
            group_form=group_form or _group_form(user, campaign),
            assign_form=assign_form or _assign_form(campaign),
            unassigned=unassigned.order_by("road", "address", "pk")[:UNASSIGNED_SHOWN],
        )
    return render(request, "shops/campaign_detail.html", context)


@login_required
def campaign_detail(request, pk):
    return _detail(request, _campaign(request, pk))


@login_required
@require_POST
def campaign_group_create(request, pk):
    campaign = _campaign(request, pk, manage=True)
    form = _group_form(request.user, campaign, request.POST)
    if form.is_valid():
        try:
            group = services.group_create(campaign=campaign, **form.cleaned_data)
        except ValidationError as error:
            errors_onto(form, error)
        else:
            messages.success(request, _("Group %(n)s added.") % {"n": group.number})
            return redirect("shops:campaign-detail", pk=campaign.pk)
    return _detail(request, campaign, group_form=form)


@login_required
@require_POST
def campaign_split(request, pk):
    """One click: every target shop to a group, in contiguous road stretches."""
    campaign = _campaign(request, pk, manage=True)
    try:
        counts = services.shares_split_by_road(campaign=campaign)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        shares = "、".join(
            _("group %(number)s: %(count)s") % {"number": number, "count": count}
            for number, count in sorted(counts.items())
        )
        messages.success(
            request,
            _("%(total)s shops shared out by road (%(shares)s).")
            % {"total": sum(counts.values()), "shares": shares},
        )
    return redirect("shops:campaign-detail", pk=campaign.pk)


@login_required
@require_POST
def campaign_assign(request, pk):
    """A road's shops and the ticked shops into one group's share."""
    campaign = _campaign(request, pk, manage=True)
    form = _assign_form(campaign, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            moved = services.shares_assign(
                campaign=campaign,
                group=data["group"],
                shop_ids=[shop.pk for shop in data["shops"]],
                road=data["road"],
            )
        except ValidationError as error:
            errors_onto(form, error)
        else:
            messages.success(
                request,
                _("%(n)s shops are now in group %(number)s's share.")
                % {"n": moved, "number": data["group"].number},
            )
            return redirect("shops:campaign-detail", pk=campaign.pk)
    return _detail(request, campaign, assign_form=form)


def _chart(days: list[dict]) -> dict:
    """Inspections per day by outcome for Chart.js, days without one filled with zeros."""
    by_day = {row["day"]: row for row in days}
    labels, series = [], {name: [] for name, _colour in CHART_SERIES}
    if by_day:
        day, last = min(by_day), max(by_day)
        while day <= last:
            labels.append(day.strftime("%m-%d"))
            for name in series:
                series[name].append(by_day.get(day, {}).get(name, 0))
            day += timedelta(days=1)
    names = {
        "green": _("Green placard"),
        "reminder": _("Rectification reminder"),
        "red": _("Red placard"),
        "recorded": _("Recorded, no change"),
    }
    return {
        "labels": labels,
        "datasets": [
            {"label": names[name], "data": series[name], "color": colour}
            for name, colour in CHART_SERIES
        ],
    }


@login_required
def campaign_progress(request, pk):
    """The progress board; htmx asks for its body again every 30 seconds."""
    campaign = _campaign(request, pk)
    progress = selectors.campaign_progress(
        campaign, timezone.localdate(), visible=access.shops_for(request.user)
    )
    for row in (*progress.groups, *progress.roads):
        row["percent"] = _percent(row["inspected"], row["total"])
    template = "shops/campaign_progress.html"
    if request.htmx:
        template += "#body"
    context = {
        "campaign": campaign,
        "progress": progress,
        "percent": _percent(progress.inspected, progress.total),
        "chart": _chart(progress.days),
        "now": timezone.localtime(),
    }
    return render(request, template, context)
