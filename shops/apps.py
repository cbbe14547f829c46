from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ShopsConfig(AppConfig):
    name = "shops"
    verbose_name = _("Shops")

    def ready(self):
        # What shops adds to the apps it builds on: its shops on the home page and in each
        # node's breakdown, counted as the user sees them, the group's sweep and the red
        # shops due for re-inspection (shops/home.py); its reminder and digest figures,
        # which notices runs (shops/reminders.py registers them when imported).
        from communities import figures

        from . import access, home, reminders  # noqa: F401

        figures.register(
            key="shops", label=_("Shops"), visible=access.shops_for, list_url=_shop_list_url
        )
        figures.register_panel(key="sweep", producer=home.group_sweep)
        figures.register_waiting(key="shops-red-due", producer=home.red_shops_due)


def _shop_list_url(node=None) -> str:
    """The register, narrowed to a node (the count's own) when given."""
    from django.urls import reverse

    url = reverse("shops:shop-list")
    return f"{url}?node={node.pk}" if node is not None else url
