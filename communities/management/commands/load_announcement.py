from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from communities import services
from communities.announcements import parse_announcement


def file_load(file: Path, *, check_window: bool = True):
    """Load the announcement in `file`: (announcement, created, warnings about names not
    on the official division list). A malformed file, or one effective outside the window
    of AnnouncementIn (unless check_window is off), is a CommandError, nothing stored."""
    try:
        text = file.read_bytes()
    except OSError as error:
        raise CommandError(f"{file}: {error.strerror}") from error
    parsed = parse_announcement(text, check_window=check_window)
    if parsed.errors:
        raise CommandError(f"{file} refused, nothing stored:\n  " + "\n  ".join(parsed.errors))
    announcement, created = services.announcement_load(data=parsed.data, by=None)
    return announcement, created, parsed.warnings


class Command(BaseCommand):
    help = "Loads a risk-area announcement (JSON of DOMAIN.md section 8); idempotent."

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)

    def handle(self, *args, file: Path, **options):
        announcement, created, warnings = file_load(file)
        for warning in warnings:
            self.stderr.write(f"Warning, not on the official division list: {warning}")
        verb = "Loaded" if created else "Already loaded, nothing changed:"
        self.stdout.write(
            f"{verb} {announcement.title} (effective {announcement.effective:%Y-%m-%d}): "
            f"{announcement.risk_areas.count()} risk areas, "
            f"{announcement.case_counties.count()} case counties, "
            f"{announcement.epidemic_cities.count()} epidemic cities."
        )
