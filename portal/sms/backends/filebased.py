import json
from pathlib import Path

from django.conf import settings
from django.utils import timezone


class SmsBackend:
    """Appends each message as one JSON line to SMS_FILE_PATH/messages.jsonl (tests)."""

    def send(self, *, phone: str, text: str) -> None:
        folder = Path(settings.SMS_FILE_PATH)
        folder.mkdir(parents=True, exist_ok=True)
        line = json.dumps(
            {"phone": phone, "text": text, "at": timezone.now().isoformat()}, ensure_ascii=False
        )
        with (folder / "messages.jsonl").open("a", encoding="utf-8") as out:
            out.write(line + "\n")
