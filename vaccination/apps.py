from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaccinationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "vaccination"
    verbose_name = _("Vaccination")
