from django.contrib import admin

from .models import Export, Import, ImportView


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


@admin.register(Import)
class ImportAdmin(admin.ModelAdmin):
    """Who imported which file, its rows and what became of it: read only."""

    list_display = ("created_at", "by", "title", "file_name", "state", "rows", "stored_rows")
    list_filter = ("state", "kind")
    search_fields = ("by__username", "file_name")
    date_hierarchy = "created_at"
    list_select_related = ("by",)
    exclude = ("problems",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportView)
class ImportViewAdmin(admin.ModelAdmin):
    """Who opened another's imported file, report or page: read only."""

    list_display = ("viewed_at", "user", "what", "record")
    list_filter = ("what",)
    list_select_related = ("user", "record")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
