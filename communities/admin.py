from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import rules
from .forms import StaffUserChangeForm
from .models import Jurisdiction, Resident, User


@admin.register(Jurisdiction)
class JurisdictionAdmin(admin.ModelAdmin):
    list_display = ["name", "level", "parent", "code"]
    list_filter = ["level"]
    search_fields = ["name", "code"]
    autocomplete_fields = ["parent"]
    list_select_related = ["parent"]
    readonly_fields = ["path"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = StaffUserChangeForm
    list_display = [
        "username",
        "last_name",
        "first_name",
        "role",
        "jurisdiction",
        "is_active",
        "last_login",
    ]
    list_filter = ["role", "jurisdiction__level", "is_active", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email", "phone", "jurisdiction__name"]
    list_select_related = ["jurisdiction"]
    autocomplete_fields = ["jurisdiction", "grids"]
    fieldsets = (
        *BaseUserAdmin.fieldsets,
        (_("Role and jurisdiction"), {"fields": ("role", "jurisdiction", "grids", "phone")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and jurisdiction"), {"fields": ("role", "jurisdiction", "phone")}),
    )


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ["name", "masked_id_number", "masked_phone", "grid", "updated_at"]
    search_fields = ["name", "=id_number", "=phone"]
    list_filter = ["grid__parent__parent"]
    autocomplete_fields = ["grid"]
    list_select_related = ["grid"]
    show_full_result_count = False  # no COUNT(*) of a million rows on every page

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return rules.mask_id_number(obj.id_number)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return rules.mask_phone(obj.phone)
