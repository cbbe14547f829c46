from django.contrib import admin

from .models import Export


@admin.register(Export)
class ExportAdmin(admin.ModelAdmin):
    """Who exported which list with which filter, and how many rows: read only."""

    list_display = ("created_at", "by", "title", "format", "state", "rows", "streamed")
    list_filter = ("state", "format", "streamed", "list_name")
    search_fields = ("by__username", "title", "query")
    date_hierarchy = "created_at"
    list_select_related = ("by",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
