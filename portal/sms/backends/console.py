import sys


class SmsBackend:
    """Writes each message to standard output (the embedded default)."""

    def send(self, *, phone: str, text: str) -> None:
        sys.stdout.write(f"[SMS to {phone}] {text}\n")
        sys.stdout.flush()
