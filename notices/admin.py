from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities import rules

from . import services
from .models import Notice


@admin.register(Notice)
class NoticeAdmin(admin.ModelAdmin):
    """Sent by the tasks; here to find failed ones (filter on state) and send them again."""

    list_display = [
        "created_at",
        "kind",
        "channel",
        "state",
        "recipient",
        "masked_phone",
        "attempts",
        "next_attempt_at",
        "sent_at",
        "last_error",
    ]
    list_filter = ["state", "channel", "kind", "created_at"]
    search_fields = ["dedupe_key", "recipient__username", "=phone", "text", "last_error"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "kind",
        "channel",
        "recipient",
        "phone",
        "resident",
        "text",
        "due_at",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "dedupe_key",
        "created_at",
        "sent_at",
        "read_at",
    ]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False  # notices come from the services, with their dedupe keys

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return rules.mask_phone(obj.phone) if obj.phone else ""

    @admin.action(description=_("Send the selected failed notices again"))
    def send_again(self, request, queryset):
        count = services.notices_retry(ids=queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext("%(count)d notice queued again.", "%(count)d notices queued again.", count)
            % {"count": count},
            messages.SUCCESS,
        )
