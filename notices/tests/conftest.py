import json

import pytest

from communities.tests.conftest import world  # noqa: F401
from portal.celery import app


@pytest.fixture
def sms_file(settings, tmp_path):
    """SMS go to SMS_FILE_PATH/messages.jsonl; returns a function reading the messages."""
    settings.SMS_BACKEND = "portal.sms.backends.filebased.SmsBackend"
    settings.SMS_FILE_PATH = tmp_path

    def messages() -> list[dict]:
        path = tmp_path / "messages.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]

    return messages


@pytest.fixture
def eager():
    """Tasks queued with delay() run at once in the test, never through a broker."""
    app.conf.task_always_eager = True
    try:
        yield
    finally:
        app.conf.task_always_eager = False


@pytest.fixture
def emails(world):  # noqa: F811 (the imported fixture)
    """Every staff user of the world gets an e-mail address."""
    for key, user in world["users"].items():
        user.email = f"{key}@example.gov.cn"
        user.save(update_fields=["email"])
    return world["users"]
