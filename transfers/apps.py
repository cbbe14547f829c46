from django.apps import AppConfig
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext_lazy as _


class TransfersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "transfers"
    verbose_name = _("Imports and exports")

    def ready(self):
        # Each app describes its own lists in its exports.py and its kinds of file in its
        # imports.py (transfers.registry); this app only reads, writes, runs and keeps
        # the files.
        autodiscover_modules("exports", "imports")
