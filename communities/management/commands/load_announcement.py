from pathlib import Path

from django.core.management.base import BaseCommand

from communities.announcements import file_load


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
