from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from communities import rules

from .models import Assignment, Campaign, Inspection, JointGroup, Shop, ShopEvent


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "kind",
        "road",
        "address",
        "grid",
        "masked_phone",
        "venue_code_posted",
        "placard",
        "state",
    ]
    list_filter = ["kind", "placard", "state", "venue_code_posted"]
    search_fields = ["name", "address", "road", "licence_number"]
    autocomplete_fields = ["grid"]
    list_select_related = ["grid"]
    # placards and states change only through inspections (shops.services), with events
    readonly_fields = [
        "placard",
        "state",
        "reminders",
        "rectify_by",
        "reinspection_due",
        "public_id",
    ]

    @admin.display(description=_("contact phone"))
    def masked_phone(self, obj):
        return rules.mask_phone(obj.contact_phone) if obj.contact_phone else ""


class JointGroupInline(admin.TabularInline):
    model = JointGroup
    extra = 0
    raw_id_fields = ["grid_worker", "market_officer", "enforcement_officer"]


@admin.register(Campaign)
class CampaignAdmin(admin.ModelAdmin):
    list_display = ["title", "street", "starts_on", "ends_on"]
    list_select_related = ["street"]
    raw_id_fields = ["street", "created_by"]
    inlines = [JointGroupInline]


@admin.register(JointGroup)
class JointGroupAdmin(admin.ModelAdmin):
    list_display = ["__str__", "campaign", "grid_worker", "market_officer", "enforcement_officer"]
    list_select_related = ["campaign", "grid_worker", "market_officer", "enforcement_officer"]
    list_filter = ["campaign"]
    raw_id_fields = ["grid_worker", "market_officer", "enforcement_officer"]


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["campaign", "group", "shop"]
    list_select_related = ["campaign", "group", "shop"]
    list_filter = ["campaign"]
    raw_id_fields = ["shop", "group"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Inspections and events are records: written by the services, never edited."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyAdmin):
    list_display = ["shop", "inspected_at", "group", "inspector", "outcome", "is_reinspection"]
    list_filter = ["outcome", "is_reinspection", "campaign"]
    list_select_related = ["shop", "group", "inspector"]
    search_fields = ["shop__name"]


@admin.register(ShopEvent)
class ShopEventAdmin(ReadOnlyAdmin):
    list_display = ["shop", "kind", "at", "by", "placard_before", "placard_after"]
    list_filter = ["kind"]
    list_select_related = ["shop", "by"]
    search_fields = ["shop__name"]
