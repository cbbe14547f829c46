from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboards"
    verbose_name = _("Dashboards")

    def ready(self):
        from communities import figures

        from . import home, summary

        figures.register_summary(home.summary)
        figures.register_count_change(summary.counts_changed)
