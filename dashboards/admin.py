from django.contrib import admin

from .models import ArrivalDay, DailyReport, NodeDay


@admin.register(NodeDay)
class NodeDayAdmin(admin.ModelAdmin):
    list_display = ("node", "day", "residents", "red", "yellow", "refreshed_at")
    list_filter = ("day",)
    search_fields = ("node__name",)
    raw_id_fields = ("node",)


@admin.register(ArrivalDay)
class ArrivalDayAdmin(admin.ModelAdmin):
    list_display = ("node", "day", "province", "count")
    list_filter = ("day",)
    raw_id_fields = ("node",)


@admin.register(DailyReport)
class DailyReportAdmin(admin.ModelAdmin):
    list_display = ("node", "day", "built_at")
    list_filter = ("day",)
    search_fields = ("node__name",)
    raw_id_fields = ("node",)
