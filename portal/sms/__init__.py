"""Pluggable SMS sending, configured by settings.SMS_BACKEND (like Django's e-mail)."""

from django.conf import settings
from django.utils.module_loading import import_string


def get_backend():
    return import_string(settings.SMS_BACKEND)()


def send_sms(*, phone: str, text: str) -> None:
    """Send one message; raises on failure so that the caller can retry."""
    get_backend().send(phone=phone, text=text)
