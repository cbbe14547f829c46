"""The admin site's view of the quarantine hotels."""

from django.contrib import admin

from .models import (
    Certificate,
    Checklist,
    Hotel,
    OccupancyDay,
    Placement,
    ReserveTarget,
    Room,
    RosterEntry,
    StaffMember,
    Training,
)


class RoomInline(admin.TabularInline):
    model = Room
    extra = 0


@admin.register(Hotel)
class HotelAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "state", "accepted_on", "accepted_by"]
    list_filter = ["state", "district"]
    search_fields = ["name", "address"]
    inlines = [RoomInline]


@admin.register(ReserveTarget)
class ReserveTargetAdmin(admin.ModelAdmin):
    list_display = ["district", "rooms", "set_by", "set_at"]


class RecordAdmin(admin.ModelAdmin):
    """Written by the services (placing, ticking, the refresh), never edited here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Placement)
class PlacementAdmin(RecordAdmin):
    list_display = ["resident", "hotel", "room", "due_out", "transfer_at", "left_on"]
    list_select_related = ["resident", "hotel", "room"]
    list_filter = ["hotel"]
    raw_id_fields = ["resident", "measure"]


@admin.register(Checklist)
class ChecklistAdmin(RecordAdmin):
    list_display = ["hotel", "day", "completed_at"]
    list_filter = ["hotel", "day"]


@admin.register(OccupancyDay)
class OccupancyDayAdmin(RecordAdmin):
    list_display = ["district", "day", "in_use", "occupied", "free", "standby", "target"]


class TrainingInline(admin.TabularInline):
    model = Training
    extra = 0


class CertificateInline(admin.TabularInline):
    model = Certificate
    extra = 0


@admin.register(StaffMember)
class StaffMemberAdmin(admin.ModelAdmin):
    list_display = ["name", "district", "post", "phone", "user"]
    list_filter = ["district"]
    search_fields = ["name"]
    raw_id_fields = ["user"]
    inlines = [TrainingInline, CertificateInline]


@admin.register(RosterEntry)
class RosterEntryAdmin(RecordAdmin):
    list_display = ["hotel", "staff", "since", "until", "removed_reason"]
    list_select_related = ["hotel", "staff"]
