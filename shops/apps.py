from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopsConfig(AppConfig):
    name = "shops"
    verbose_name = _("Shops")

    def ready(self):
        # What shops adds to the core: its shops on the home page and in each node's
        # breakdown, counted as the user sees them.
        from communities import figures

        from . import access

        figures.register(key="shops", label=_("Shops"), visible=access.shops_for)
