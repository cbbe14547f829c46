"""A way back for a staff member who forgot their password (issue 11): a reset by e-mail
(Django's pages, limited per network), or a temporary password from the district office."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import SetPasswordForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from . import access, ratelimit, selectors, services
from .paging import CappedPaginator

PER_PAGE = 50
# Reset e-mails asked for from one network (an IP address), counted in the shared cache
# whether or not the address belongs to an account, so that the limit tells nothing either.
FORM = "password-reset"  # the prefix of its rate-limit keys
IP_LIMIT, IP_WINDOW = 5, timedelta(hours=1)
IP_LIMIT_MESSAGE = _(
    "At most %(n)s reset e-mails can be asked for from one network in an hour. Please try "
    "again later, or ask your district prevention office for a temporary password."
)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's page: the same answer whether or not the address belongs to an account
    (an active one with a password); at most IP_LIMIT requests per network an hour."""

    def form_valid(self, form):
        key = ratelimit.ip_key(FORM, self.request)
        if ratelimit.slot_claim(key, IP_LIMIT, IP_WINDOW) is None:
            form.add_error(None, IP_LIMIT_MESSAGE % {"n": IP_LIMIT})
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().form_valid(form)

    @property
    def extra_email_context(self):
        """The link goes to PUBLIC_BASE_URL when it is set: behind a proxy the address a
        request came in on may be an internal one."""
        if not settings.PUBLIC_BASE_URL:
            return None
        base = urlsplit(settings.PUBLIC_BASE_URL)
        return {"protocol": base.scheme, "domain": base.netloc}


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """Django's page behind the e-mailed link; the new password (under the policy) also
    ends the API token and lifts the lock-out, and the reset is recorded."""

    def form_valid(self, form):
        response = super().form_valid(form)
        services.password_reset_by_email(user=form.user)
        return response


@login_required
def staff_list(request):
    """The staff whose password the user may reset, with a search."""
    if not access.can_reset_passwords(request.user):
        raise PermissionDenied
    query = request.GET.get("q", "")
    accounts = selectors.staff_list(user=request.user, query=query)
    page = CappedPaginator(accounts, PER_PAGE).get_page(request.GET.get("page"))
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
