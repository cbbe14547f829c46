"""The admin site's view of vaccination: the product table (saved through the service, so
that a changed course writes the statuses again); the policy, doses, statuses and coverage
as records (the policy is set on its page, doses by the services, statuses from them)."""

from django.contrib import admin

from . import services
from .models import BoosterPolicy, CoverageDay, Dose, Product, VaccinationState


@admin.register(Product)
class ProductAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "platform", "primary_doses", "manufacturer", "active"]
    list_filter = ["platform", "active"]
    search_fields = ["name", "code"]

    def save_model(self, request, obj, form, change):
        services.product_save(product=obj, by=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # doses refer to it: withdraw it from use instead


class RecordAdmin(admin.ModelAdmin):
    """Written by the services, never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(BoosterPolicy)
class BoosterPolicyAdmin(RecordAdmin):
    list_display = ["effective", "booster_age", "booster_after_days", "set_by", "set_at", "note"]
    list_select_related = ["set_by"]


@admin.register(Dose)
class DoseAdmin(RecordAdmin):
    list_display = ["resident", "day", "product", "number", "booster", "lot", "site"]
    list_filter = ["product", "booster"]
    list_select_related = ["resident", "product"]
    raw_id_fields = ["resident", "recorded_by"]
    date_hierarchy = "day"


@admin.register(VaccinationState)
class VaccinationStateAdmin(RecordAdmin):
    list_display = ["resident", "status", "full_course_on", "booster_on", "doses", "reminded_at"]
    list_filter = ["status"]
    list_select_related = ["resident"]
    raw_id_fields = ["resident"]


@admin.register(CoverageDay)
class CoverageDayAdmin(RecordAdmin):
    list_display = ["node", "day", "band", "residents", "full_course", "booster", "due"]
    list_filter = ["band", "day"]
    list_select_related = ["node"]
