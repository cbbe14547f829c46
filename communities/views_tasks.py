"""The grid workers' work list and the pages that resolve its tasks."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access, listings, ratelimit, selectors, services
from .forms import ArrivalForm, StayFormSet, journey_valid
from .forms_tasks import (
    TaskRejectForm,
    TaskVerifyForm,
    TaskWorkForm,
    VenueReportForm,
)
from .models import GridTask
from .paging import CappedPaginator
from .views import IDENTITY_CONFIRMED, arrival_form_submit, prefill


@login_required
def task_list(request):
    """The user's work list, most urgent first (overdue at the top). From a dashboard's
    count (?node=, ?late=1, ?worker= a grid worker's, ?unassigned=1 nobody's): the open
    tasks under that node only, page by page."""
    user = request.user
    if "node" not in request.GET:
        return render(
            request, "communities/task_list.html", {"items": selectors.worklist(user=user)}
        )
    tasks = listings.tasks(user, request.GET)
    page = CappedPaginator(tasks, 50).get_page(request.GET.get("page"))
    context = {"items": selectors.task_items(page), "page": page, "narrowed": True}
    return render(request, "communities/task_list.html", context)


@login_required
def task_work(request, pk):
    """Resolve a push (verify the stays and re-run the rules), a person to find or a venue
    report (say what was done)."""
    user = request.user
    task = get_object_or_404(
        access.tasks_for(user).select_related("resident__grid__parent", "done_by"),
        pk=pk,
        arrival__isnull=True,
    )
    is_push = task.kind == GridTask.Kind.VERIFY_PUSH
    form = TaskWorkForm(request.POST or None, with_arrival=is_push)
    stays = StayFormSet(request.POST or None, prefix="stays") if is_push else None
    if request.method == "POST" and (
        journey_valid(form, stays, needs_travel=False) if is_push else form.is_valid()
    ):
        values = form.cleaned_data
        try:
            if is_push:
                services.push_verify(
                    task=task,
                    stays=stays.stays(),
                    arrival_date=values.get("arrival_date"),
                    note=values["note"],
                    by=user,
                )
            else:
                services.task_close(task=task, note=values["note"], by=user)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Done."))
            if task.resident_id:
                return redirect("communities:resident-detail", pk=task.resident_id)
            return redirect("tasks:task-list")
    context = {
        "task": task,
        "form": form,
        "stays": stays,
        "is_open": task.state == GridTask.State.OPEN,
    }
    return render(request, "communities/task_work.html", context)


def _grids_of(user, task: GridTask) -> tuple:
    """The user's grids in the task's community, where a person the task finds or
    verifies is registered, and the initial choice (the one grid, if only one)."""
    grids = access.grids_for(user).filter(parent=task.community).select_related("parent")
    only = list(grids[:2])
    return grids, ({"grid": only[0]} if len(only) == 1 else {})


@login_required
def task_arrival(request, pk):
    """Register the person a find-person task is about and file their arrival: the
    arrival form filled in with what the task knows (shown as on the verification page);
    filing closes the task."""
    user = request.user
    task = get_object_or_404(
        access.tasks_for(user).select_related("community"),
        pk=pk,
        kind=GridTask.Kind.FIND_PERSON,
    )
    if task.state != GridTask.State.OPEN:
        return redirect("tasks:task-work", pk=task.pk)
    grids, initial = _grids_of(user, task)
    initial = prefill(
        request,
        {"name": task.subject_name, **initial},
        id_number=task.subject_id_number,
        phone=task.subject_phone,
        task=task,
    )
    form = ArrivalForm(request.POST or None, grids=grids, initial=initial)
    stays = StayFormSet(request.POST or None, prefix="stays")
    if request.method == "POST":
        response = arrival_form_submit(request, form, stays, task=task)
        if response:
            return response
    context = {"form": form, "stays": stays, "task": task}
    return render(request, "communities/arrival_form.html", context)


@login_required
def task_reject(request, pk):
    """Turn a self-report down with a reason: nothing is stored on any resident."""
    user = request.user
    task = get_object_or_404(
        access.tasks_for(user).select_related("arrival"),
        pk=pk,
        kind=GridTask.Kind.VERIFY_SELF_REPORT,
        arrival__isnull=False,
    )
    if task.state != GridTask.State.OPEN:
        return redirect("tasks:task-verify", pk=task.pk)
    form = TaskRejectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            services.self_report_reject(
                arrival=task.arrival,
                reason=str(TaskRejectForm.Reason(values["reason"]).label),
                note=values["note"],
                by=user,
            )
        except ValueError as exc:
            messages.warning(request, str(exc))
            return redirect("tasks:task-verify", pk=task.pk)
        messages.success(request, _("The report was rejected; the task is done."))
        return redirect("tasks:task-list")
    context = {"task": task, "arrival": task.arrival, "form": form}
    return render(request, "communities/task_reject.html", context)


@login_required
def task_verify(request, pk):
    user = request.user
    task = get_object_or_404(
        access.tasks_for(user).select_related("arrival__resident", "community", "done_by"),
        pk=pk,
        arrival__isnull=False,
    )
    arrival = task.arrival
    grids, initial = _grids_of(user, task)
    form = TaskVerifyForm(request.POST or None, grids=grids, initial=initial)
    differs = None
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.self_report_verify(
                arrival=arrival,
                grid=form.cleaned_data["grid"],
                by=user,
                visible=access.residents_for(user),
                confirm_identity=bool(request.POST.get("confirm_identity")),
            )
        except ValueError as exc:
            messages.warning(request, str(exc))
            return redirect("tasks:task-verify", pk=task.pk)
        except services.OutsideJurisdiction:
            services.self_report_hand_over(arrival=arrival)
            messages.info(request, services.HANDED_OVER)
            return redirect("tasks:task-list")
        except services.IdentityDiffers as error:
            differs = error  # the page asks to confirm that it is the same person
        else:
            arrival.refresh_from_db(fields=["decision", "decided_code", "decided_rule"])
            messages.success(
                request,
                _("Verified. %(explanation)s") % {"explanation": arrival.decision["explanation"]},
            )
            if request.POST.get("confirm_identity"):
                messages.info(request, IDENTITY_CONFIRMED)
            kept = services.decision_kept_note(arrival=arrival, resident=resident)
            if kept:
                messages.warning(request, kept)
            return redirect("communities:resident-detail", pk=resident.pk)
    full = access.can_see_full_personal_data(user)
    if full:  # a self-report has no resident until verified: the task and report are named
        services.personal_data_view_record(
            user=user, resident=arrival.resident, arrival=arrival, task=task
        )
    context = {
        "task": task,
        "arrival": arrival,
        "stays": arrival.stays.all(),
        "form": form,
        "is_open": task.state == GridTask.State.OPEN,
        "full": full,
        "registered": differs and differs.resident,
        "differs": differs and differs.masked,
    }
    return render(request, "communities/task_verify.html", context)


# What each column of the push file holds (the page shows it beside the heading).
@login_required
def venue_report_create(request):
    """A venue (shop, station) reports a person showing a red or yellow code; the report
    becomes a task for that person's grid, or a task to find them in the venue's
    community. The reporter learns nothing about the person, not even whether they are
    registered."""
    if not access.can_file_venue_reports(request.user):
        raise PermissionDenied
    form = VenueReportForm(request.POST or None, communities=access.communities_for(request.user))
    status = 200
    if request.method == "POST" and form.is_valid():
        if ratelimit.venue_report_slot(request.user) is None:
            form.add_error(None, _("Too many venue reports in an hour; try again later."))
            status = 429
        else:
            services.venue_report_file(**form.cleaned_data, seen_at=timezone.now(), by=request.user)
            messages.success(request, _("Reported; the person's grid will follow up."))
            return redirect("tasks:venue-report")
    return render(request, "communities/venue_report_form.html", {"form": form}, status=status)
