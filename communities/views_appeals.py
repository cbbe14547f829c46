"""Appeals against a wrongly assigned code (误赋码申诉), resolved within 24 hours of filing.

Filed by the person on a public page or by their grid worker; then verified by the grid
worker of the person's grid, reviewed by the district office and resolved by the city
office. Every write goes through the appeal services.
"""

from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import access, listings, ratelimit, selectors, selectors_appeals, selectors_care, services
from .forms_appeals import (
    AppealFileForm,
    AppealResolveForm,
    AppealReviewForm,
    AppealVerifyForm,
    PublicAppealForm,
)
from .models import Appeal, User
from .paging import CappedPaginator
from .views import error_text, id_param

Role = User.Role

# Abuse limits of the public form, as on the self-report page. Unlike there, an attempt
# that finds no person or is refused counts too: otherwise the form would answer, without
# limit, whether an ID number and a phone number belong together.
FORM = "appeal"  # the prefix of its rate-limit keys
IP_LIMIT, IP_WINDOW = 5, timedelta(hours=1)
ID_LIMIT, ID_WINDOW = 3, timedelta(days=1)
IP_LIMIT_MESSAGE = _(
    "At most %(n)s appeals can be sent from one network in an hour. Please try again later."
)
ID_LIMIT_MESSAGE = _(
    "At most %(n)s appeals can be sent for one ID number within 24 hours. Please try again "
    "later, or ask your community grid worker to file the appeal for you."
)
# One message whether the ID number is unknown or the phone does not match it.
NO_MATCH_MESSAGE = _(
    "No appeal can be filed with this ID number and mobile phone. Check both: the phone "
    "must be the one registered with your community. Your community grid worker can also "
    "file the appeal for you."
)
# (a new salt with the reference in the token: the deadline-only tokens signed before it
# send back to the form rather than show a page without the reference)
THANKS_SALT = "appeals.public-thanks.reference"
THANKS_MAX_AGE = timedelta(days=2)

# Which step an open appeal waits for, the role that takes it, and its form.
STEP_OF_STATE = {
    Appeal.State.FILED: "verify",
    Appeal.State.VERIFIED: "review",
    Appeal.State.REVIEWED: "resolve",
}
STEP_ROLE = {
    "verify": Role.GRID_WORKER,
    "review": Role.DISTRICT_OFFICE,
    "resolve": Role.CITY_OFFICE,
}
# Community staff may verify in the grid worker's place (DOMAIN.md section 5).
STEP_STANDINS = {"verify": {Role.COMMUNITY_STAFF}}
STEP_FORMS = {
    "verify": AppealVerifyForm,
    "review": AppealReviewForm,
    "resolve": AppealResolveForm,
}


# --- The public form ---------------------------------------------------------------------


def _limited(request, message):
    return render(
        request, "communities/appeals/public_limited.html", {"message": message}, status=429
    )


def _public_file(form) -> Appeal | None:
    """File the appeal of a valid public form; None, with the reason on the form, when the
    person is not found or the service refuses."""
    values = form.cleaned_data
    resident = selectors_appeals.resident_for_appeal(
        id_number=values["id_number"], phone=values["phone"]
    )
    if resident is None:
        form.add_error(None, NO_MATCH_MESSAGE)
        return None
    try:
        return services.appeal_file(
            resident=resident,
            reason=values["reason"],
            evidence=values["evidence"],
            source=Appeal.Source.SELF,
        )
    except ValidationError as exc:
        form.add_error(None, exc)
        return None


def public_create(request):
    form = PublicAppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        ip_slot = ratelimit.slot_claim(ratelimit.ip_key(FORM, request), IP_LIMIT, IP_WINDOW)
        if ip_slot is None:
            return _limited(request, IP_LIMIT_MESSAGE % {"n": IP_LIMIT})
        id_slot = ratelimit.slot_claim(
            ratelimit.id_key(FORM, form.cleaned_data["id_number"]), ID_LIMIT, ID_WINDOW
        )
        if id_slot is None:
            ratelimit.slots_release(ip_slot)
            return _limited(request, ID_LIMIT_MESSAGE % {"n": ID_LIMIT})
        try:
            appeal = _public_file(form)
        except Exception:
            # A failure of ours, not the person's attempt: nothing is counted.
            ratelimit.slots_release(ip_slot, id_slot)
            raise
        if appeal is not None:
            # The thank-you page shows the reference and the deadline only; they travel
            # signed in the URL so that the page needs no session and shows nothing else.
            thanks = {"reference": appeal.reference, "due": int(appeal.due_at.timestamp())}
            token = signing.dumps(thanks, salt=THANKS_SALT)
            return redirect(reverse("appeals:public-thanks") + "?" + urlencode({"t": token}))
    return render(request, "communities/appeals/public_form.html", {"form": form})


@require_GET
def public_thanks(request):
    try:
        thanks = signing.loads(request.GET.get("t", ""), salt=THANKS_SALT, max_age=THANKS_MAX_AGE)
    except signing.BadSignature:
        return redirect("appeals:public-create")
    context = {
        "reference": thanks["reference"],
        "due": datetime.fromtimestamp(thanks["due"], tz=UTC),
    }
    return render(request, "communities/appeals/public_thanks.html", context)


# --- The staff's pages ---------------------------------------------------------------------


def _step_for(user, appeal: Appeal) -> str | None:
    """The step the user takes on this appeal now, if any. The appeal is already within
    the user's scope, so a grid worker who sees it serves the person's grid."""
    step = STEP_OF_STATE.get(appeal.state)
    if step is None:
        return None
    takes = user.role == STEP_ROLE[step] or user.role in STEP_STANDINS.get(step, ())
    return step if user.is_superuser or takes else None


@login_required
def appeal_create(request):
    """The grid worker's appeal for one of their residents (?resident=<pk>)."""
    user = request.user
    if not access.can_file_appeals(user):
        raise PermissionDenied
    resident = selectors.resident_get(user=user, pk=id_param(request, "resident"))
    form = AppealFileForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        values = form.cleaned_data
        try:
            appeal = services.appeal_file(
                resident=resident,
                reason=values["reason"],
                evidence=values["evidence"],
                source=Appeal.Source.GRID_WORKER,
                quarantine_status=values["quarantine_status"],
                by=user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Appeal filed; it is due within 24 hours."))
            return redirect("appeals:detail", pk=appeal.pk)
    return render(
        request, "communities/appeals/appeal_create.html", {"resident": resident, "form": form}
    )


@login_required
def appeal_list(request):
    """Open appeals first, soonest due first, with the time left; then the resolved ones."""
    state = request.GET.get("state", "")
    if state not in selectors_appeals.STATE_FILTERS:
        state = ""
    appeals = listings.appeals(request.user, request.GET)
    page = CappedPaginator(appeals, 50).get_page(request.GET.get("page"))
    now = timezone.now()
    for appeal in page:
        appeal.countdown = selectors_appeals.appeal_countdown(appeal, now=now)
    template = "communities/appeals/appeal_list.html"
    if request.htmx:
        template += "#rows"
    context = {
        "page": page,
        "state": state,
        "states": [
            (selectors_appeals.OPEN, _("Not resolved yet")),
            (selectors_appeals.LATE, _("Past 20 hours")),
            (selectors_appeals.OVERDUE, _("Past 24 hours")),
            *Appeal.State.choices,
        ],
        # The rows refresh themselves with the same filter and page.
        "query": urlencode({"state": state, "page": page.number}),
    }
    return render(request, template, context)


def _take_step(step: str, *, appeal: Appeal, form, user) -> str:
    """Call the step's service; returns the message of success."""
    note = form.cleaned_data["note"]
    if step == "verify":
        services.appeal_verify(appeal=appeal, note=note, by=user)
        return _("Verified; the appeal goes to the district prevention office.")
    if step == "review":
        services.appeal_review(appeal=appeal, note=note, by=user)
        return _("Reviewed; the appeal goes to the city prevention office.")
    services.appeal_resolve(appeal=appeal, release=form.release, note=note, by=user)
    if form.release:
        return _("Resolved: the code was released to green.")
    return _("Resolved: the code stays as it is.")


@login_required
def appeal_detail(request, pk):
    user = request.user
    appeal = selectors_appeals.appeal_get(user=user, pk=pk)
    step = _step_for(user, appeal)
    next_step = STEP_OF_STATE.get(appeal.state)
    form = STEP_FORMS[step]() if step else None
    if request.method == "POST":
        posted = request.POST.get("step", "")
        if posted not in STEP_FORMS:
            messages.error(request, _("You may not take this step."))
            return redirect("appeals:detail", pk=appeal.pk)
        bound = STEP_FORMS[posted](request.POST)
        if bound.is_valid():
            try:
                messages.success(request, _take_step(posted, appeal=appeal, form=bound, user=user))
            except ValidationError as exc:
                if posted != step:
                    messages.error(request, error_text(exc))
                    return redirect("appeals:detail", pk=appeal.pk)
                # The user's own step refused (open anomalies, say): on the form, as it was
                # filled in; the service stored nothing.
                bound.add_error(None, exc)
            except PermissionDenied as exc:
                messages.error(request, error_text(exc))
                return redirect("appeals:detail", pk=appeal.pk)
            else:
                return redirect("appeals:detail", pk=appeal.pk)
        elif posted != step:
            messages.error(request, _("You may not take this step."))
            return redirect("appeals:detail", pk=appeal.pk)
        form = bound
    context = {
        "appeal": appeal,
        "resident": appeal.resident,
        "countdown": selectors_appeals.appeal_countdown(appeal, now=timezone.now()),
        "step": step,
        "form": form,
        "waiting_for": Role(STEP_ROLE[next_step]).label if next_step else None,
        # a release waits for these (open_anomalies_refuse); shown until it is resolved
        "open_anomalies": (
            selectors_care.open_anomalies(resident=appeal.resident)
            if appeal.state != Appeal.State.RESOLVED
            else []
        ),
    }
    return render(request, "communities/appeals/appeal_detail.html", context)


@login_required
@never_cache
def appeal_evidence(request, pk):
    """The negative test report, only to those who see the appeal; never a media URL."""
    appeal = get_object_or_404(access.appeals_for(request.user), pk=pk)
    return selectors_appeals.evidence_file(appeal)
