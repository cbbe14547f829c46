"""Refuse a request body larger than MAX_REQUEST_BYTES before anything reads it, with the
portal's own 400 (a page, or JSON under /api/). Django's own limits
(DATA_UPLOAD_MAX_MEMORY_SIZE, DATA_UPLOAD_MAX_NUMBER_FIELDS) still apply to form fields
and end in the same answer through handler400."""

from django.conf import settings

from .errors import bad_request


class RequestSizeLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            return bad_request(request)
        return self.get_response(request)
