from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from . import access, figures, listings, places, rules, selectors, services
from .forms import (
    ArrivalForm,
    AssessmentForm,
    StayForm,
    StayFormSet,
    journey_valid,
)
from .forms_care import AnomalyResolveForm
from .forms_review import ProposalForm
from .models import ArrivalReport, HealthCode, Jurisdiction, User
from .paging import CappedPaginator

Role = User.Role

# What each role does next; the pages behind these arrive with the issues that build them.
# What each role does next, and the page where it is done (None: not built yet).
NEXT_STEPS = {
    Role.GRID_WORKER: [
        (
            _("Register arrivals in your grids and check their health codes."),
            "communities:arrival-create",
        ),
        (_("Record today's follow-ups and nucleic-acid tests."), "care:followup-list"),
        (_("Verify big-data pushes and venue reports within 24 hours."), "tasks:task-list"),
        (_("In the street sweep, inspect your joint group's shops."), "sweep:worklist"),
    ],
    Role.COMMUNITY_STAFF: [
        (_("Watch the community's residents under control measures."), "care:followup-list"),
        (_("Help grid workers with overdue follow-ups and tests."), "tasks:task-list"),
        (
            _("Arrange each anomaly's next step and resolve it with its outcome."),
            "care:anomaly-list",
        ),
    ],
    Role.STREET_SUPERVISOR: [
        (_("Follow the street's dashboards and overdue items."), "tasks:task-list"),
        (
            _("Run the street sweep: joint groups, their shares, progress and red placards."),
            "shops:campaign-list",
        ),
    ],
    Role.DISTRICT_OFFICE: [
        (_("Propose manual code changes and review appeals within 24 hours."), "appeals:list"),
        (_("Review the district's anomalies and escalations."), "notices:notice-list"),
    ],
    Role.CITY_OFFICE: [
        (
            _("Publish risk-area announcements and the day's policy."),
            "communities:announcement-list",
        ),
        (_("Approve manual code changes proposed by the districts."), "review:proposal-list"),
    ],
    Role.INSPECTOR: [
        (_("Inspect your joint group's shops with the three-element checklist."), "sweep:worklist"),
        (_("Re-inspect red-placard shops when their three days are over."), "sweep:worklist"),
    ],
    Role.ADMIN: [
        (_("Manage jurisdictions, staff and their roles in the admin site."), "admin:index"),
    ],
}


def error_text(error: Exception) -> str:
    """A service's refusal as one line for a form or a message."""
    if isinstance(error, ValidationError):
        return " ".join(error.messages)
    return str(error) or str(_("You may not take this step."))


def id_param(request, name: str) -> int:
    """The id in the query string's `name`; anything but a number is a 404, not a 500."""
    return listings.id_value(request.GET, name)


class PasswordChangeView(auth_views.PasswordChangeView):
    """Django's page; a new password also ends the user's API token, and replaces a
    temporary one that the district office gave."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_changed(user=form.user)
        return response


@login_required
def home(request):
    user = request.user
    root = selectors.home_root(user=user)
    role = Role(user.role) if user.role else (Role.ADMIN if user.is_superuser else None)
    context = {
        "root": root,
        "role_label": role.label if role else "",
        "next_steps": [
            (text, reverse(url) if url else None) for text, url in NEXT_STEPS.get(role, [])
        ],
        # the other apps' counts of the user's place (none for whom it shows nothing)
        "figures": [] if access.is_placed_only(user) else figures.registered(),
        "waiting": selectors.home_waiting(user=user),
        "panels": figures.panels_for(user),
        "breakdown": selectors.node_breakdown(user=user, node=root) if root else [],
        "works_with_residents": access.works_with_residents(user),
        "staff_list": access.can_reset_passwords(user),
    }
    context["counts"] = selectors.home_counts(user=user, breakdown=context["breakdown"])
    return render(request, "communities/home.html", context)


@login_required
def inbox_count(request):
    """The menu's 待办 badge, loaded by htmx so that pages carry no extra queries."""
    count = selectors.inbox_count(user=request.user) if access.has_inbox(request.user) else 0
    return render(request, "communities/partials/inbox_count.html", {"count": count})


@login_required
def jurisdiction_list(request):
    nodes = selectors.jurisdiction_list(user=request.user)
    within = selectors.node_param(user=request.user, value=request.GET.get("node"))
    if within is not None:  # a link from a count: the nodes under that one
        nodes = nodes.filter(path__startswith=within.path)
    level = request.GET.get("level", "")
    if level in Jurisdiction.Level.values:
        nodes = nodes.filter(level=level)
    page = CappedPaginator(nodes, 50).get_page(request.GET.get("page"))
    template = "communities/jurisdiction_list.html"
    if request.htmx:
        template += "#rows"
    context = {"page": page, "level": level, "levels": Jurisdiction.Level.choices}
    return render(request, template, context)


@login_required
def jurisdiction_detail(request, pk):
    node = selectors.jurisdiction_get(user=request.user, pk=pk)
    context = {
        "node": node,
        "ancestors": selectors.jurisdiction_list(user=request.user).filter(
            pk__in=node.ancestor_ids
        ),
        "breakdown": selectors.node_breakdown(user=request.user, node=node),
        "figures": figures.registered(),
    }
    return render(request, "communities/jurisdiction_detail.html", context)


# --- Residents -------------------------------------------------------------------------------


LIST_FIELDS = (
    "name",
    "id_number",
    "phone",
    "code",
    "code_rule",
    "grid__name",
    "grid__parent__name",
)


@login_required
def resident_list(request):
    node = selectors.node_param(user=request.user, value=request.GET.get("node"))
    residents = listings.residents(request.user, request.GET, node=node)
    residents = residents.only(*LIST_FIELDS)  # what the rows show: a fifth of the page's time
    page = CappedPaginator(residents, 50, keys_first=True).get_page(request.GET.get("page"))
    selectors.residents_at_a_glance(page.object_list)
    template = "communities/resident_list.html"
    if request.htmx:
        template += "#rows"
    context = {
        "page": page,
        "q": request.GET.get("q", ""),
        "code": request.GET.get("code", ""),
        "codes": HealthCode.choices,
        "node": node,
    }
    return render(request, template, context)


@login_required
def resident_detail(request, pk):
    resident = selectors.resident_get(user=request.user, pk=pk)
    full = access.can_see_full_personal_data(request.user)
    if full:
        services.personal_data_view_record(resident=resident, user=request.user)
    anomalies = list(resident.anomalies.select_related("resolved_by"))
    if access.can_resolve_anomalies(request.user):
        for anomaly in anomalies:
            if anomaly.resolved_at is None:
                anomaly.resolve_form = AnomalyResolveForm(anomaly=anomaly)
    context = {
        "resident": resident,
        "full": full,
        "measure": selectors.measure_active(resident=resident),
        "tests": resident.tests.select_related("withdrawn_by"),
        "arrivals": resident.arrivals.prefetch_related("stays"),
        "history": selectors.resident_history(resident=resident),
        "can_appeal": access.can_file_appeals(request.user),
        "anomalies": anomalies,
        "proposals": resident.proposals.select_related("proposed_by", "decided_by"),
        "proposal_form": ProposalForm() if access.can_propose(request.user) else None,
        "followups": resident.followups.all()[:14],
        # for templates/communities/partials/identity_changes.html
        "identity_changes": resident.identity_changes.select_related("by"),
        "panels": figures.resident_panels(request.user, resident),  # the other apps'
    }
    return render(request, "communities/resident_detail.html", context)


# --- Arrivals and the dry run ----------------------------------------------------------------


def _stay_formset(request, prefix="stays"):
    return StayFormSet(request.POST or None, prefix=prefix)


def row_index(request, rows: int) -> int:
    """The ?index= of a row that "add a row" asks for, within 0 and `rows` - 1."""
    try:
        return min(max(int(request.GET.get("index", "0")), 0), rows - 1)
    except ValueError:
        return 0


@login_required
def stay_row(request):
    """An empty stay row for the htmx "add a stay" button."""
    formset = StayFormSet(prefix="stays")
    form = StayForm(
        prefix=formset.add_prefix(row_index(request, StayFormSet.max_num)),
        empty_permitted=True,
        use_required_attribute=False,
    )
    formset.add_fields(form, None)  # the row's delete box, as in the formset's own rows
    return render(request, "communities/partials/stay_row.html", {"form": form})


def _param(request, suffix: str) -> str:
    """The value of the picker whose name ends with `suffix` (its name carries the row's
    prefix, e.g. stays-2-province)."""
    for key, value in request.GET.items():
        if key == suffix or key.endswith(f"-{suffix}"):
            return value
    return ""


def place_cities(request):
    """<option>s of the cities of a province (public: the official division list only)."""
    names = places.city_names(_param(request, "province"))
    return render(request, "communities/partials/place_options.html", {"names": names})


def place_counties(request):
    names = places.county_names(_param(request, "province"), _param(request, "city"))
    return render(request, "communities/partials/place_options.html", {"names": names})


CORRECT_ID_NUMBER = _(
    "This ID number is registered to a person with another name or phone: correct it, or "
    "send the form again to confirm that it is the same person."
)
IDENTITY_CONFIRMED = _(
    "Confirmed as the same person: where the name or phone differed, the resident now has "
    "the values typed, and the change is recorded."
)


@login_required
def arrival_list(request):
    """Arrival reports the user covers, the latest arrival first; ?node= and ?day= narrow
    it (a dashboard's count of a day's arrivals)."""
    arrivals = listings.arrivals(request.user, request.GET)
    day = listings.day_value(request.GET)
    page = CappedPaginator(arrivals, 50).get_page(request.GET.get("page"))
    context = {"page": page, "day": day.isoformat() if day else ""}
    return render(request, "communities/arrival_list.html", context)


@login_required
def code_event_list(request):
    """赋码记录: every change of the user's residents' codes, the latest first; ?node=,
    ?to= (the code changed to), ?kind= and ?day= narrow it."""
    events = listings.code_events(request.user, request.GET)
    page = CappedPaginator(events, 50).get_page(request.GET.get("page"))
    day = listings.day_value(request.GET)
    context = {
        "page": page,
        "day": day.isoformat() if day else "",
        "to": request.GET.get("to", ""),
        "codes": HealthCode.choices,
    }
    return render(request, "communities/code_event_list.html", context)


@login_required
def arrival_create(request):
    """File an arrival. An ID number registered with another name or phone is a
    confirmation step first: the same person, or correct the number."""
    user = request.user
    if not access.can_file_arrivals(user):
        raise PermissionDenied
    grids = access.grids_for(user).select_related("parent")
    initial = {}
    if request.GET.get("resident"):
        resident = selectors.resident_get(user=user, pk=id_param(request, "resident"))
        person = {"name": resident.name, "address": resident.address, "grid": resident.grid}
        initial = prefill(
            request, person, id_number=resident.id_number, phone=resident.phone, resident=resident
        )
    form = ArrivalForm(request.POST or None, grids=grids, initial=initial)
    stays = _stay_formset(request)
    if request.method == "POST":
        response = arrival_form_submit(request, form, stays)
        if response:
            return response
    return render(request, "communities/arrival_form.html", {"form": form, "stays": stays})


def prefill(request, person: dict, *, id_number: str, phone: str, **subject) -> dict:
    """The arrival form filled in with `person` and the ID number and phone of what is
    named in `subject` (a resident, or a task's person to find): in full only for roles
    that may see them, each showing recorded as on the resident's page; the others get
    them masked and type them in full."""
    full = access.can_see_full_personal_data(request.user)
    if request.method == "GET" and full:
        services.personal_data_view_record(user=request.user, **subject)
    elif request.method == "GET" and (id_number or phone):
        messages.info(request, PREFILL_MASKED)
    return {
        **person,
        "id_number": id_number if full else rules.mask_id_number(id_number),
        "phone": phone if full else rules.mask_phone(phone),
    }


PREFILL_MASKED = _(
    "The ID number and phone are shown masked: type them in full to file the arrival."
)


def arrival_form_submit(request, form: ArrivalForm, stays, task=None):
    """File the posted arrival of `form`: a redirect to the person, the confirmation step,
    or None with the errors or the refusal on the form. With `task` (a person to find),
    the task is closed too, and a hand-over leads back to the work list."""
    if not journey_valid(form, stays):
        return None
    if request.POST.get("correct_identity"):
        form.add_error("id_number", CORRECT_ID_NUMBER)
        return None
    confirmed = bool(request.POST.get("confirm_identity"))
    filing = {
        "by": request.user,
        "visible": access.residents_for(request.user),
        "confirm_identity": confirmed,
        "stays": stays.stays(),
        "source": ArrivalReport.Source.GRID_WORKER,
        **form.cleaned_data,
    }
    try:
        if task is None:
            arrival, created = services.arrival_file(**filing)
        else:
            arrival, created = services.find_person_arrival_file(task=task, **filing)
    except services.OutsideJurisdiction:
        services.arrival_hand_over(
            stays=stays.stays(), source=ArrivalReport.Source.GRID_WORKER, **form.cleaned_data
        )
        arrival = None
    except ValidationError as error:
        form.add_error(None, error)
        return None
    except services.IdentityDiffers as differs:
        # The registered person masked; the form's values ride along in hidden fields.
        context = {
            "form": form,
            "stays": stays,
            "registered": differs.resident,
            "differs": differs.masked,
        }
        return render(request, "communities/arrival_confirm.html", context)
    if task is not None:
        messages.info(request, _("The task is done."))
    if arrival is None:
        messages.info(request, services.HANDED_OVER)
        return redirect("tasks:task-list" if task else "communities:arrival-create")
    if confirmed:
        messages.info(request, IDENTITY_CONFIRMED)
    elif not created:
        messages.info(
            request, _("This person was already registered; the report was added to their record.")
        )
    messages.success(request, arrival.decision["explanation"])
    kept = services.decision_kept_note(arrival=arrival, resident=arrival.resident)
    if kept:
        messages.warning(request, kept)
    return redirect("communities:resident-detail", pk=arrival.resident_id)


@login_required
def assessment(request):
    """The dry run as a page: the code and measure for a journey, nothing stored."""
    form = AssessmentForm(request.POST or None)
    stays = _stay_formset(request)
    decision = None
    if request.method == "POST" and form.is_valid() and stays.is_valid():
        values = form.cleaned_data
        traveller = services.traveller_from(
            stays=stays.stays(),
            arrival_date=values["arrival_date"],
            abroad_quarantine_days=values["abroad_quarantine_days"],
            spatiotemporal_companion=values["spatiotemporal_companion"],
            big_data_push=values["big_data_push"],
        )
        decision = services.assessment_run(traveller=traveller, as_of=values["as_of"]).as_dict()
    context = {"form": form, "stays": stays, "decision": decision}
    if request.htmx:
        return render(request, "communities/assessment.html#result", context)
    return render(request, "communities/assessment.html", context)
