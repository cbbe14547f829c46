"""How the API answers what goes wrong before a view's own checks (issue 11): JSON with a
`detail` message, as DRF answers its own errors, never Django's HTML pages."""

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import views
from rest_framework.decorators import api_view, authentication_classes, permission_classes
from rest_framework.exceptions import NotFound, ParseError


def exception_handler(exc, context):
    """DRF's handler, with two changes:
    - a body over Django's upload limits (read lazily, inside the view, when the body is
      parsed) is a 400 that says which limit, instead of Django's English page;
    - a 404 says "Not found." in the caller's language, as for a malformed id, instead of
      get_object_or_404's English "No Resident matches the given query."."""
    limit = over_limit_message(exc)
    if limit is not None:
        exc = ParseError(limit)
    elif isinstance(exc, Http404):
        exc = NotFound()
    return views.exception_handler(exc, context)


def over_limit_message(exc) -> str | None:
    """The API's words for a body over one of Django's limits, or None for anything else
    (also used by handler400 when the limit is met outside a DRF view)."""
    if isinstance(exc, RequestDataTooBig):
        return _(
            "The request body is too large: the API accepts at most %(size)s (uploaded "
            "files not counted)."
        ) % {"size": filesizeformat(settings.DATA_UPLOAD_MAX_MEMORY_SIZE)}
    if isinstance(exc, TooManyFieldsSent):
        return _("The request has too many fields: the API accepts at most %(count)s.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FIELDS
        }
    if isinstance(exc, TooManyFilesSent):
        return _("The request has too many files: the API accepts at most %(count)s.") % {
            "count": settings.DATA_UPLOAD_MAX_NUMBER_FILES
        }
    return None


@extend_schema(exclude=True)
@api_view(["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"])
@authentication_classes([])
@permission_classes([])
def not_found(request, *args, **kwargs):
    """Any other address under the API: DRF's 404 (an id that the routes do not take, such
    as "1.5" or "a/b", would otherwise get Django's HTML page)."""
    raise NotFound
