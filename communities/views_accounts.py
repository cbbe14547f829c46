"""Staff passwords: the district office gives a staff member of its district who forgot
their password a temporary one (issue 11)."""

from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.cache import never_cache

from . import access, selectors, services

PER_PAGE = 50


@login_required
def staff_list(request):
    """The staff whose password the user may reset, with a search."""
    if not access.can_reset_passwords(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "")
    accounts = selectors.staff_list(user=request.user, query=query)
    page = Paginator(accounts, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "communities/accounts/staff_list.html", {"page": page, "q": query})


@never_cache  # the answer shows the temporary password once
@login_required
def staff_password(request, pk):
    """Reset one account's password: generate a temporary one, shown once, or set one
    typed here (the password policy applies). Either way the user sets their own at the
    next sign-in. A refused password is said on the form and nothing is stored."""
    account = get_object_or_404(selectors.staff_list(user=request.user), pk=pk)
    form = SetPasswordForm(account)
    if request.method == "POST":
        generate = "generate" in request.POST
        if not generate:
            form = SetPasswordForm(account, request.POST)
        if generate or form.is_valid():
            typed = "" if generate else form.cleaned_data["new_password1"]
            try:
                password = services.password_reset_by_office(
                    account=account, by=request.user, password=typed
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                context = {"account": account, "shown": password if generate else ""}
                return render(request, "communities/accounts/staff_password_done.html", context)
    context = {"account": account, "form": form}
    return render(request, "communities/accounts/staff_password.html", context)
