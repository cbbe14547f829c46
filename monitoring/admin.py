from django.contrib import admin

from .models import Heartbeat


@admin.register(Heartbeat)
class HeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "seen_at", "beats"]
    search_fields = ["worker"]
    readonly_fields = ["worker", "seen_at", "beats"]
