"""A staff member given a temporary password sets their own before anything else."""

from django.shortcuts import redirect
from django.urls import reverse
from django_htmx.http import HttpResponseClientRedirect

# The pages such a user may still open: the password page itself, signing out, the language.
OPEN_URL_NAMES = ("password_change", "password_change_done", "logout", "set_language")


class PasswordChangeRequiredMiddleware:
    """Every request of a signed-in user whose must_change_password is set goes to the
    password page (htmx: the whole page goes there). After AuthenticationMiddleware and
    HtmxMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if self._must_change(request):
            target = reverse("password_change")
            if request.htmx:
                return HttpResponseClientRedirect(target)
            return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _must_change(request) -> bool:
        user = getattr(request, "user", None)
        return bool(
            user is not None
            and user.is_authenticated
            and user.must_change_password
            and request.path not in {reverse(name) for name in OPEN_URL_NAMES}
        )
