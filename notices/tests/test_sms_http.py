"""The HTTP gateway backend against a gateway on the loopback interface."""

import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
from django.core.exceptions import ImproperlyConfigured

from portal.sms import send_sms
from portal.sms.backends.http import SmsGatewayError


class Gateway(BaseHTTPRequestHandler):
    status = 200
    received: list

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append(
            {
                "path": self.path,
                "authorization": self.headers["Authorization"],
                "content_type": self.headers["Content-Type"],
                "body": json.loads(body),
            }
        )
        self.send_response(self.status)
        self.end_headers()
        self.wfile.write(b'{"ok": false, "error": "quota"}' if self.status >= 400 else b"{}")

    def log_message(self, *args):
        pass


@pytest.fixture
def gateway(settings, monkeypatch):
    for name in ("http_proxy", "HTTP_PROXY", "https_proxy", "HTTPS_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    received = []
    handler = type("Handler", (Gateway,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.SMS_BACKEND = "portal.sms.backends.http.SmsBackend"
    settings.SMS_GATEWAY_URL = f"http://127.0.0.1:{server.server_port}/send"
    settings.SMS_GATEWAY_KEY = "k-123"
    try:
        yield handler
    finally:
        server.shutdown()
        server.server_close()


def test_the_message_is_posted_as_json_with_the_key_as_bearer_token(gateway):
    send_sms(phone="13800000001", text="【太原市疫情防控】请按时采样。")
    assert gateway.received == [
        {
            "path": "/send",
            "authorization": "Bearer k-123",
            "content_type": "application/json; charset=utf-8",
            "body": {"phone": "13800000001", "text": "【太原市疫情防控】请按时采样。"},
        }
    ]


@pytest.mark.parametrize("status", [302, 400, 500, 503])
def test_an_answer_other_than_2xx_raises(gateway, status):
    gateway.status = status
    with pytest.raises(SmsGatewayError, match=str(status)):
        send_sms(phone="13800000001", text="x")


def test_an_unreachable_gateway_raises(gateway, settings):
    settings.SMS_GATEWAY_URL = "http://127.0.0.1:9/send"  # discard port: nothing listens
    with pytest.raises(OSError):
        send_sms(phone="13800000001", text="x")


def test_a_url_that_is_not_http_is_refused(settings):
    settings.SMS_BACKEND = "portal.sms.backends.http.SmsBackend"
    settings.SMS_GATEWAY_URL = "file:///etc/passwd"
    with pytest.raises(ImproperlyConfigured):
        send_sms(phone="13800000001", text="x")
