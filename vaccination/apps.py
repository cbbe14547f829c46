from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaccinationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vaccination"
    verbose_name = _("Vaccination")

    def ready(self):
        # What vaccination adds to the apps it builds on: its reminder and the check before
        # it is sent (reminders.py), the panel on a resident's page, its coverage on the
        # dashboards and in the daily report (panels.py).
        from . import panels, reminders  # noqa: F401
