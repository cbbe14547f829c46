import json
import urllib.error
import urllib.request

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

TIMEOUT = 10  # seconds


class SmsGatewayError(Exception):
    """The gateway answered with something other than 2xx."""


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    # A redirect would turn the POST into a GET without the message: refuse it (3xx raises).
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


_opener = urllib.request.build_opener(_NoRedirect)


class SmsBackend:
    """POSTs {"phone", "text"} as JSON to SMS_GATEWAY_URL with SMS_GATEWAY_KEY as a bearer
    token; raises on a network error, a timeout or an answer other than 2xx, so that the
    notice is retried."""

    def send(self, *, phone: str, text: str) -> None:
        url = settings.SMS_GATEWAY_URL
        if not url.startswith(("https://", "http://")):
            raise ImproperlyConfigured("SMS_GATEWAY_URL must be an http(s) URL.")
        request = urllib.request.Request(  # noqa: S310 (the scheme is checked above)
            url,
            data=json.dumps({"phone": phone, "text": text}, ensure_ascii=False).encode(),
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {settings.SMS_GATEWAY_KEY}",
            },
        )
        try:
            # urllib raises HTTPError for any answer other than 2xx (redirects included,
            # as _NoRedirect follows none)
            with _opener.open(request, timeout=TIMEOUT):
                pass
        except urllib.error.HTTPError as error:
            detail = error.read(200).decode("utf-8", "replace")
            raise SmsGatewayError(f"gateway answered {error.code}: {detail}") from error
