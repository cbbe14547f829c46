from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transfers"
    verbose_name = _("Exports")

    def ready(self):
        # Each app describes its own lists in its exports.py (transfers.registry); this
        # app only writes, runs and keeps the files.
        autodiscover_modules("exports")
