from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "notices"
    verbose_name = _("Notices")

    def ready(self):
        # notices' own reminder producers register themselves (notices.registry) when
        # reminders.py is imported; the apps that build on notices register theirs.
        from . import reminders  # noqa: F401
