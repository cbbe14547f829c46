"""A pytest plugin (loaded with -p, before pytest-django imports the settings) that gives
the test run its environment: a throwaway secret, plain HTTP for the test client and the
live server, short-lived database connections (the Celery worker thread must not keep the
test database open), and SMS written to a file."""

import os

os.environ.setdefault("SECRET_KEY", "tests-only-not-secret")
os.environ.setdefault("DEBUG", "false")
os.environ["SECURE_SSL_REDIRECT"] = "false"
os.environ["SESSION_COOKIE_SECURE"] = "false"
os.environ["CSRF_COOKIE_SECURE"] = "false"
os.environ["CONN_MAX_AGE"] = "0"
os.environ.setdefault("SMS_BACKEND", "portal.sms.backends.filebased.SmsBackend")
# Playwright's sync API runs an event loop in the test thread; Django's ORM calls from the
# same thread are safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
