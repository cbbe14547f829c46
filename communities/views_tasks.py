"""The grid workers' tasks: self-reports to verify within 24 hours."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import access, services
from .forms_tasks import TaskVerifyForm
from .models import GridTask


@login_required
def task_list(request):
    """Open tasks first, soonest due first; then the done ones."""
    tasks = (
        access.tasks_for(request.user)
        .select_related("arrival")
        .order_by(
            Case(
                When(state=GridTask.State.OPEN, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            ),
            "due_at",
            "pk",
        )
    )
    page = Paginator(tasks, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for task in page:
        task.overdue = task.state == GridTask.State.OPEN and task.due_at < now
    return render(request, "communities/task_list.html", {"page": page})


@login_required
def task_verify(request, pk):
    user = request.user
    task = get_object_or_404(
        access.tasks_for(user).select_related("arrival__resident", "community", "done_by"),
        pk=pk,
        arrival__isnull=False,
    )
    arrival = task.arrival
    grids = access.grids_for(user).filter(parent=task.community).select_related("parent")
    only = list(grids[:2])
    initial = {"grid": only[0]} if len(only) == 1 else {}
    form = TaskVerifyForm(request.POST or None, grids=grids, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            resident = services.self_report_verify(
                arrival=arrival,
                grid=form.cleaned_data["grid"],
                by=user,
                visible=access.residents_for(user),
            )
        except ValueError as exc:
            messages.warning(request, str(exc))
            return redirect("tasks:task-verify", pk=task.pk)
        except services.OutsideJurisdiction:
            form.add_error(None, _("This person is registered outside your jurisdiction."))
        else:
            arrival.refresh_from_db(fields=["decision"])
            messages.success(
                request,
                _("Verified. %(explanation)s") % {"explanation": arrival.decision["explanation"]},
            )
            return redirect("communities:resident-detail", pk=resident.pk)
    full = access.can_see_full_personal_data(user)
    if full and arrival.resident_id:
        services.personal_data_view_record(resident=arrival.resident, user=user)
    context = {
        "task": task,
        "arrival": arrival,
        "stays": arrival.stays.all(),
        "form": form,
        "is_open": task.state == GridTask.State.OPEN,
        "full": full,
    }
    return render(request, "communities/task_verify.html", context)
