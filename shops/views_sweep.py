"""The joint groups' pages, used on their phones in the street: the group's worklist, the
checklist of one inspection, and a shop's record with its timeline."""

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from . import access, home, rules, selectors, services
from .forms import InspectionForm, check_labels, errors_onto
from .models import Inspection, Shop

# The worklist's sections in the selector's order of urgency.
SECTIONS = [
    (selectors.RED_DUE, "red-due", gettext_lazy("Re-inspection due")),
    (selectors.REMINDER_DUE, "reminder-due", gettext_lazy("Rectification deadline passed")),
    (selectors.NOT_SEEN, "not-seen", gettext_lazy("Not inspected yet")),
    (selectors.WAITING, "waiting", gettext_lazy("Closed under a red placard")),
    (selectors.DONE, "done", gettext_lazy("Inspected")),
]
OUTCOME_LEVELS = {
    Inspection.Outcome.GREEN: messages.SUCCESS,
    Inspection.Outcome.REMINDER: messages.WARNING,
    Inspection.Outcome.RED: messages.ERROR,
    Inspection.Outcome.IN_PERIOD: messages.INFO,
    Inspection.Outcome.REPEAT: messages.INFO,
}
PHOTO_TYPES = {"jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png"}


def _field_labels(model) -> dict[str, str]:
    return {field.name: capfirst(field.verbose_name) for field in model._meta.fields}


def _outcome_message(inspection: Inspection) -> str:
    shop = inspection.shop
    if inspection.outcome == Inspection.Outcome.GREEN:
        return _("Passed: green placard posted.")
    if inspection.outcome == Inspection.Outcome.REMINDER:
        return _("Rectification reminder: the shop must rectify by %(day)s.") % {
            "day": inspection.rectify_by.isoformat()
        }
    if inspection.outcome == Inspection.Outcome.IN_PERIOD:
        return _(
            "Recorded: the shop has until %(day)s to rectify, so this is not another "
            "reminder. Inspect it again after that day."
        ) % {"day": inspection.rectify_by.isoformat()}
    if inspection.outcome == Inspection.Outcome.REPEAT:
        return _(
            "Recorded, but not counted: the shop was already inspected today and one "
            "inspection a day counts. Its placard and reminders stay as they are."
        )
    return _(
        "Red placard posted: the shop closes at once; re-inspection after %(days)s days, "
        "from %(day)s."
    ) % {"days": settings.SHOP_CLOSURE_DAYS, "day": shop.reinspection_due.isoformat()}


@login_required
def worklist(request):
    """The shares of the user's joint groups, most urgent first, in sections; `show`
    narrows them to one count of the home page."""
    today = timezone.localdate()
    groups = access.groups_joined(request.user)
    items = selectors.group_worklist(groups, today)
    # a count of the home page opens the rows it counts (shops.home.SWEEP_COUNTS)
    shown = dict(home.SWEEP_COUNTS)
    show = request.GET.get("show", "")
    if show in shown:
        items = items.filter(selectors.sweep_filters(today)[show])
    else:
        show = ""
    items = list(items)
    sections = []
    for urgency, key, label in SECTIONS:
        rows = [item for item in items if item.urgency == urgency]
        sections.append({"key": key, "label": label, "rows": rows, "count": len(rows)})
    # The assignment's own campaign: the group's would be a query per group.
    my_groups = list(dict.fromkeys((item.campaign, item.group) for item in items))
    context = {
        "sections": sections,
        "total": len(items),
        "groups": my_groups,
        "joined": bool(items) or groups.exists(),
        "show": shown.get(show),
        "today": today,
        "can_manage": access.can_manage_campaigns(request.user),
    }
    return render(request, "shops/worklist.html", context)


@login_required
def inspect(request, pk):
    """The checklist of one visit. Nothing is stored unless the service records it."""
    user = request.user
    shop = get_object_or_404(access.shops_for(user).select_related("grid__parent"), pk=pk)
    if request.method == "POST":
        form = InspectionForm(request.POST, request.FILES)
        if form.is_valid():
            values = form.cleaned_data
            try:
                inspection, created = services.inspection_record(
                    shop=shop,
                    by=user,
                    answers=form.answers(),
                    photo=values["photo"],
                    note=values["note"],
                    token=values["token"],
                )
            except ValidationError as error:
                errors_onto(form, error)
            else:
                if not created:  # the same checklist again: its first result, once
                    messages.info(
                        request,
                        _("This checklist was already recorded; it was not recorded again."),
                    )
                level = OUTCOME_LEVELS[inspection.outcome]
                messages.add_message(request, level, _outcome_message(inspection))
                return redirect("sweep:shop-detail", pk=shop.pk)
    else:
        form = InspectionForm()
    today = timezone.localdate()
    share, refusal = services.inspection_share(shop=shop, by=user, today=today)
    context = {
        "shop": shop,
        "form": form,
        "share": share,
        # After a post the service's own refusal is on the form.
        "refusal": None if form.is_bound else refusal or None,
        # What a failure would do today, said before the group records it.
        "counted_today": selectors.shop_counted_inspection(shop, today),
        "deadline_running": rules.deadline_running(rectify_by=shop.rectify_by, today=today),
    }
    return render(request, "shops/inspection_form.html", context)


@login_required
def shop_detail(request, pk):
    """A shop's record: its placard and state, the timeline of changes and the
    inspections with the items that failed."""
    user = request.user
    shop = get_object_or_404(access.shops_for(user).select_related("grid__parent__parent"), pk=pk)
    labels = check_labels()
    inspections = [
        (inspection, [labels[item] for item in inspection.failed])
        for inspection in selectors.shop_inspections(shop)
    ]
    context = {
        "shop": shop,
        "label": _field_labels(Shop),
        "events": selectors.shop_timeline(shop),
        "inspections": inspections,
    }
    # the big button only when an inspection would be taken today (not on a red shop
    # before its re-inspection day: the reason shows instead)
    context["share"], context["refusal"] = services.inspection_share(
        shop=shop, by=user, today=timezone.localdate()
    )
    return render(request, "shops/shop_detail.html", context)


@login_required
def inspection_photo(request, pk):
    """An inspection's photo, to those who see the shop; served by its own extension (the
    form names the file after its content)."""
    inspection = get_object_or_404(access.inspections_for(request.user), pk=pk)
    if not inspection.photo:
        raise Http404
    name = PurePosixPath(inspection.photo.name).name
    content_type = PHOTO_TYPES.get(name.rpartition(".")[2].lower())
    try:
        photo = inspection.photo.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        photo,
        content_type=content_type or "application/octet-stream",
        as_attachment=content_type is None,
        filename=name,
    )
    patch_cache_control(response, private=True, max_age=3600)
    return response
