"""The portal's own error answers, in the user's language and without technical detail:
a page with the way back home, or JSON under /api/ (the API's clients read JSON)."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from . import api_errors

API_PREFIX = "/api/"


def _answer(request, status: int, title: str, message: str):
    if request.path.startswith(API_PREFIX):
        return JsonResponse({"detail": message}, status=status)
    context = {"status": status, "title": title, "message": message}
    return render(request, "errors/error.html", context, status=status)


def too_large_message() -> str:
    return _(
        "What was sent is too large or has too many fields: at most %(mb)s MB in all, files "
        "included. Go back, send a smaller file or less text, and try again."
    ) % {"mb": f"{settings.MAX_REQUEST_BYTES / 1024 / 1024:g}"}


def bad_request(request, exception=None):
    if request.path.startswith(API_PREFIX):
        # the API's own words for Django's limits, as its exception handler gives them
        limit = api_errors.over_limit_message(exception)
        if limit is not None:
            return JsonResponse({"detail": limit}, status=400)
    too_large = exception is None or isinstance(
        exception, (RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent)
    )
    message = (
        too_large_message()
        if too_large
        else _("What was sent could not be read. Go back and try again.")
    )
    return _answer(request, 400, _("The request could not be handled"), message)


def permission_denied(request, exception=None):
    return _answer(
        request,
        403,
        _("Not open to you"),
        _("This page is not open to your role. The menu shows the pages you may open."),
    )


def page_not_found(request, exception=None):
    return _answer(
        request,
        404,
        _("Not found"),
        _("There is no such page, or what it shows lies outside your area."),
    )


def server_error(request):
    return _answer(
        request,
        500,
        _("Something went wrong"),
        _("The error was recorded for the administrators. Try again in a moment."),
    )


def csrf_failure(request, reason=""):
    return _answer(
        request,
        403,
        _("This form has expired"),
        _("The page was open too long or was sent twice. Go back, reload it and send it again."),
    )
