from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from communities import rules

from .models import Shop


@admin.register(Shop)
class ShopAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "address", "grid", "masked_phone", "venue_code_posted", "state"]
    list_filter = ["kind", "state", "venue_code_posted"]
    search_fields = ["name", "address", "licence_number"]
    autocomplete_fields = ["grid"]
    list_select_related = ["grid"]

    @admin.display(description=_("contact phone"))
    def masked_phone(self, obj):
        return rules.mask_phone(obj.contact_phone) if obj.contact_phone else ""
