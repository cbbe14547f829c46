"""The grid workers' daily care: the day's nucleic-acid tests (one tap each, or a results
file) and the daily follow-ups of residents under a measure; the anomalies they raise,
resolved by community staff or the district office."""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import HttpResponseClientRedirect

from . import access, listings, selectors, selectors_care, services
from .forms_care import AnomalyResolveForm, FollowUpForm, ResultForm
from .models import FEVER_FROM, WITHDRAW_WITHIN, Anomaly, HealthCode, NucleicAcidTest
from .paging import CappedPaginator

PER_PAGE = 50


# --- Nucleic-acid tests ----------------------------------------------------------------------


DATETIME_LOCAL = "%Y-%m-%dT%H:%M"  # the value of an <input type="datetime-local">


def _row_context(request, test: NucleicAcidTest, **extra) -> dict:
    """What one row of the test list shows: the sample time to offer (now, or what was
    entered) and whether its recorder may still withdraw its result."""
    now = timezone.now()
    test.overdue = test.due < timezone.localdate(now)
    entered = extra.pop("entered", None)
    return {
        "test": test,
        "now_value": timezone.localtime(now).strftime(DATETIME_LOCAL),
        "sampled_value": entered or timezone.localtime(now).strftime(DATETIME_LOCAL),
        "withdrawable": test.withdrawable_by(request.user, now),
        **extra,
    }


@login_required
def tests_due(request):
    """Pending tests due today or overdue, the oldest first; above them, the results the
    user recorded in the last minutes, which they may still withdraw."""
    now = timezone.now()
    tests = listings.tests(request.user, request.GET)
    page = CappedPaginator(tests, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "recent": selectors_care.recent_result_list(user=request.user, now=now),
        "now_value": timezone.localtime(now).strftime(DATETIME_LOCAL),
        "withdraw_minutes": int(WITHDRAW_WITHIN.total_seconds() // 60),
    }
    return render(request, "communities/care/test_list.html", context)


def _test_of(user, pk: int) -> NucleicAcidTest:
    return get_object_or_404(
        NucleicAcidTest.objects.filter(resident__in=access.residents_for(user)), pk=pk
    )


@login_required
@require_POST
def result_record(request, pk):
    """One tap: record a negative or positive result sampled at the time entered (now by
    default); htmx gets the row back, with the error when the time is refused."""
    user = request.user
    test = _test_of(user, pk)
    form = ResultForm(request.POST)
    valid = form.is_valid()
    if form.has_error("result"):
        return HttpResponseBadRequest(_("The result must be negative or positive."))
    # The list offers pending tests only; a second tap (or a stale page) changes nothing.
    already = test.result != NucleicAcidTest.Result.PENDING
    if valid and not already:
        try:
            test = services.test_result_record(
                test=test,
                result=form.cleaned_data["result"],
                sampled_at=form.cleaned_data["sampled_at"],
                by=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
    errors = [] if already else [e for field in form.errors.values() for e in field]
    if request.htmx:
        context = _row_context(
            request, test, already=already, errors=errors, entered=request.POST.get("sampled_at")
        )
        return render(request, "communities/care/test_list.html#row", context)
    if already:
        messages.info(request, _("This test was already recorded; nothing changed."))
    elif errors:
        messages.error(request, " ".join(errors))
    elif test.result == NucleicAcidTest.Result.POSITIVE:
        messages.warning(request, _turned_red(test.resident.name))
    else:
        messages.success(request, _("Recorded."))
    return redirect("care:test-list")


@login_required
@require_POST
def result_withdraw(request, pk):
    """Withdraw a result recorded by mistake: its recorder, within minutes of recording it
    (the service says why not otherwise); htmx gets the row back, pending again."""
    user = request.user
    test = _test_of(user, pk)
    try:
        test = services.test_result_withdraw(test=test, by=user)
    except ValidationError as error:
        refusal = " ".join(error.messages)
        if request.htmx:
            test.refresh_from_db()
            context = _row_context(request, test, refusal=refusal)
            return render(request, "communities/care/test_list.html#row", context)
        messages.error(request, refusal)
        return redirect("care:test-list")
    if request.htmx:
        context = _row_context(request, test, withdrawn=True)
        return render(request, "communities/care/test_list.html#row", context)
    messages.success(
        request,
        _("%(name)s: the result is withdrawn and the test is pending again; the code is %(code)s.")
        % {"name": test.resident.name, "code": HealthCode(test.resident.code).label},
    )
    return redirect("care:test-list")


def _turned_red(name: str) -> str:
    return _("%(name)s: the health code turned red; the street and the district were alerted.") % {
        "name": name
    }


# --- Daily follow-ups ------------------------------------------------------------------------


@login_required
def followup_list(request):
    """Residents under an active measure: today's follow-up or "missing", and the earlier
    days of the measure without one."""
    today = timezone.localdate()
    missing = request.GET.get("missing") == "today"  # a link from the home page's count
    measures = listings.measures(request.user, request.GET)
    page = CappedPaginator(measures, PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "missing": missing,
        "page": page,
        "rows": selectors_care.care_rows(page, today=today),
        "today": today,
        "fever_from": FEVER_FROM,
    }
    return render(request, "communities/care/followup_list.html", context)


def _day_param(request) -> date | None:
    try:
        return date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        return None


@login_required
def followup_record(request, pk):
    user = request.user
    resident = get_object_or_404(access.residents_for(user), pk=pk)
    initial = {"day": _day_param(request) or timezone.localdate()}
    form = FollowUpForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            followup = services.followup_record(
                resident=resident,
                day=data["day"],
                temperature=data["temperature"],
                symptoms=data["symptoms"],
                note=data["note"],
                by=user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            anomaly = Anomaly.objects.filter(followup=followup).first()
            if anomaly:
                messages.warning(
                    request,
                    _(
                        "%(name)s, %(detail)s: the health code turned red; the street and the "
                        "district were alerted."
                    )
                    % {"name": resident.name, "detail": anomaly.detail},
                )
            else:
                messages.success(
                    request,
                    _("%(name)s: the follow-up of %(day)s is recorded.")
                    % {"name": resident.name, "day": followup.day.isoformat()},
                )
            return redirect("care:followup-list")
    context = {
        "resident": resident,
        "measure": selectors.measure_active(resident=resident),
        "form": form,
    }
    return render(request, "communities/care/followup_form.html", context)


# --- Anomalies -------------------------------------------------------------------------------


@login_required
def anomaly_list(request):
    """异常待处置: the open anomalies of the user's residents, the most recent first."""
    anomalies = listings.anomalies(request.user, request.GET)
    page = CappedPaginator(anomalies, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "communities/care/anomaly_list.html", {"page": page})


@login_required
def anomaly_resolve(request, pk):
    """Resolve one anomaly with its outcome and a note. The resident's page posts its
    forms here (htmx gets the anomaly back with the error, or goes to the page again);
    without JavaScript this is the form on a page of its own."""
    user = request.user
    anomaly = get_object_or_404(
        access.anomalies_for(user).select_related("resident__grid__parent", "resolved_by"), pk=pk
    )
    if not access.can_resolve_anomalies(user):
        raise PermissionDenied
    form = AnomalyResolveForm(request.POST or None, anomaly=anomaly)
    if request.method == "POST" and form.is_valid():
        try:
            services.anomaly_resolve(anomaly=anomaly, by=user, **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                _("%(name)s: the anomaly is resolved (%(outcome)s).")
                % {
                    "name": anomaly.resident.name,
                    "outcome": Anomaly.Outcome(form.cleaned_data["outcome"]).label,
                },
            )
            url = reverse("communities:resident-detail", args=[anomaly.resident_id])
            return HttpResponseClientRedirect(url) if request.htmx else redirect(url)
    anomaly.resolve_form = form
    context = {"a": anomaly, "resident": anomaly.resident}
    if request.htmx:
        return render(request, "communities/resident_detail.html#anomaly", context)
    return render(request, "communities/care/anomaly_resolve.html", context)
