from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunitiesConfig(AppConfig):
    name = "communities"
    verbose_name = _("Jurisdictions and residents")

    def ready(self):
        from . import signals  # noqa: F401 - connects the receivers
