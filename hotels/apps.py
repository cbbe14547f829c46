from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HotelsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "hotels"
    verbose_name = _("Quarantine hotels")

    def ready(self):
        # What hotels adds to the apps it builds on: the waiting items of the district
        # office and the hotel staff's day on the home page, its section of the
        # dashboards and its figures in the daily report (panels.py).
        from . import panels  # noqa: F401
