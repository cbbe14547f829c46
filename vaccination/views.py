"""Vaccination's pages: the residents by status, the booster list, a dose recorded on a
resident's page, and the city office's products and booster policy."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from communities import access as core_access
from communities.paging import CappedPaginator
from portal.forms import add_service_errors

from . import access, listings, rules, selectors, services
from .forms import DoseForm, PolicyForm, ProductForm
from .models import Product, Status
from .panels import BAND_LABELS

PER_PAGE = 50


def _filters(request) -> dict:
    return {
        "statuses": [(selectors.COMPLETED, _("Full course (a booster included)")), *Status.choices],
        "bands": [(band.key, BAND_LABELS[band.key]) for band in (*rules.BANDS, rules.ALL_BANDS)],
        "status": request.GET.get("status", ""),
        "band": request.GET.get("band", ""),
    }


@login_required
def resident_list(request):
    """接种情况: the user's residents with the status their doses give."""
    residents = listings.residents(request.user, request.GET)
    # a deep page's keys from the list's index, then its rows (communities' resident list)
    page = CappedPaginator(residents, PER_PAGE, keys_first=True).get_page(request.GET.get("page"))
    return render(request, "vaccination/resident_list.html", {"page": page, **_filters(request)})


@login_required
def due_list(request):
    """加强针应种名单: who is due a booster today, the longest due first."""
    states = listings.due(request.user, request.GET)
    page = CappedPaginator(states, PER_PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    policy = selectors.policy_on(today)
    for state in page:
        state.due_on = selectors.due_on_of(state, policy)
    context = {"page": page, "policy": policy, **_filters(request)}
    return render(request, "vaccination/due_list.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def dose_record(request, pk):
    user = request.user
    resident = get_object_or_404(core_access.residents_for(user), pk=pk)
    if not access.can_record_doses(user):
        raise PermissionDenied
    state = selectors.state_of(resident)
    initial = {"day": timezone.localdate(), "number": (state.doses if state else 0) + 1}
    form = DoseForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.dose_record(resident=resident, by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _("%(name)s: the dose of %(day)s is recorded.")
                % {"name": resident.name, "day": form.cleaned_data["day"].isoformat()},
            )
            return redirect("communities:resident-detail", pk=resident.pk)
    context = {"resident": resident, "state": state, "form": form}
    return render(request, "vaccination/dose_form.html", context)


def _policy_user(request):
    if not access.can_set_policy(request.user):
        raise PermissionDenied
    return request.user


@login_required
@require_http_methods(["GET", "POST"])
def policy(request):
    """The city office's booster policy (a new one from a day on) and the products."""
    user = _policy_user(request)
    today = timezone.localdate()
    current = selectors.policy_row_on(today)
    defaults = rules.Policy(courses={})
    form = PolicyForm(
        request.POST or None,
        initial={
            "effective": today,
            "booster_age": current.booster_age if current else defaults.booster_age,
            "booster_after_days": (
                current.booster_after_days if current else defaults.booster_after_days
            ),
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            row = services.policy_set(by=user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request,
                _(
                    "From %(day)s a booster is due from age %(age)s, %(days)s days after "
                    "the full course."
                )
                % {
                    "day": row.effective.isoformat(),
                    "age": row.booster_age,
                    "days": row.booster_after_days,
                },
            )
            return redirect("vaccination:policy")
    context = {
        "form": form,
        "current": current,
        "defaults": defaults,
        "history": selectors.policy_history(),
        "products": selectors.products(),
    }
    return render(request, "vaccination/policy.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def product_edit(request, pk=None):
    user = _policy_user(request)
    product = Product() if pk is None else get_object_or_404(Product, pk=pk)
    form = ProductForm(request.POST or None, instance=product)
    if request.method == "POST" and form.is_valid():
        services.product_save(product=form.save(commit=False), by=user)
        messages.success(request, _("The product %(name)s is saved.") % {"name": product.name})
        return redirect("vaccination:policy")
    return render(request, "vaccination/product_form.html", {"form": form, "product": product})
