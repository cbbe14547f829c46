from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from . import rules, services
from .forms import StaffUserChangeForm
from .models import (
    AnnouncedCaseCounty,
    AnnouncedEpidemicCity,
    AnnouncedRiskArea,
    Announcement,
    Anomaly,
    Appeal,
    ArrivalReport,
    CodeChangeProposal,
    ControlMeasure,
    DecisionReview,
    FollowUp,
    GridTask,
    HealthCodeEvent,
    IdentityChange,
    ImpactPreview,
    Jurisdiction,
    NucleicAcidTest,
    PersonalDataView,
    PersonDecision,
    RecomputeChunk,
    RecomputeRun,
    Resident,
    Stay,
    User,
    VenueReport,
)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services: read-only here."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
        (
            _("Role and jurisdiction"),
            {"fields": ("role", "jurisdiction", "grids", "phone", "must_change_password")},
        ),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Role and jurisdiction"), {"fields": ("role", "jurisdiction", "phone")}),
    )

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if change and {"password", "is_active"} & set(form.changed_data):
            services.token_revoke(user=obj)

    def user_change_password(self, request, id, form_url=""):
        """The admin's "set password" form: a new (or unusable) password ends the token."""
        response = super().user_change_password(request, id, form_url)
        user = self.get_object(request, unquote(id))
        if request.method == "POST" and response.status_code == 302 and user is not None:
            services.token_revoke(user=user)
        return response


class IdentityChangeShown:
    @admin.display(description=_("changes"))
    def changes_shown(self, obj):
        """{"field": [before, after]} in words, masked as lists mask them."""
        return "；".join(
            f"{Resident._meta.get_field(field).verbose_name}: {before} → {after}"
            for field, before, after in rules.identity_change_rows(obj.changes)
        )


class IdentityChangeInline(IdentityChangeShown, admin.TabularInline):
    """Confirmed changes of name or phone, written only by the arrival services."""

    model = IdentityChange
    extra = 0
    can_delete = False
    fields = readonly_fields = ["at", "changes_shown", "by"]

    def has_add_permission(self, request, obj=None):
        return False


class ArrivalIdentityChangeInline(IdentityChangeInline):
    fk_name = "arrival"


class RecordsFullViews:
    """The change page shows the full ID number and phone (to edit them), so each time it
    is shown (view, edit, a form sent back with errors) a PersonalDataView is recorded."""

    def personal_data_of(self, obj) -> dict:
        raise NotImplementedError

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        if obj is not None:
            services.personal_data_view_record(user=request.user, **self.personal_data_of(obj))
        return super().render_change_form(request, context, add, change, form_url, obj)


@admin.register(Resident)
class ResidentAdmin(RecordsFullViews, admin.ModelAdmin):
    list_display = [
        "name",
        "masked_id_number",
        "masked_phone",
        "grid",
        "code",
        "code_rule",
        "updated_at",
    ]
    search_fields = ["name", "=id_number", "=phone"]
    list_filter = ["code", "code_rule"]
    readonly_fields = ["code", "code_rule", "code_changed_at"]
    autocomplete_fields = ["grid"]
    list_select_related = ["grid"]
    show_full_result_count = False  # no COUNT(*) of a million rows on every page
    inlines = [IdentityChangeInline]

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return rules.mask_id_number(obj.id_number)

    @admin.display(description=_("phone"))
    def masked_phone(self, obj):
        return rules.mask_phone(obj.phone)

    def personal_data_of(self, obj):
        return {"resident": obj}


class RiskAreaInline(admin.TabularInline):
    model = AnnouncedRiskArea
    extra = 0
    can_delete = False
    readonly_fields = ["level", "province", "city", "county", "street", "area"]


class CaseCountyInline(admin.TabularInline):
    model = AnnouncedCaseCounty
    extra = 0
    can_delete = False
    readonly_fields = ["province", "city", "county", "street"]


class EpidemicCityInline(admin.TabularInline):
    model = AnnouncedEpidemicCity
    extra = 0
    can_delete = False
    readonly_fields = ["province", "city", "since"]


@admin.register(Announcement)
class AnnouncementAdmin(ReadOnlyAdmin):
    """Announcements are immutable once loaded: publish through the upload page or API."""

    list_display = ["title", "effective", "published_at", "published_by"]
    list_filter = ["effective"]
    search_fields = ["title"]
    readonly_fields = [
        "title",
        "effective",
        "measures",
        "digest",
        "payload",
        "published_by",
        "published_at",
    ]
    inlines = [RiskAreaInline, CaseCountyInline, EpidemicCityInline]


@admin.register(AnnouncedRiskArea)
class AnnouncedRiskAreaAdmin(admin.ModelAdmin):
    list_display = ["__str__", "level", "announcement"]
    list_filter = ["level", "province"]
    search_fields = ["province", "city", "county", "street", "area"]
    list_select_related = ["announcement"]


class StayInline(admin.TabularInline):
    model = Stay
    extra = 0


@admin.register(ArrivalReport)
class ArrivalReportAdmin(RecordsFullViews, admin.ModelAdmin):
    list_display = [
        "reference",
        "name",
        "masked_id_number",
        "arrival_date",
        "community",
        "source",
        "state",
        "created_at",
    ]
    list_filter = ["state", "source", "transport", "landing_point_kind", "arrival_date"]
    search_fields = ["=reference", "name", "=id_number", "=phone", "landing_point"]
    list_select_related = ["community"]
    autocomplete_fields = ["resident", "community"]
    readonly_fields = ["reference", "decision", "filed_by", "created_at"]
    inlines = [StayInline, ArrivalIdentityChangeInline]
    date_hierarchy = "arrival_date"

    @admin.display(description=_("ID number"))
    def masked_id_number(self, obj):
        return rules.mask_id_number(obj.id_number)

    def personal_data_of(self, obj):
        return {"arrival": obj, "resident": obj.resident}


@admin.register(HealthCodeEvent)
class HealthCodeEventAdmin(ReadOnlyAdmin):
    """The code history is written only by the code service: read-only here."""

    list_display = ["resident", "kind", "from_code", "to_code", "rule", "actor", "created_at"]
    list_filter = ["kind", "to_code", "rule"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident", "actor"]
    date_hierarchy = "created_at"


@admin.register(ControlMeasure)
class ControlMeasureAdmin(admin.ModelAdmin):
    list_display = ["resident", "rule", "start", "end", "release_due", "state"]
    list_filter = ["state", "rule", "release_due"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident"]
    raw_id_fields = ["resident", "arrival"]


@admin.register(NucleicAcidTest)
class NucleicAcidTestAdmin(admin.ModelAdmin):
    list_display = ["resident", "kind", "due", "sampled_at", "result"]
    list_filter = ["kind", "result", "due"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident"]
    raw_id_fields = ["resident", "arrival"]


@admin.register(GridTask)
class GridTaskAdmin(RecordsFullViews, admin.ModelAdmin):
    list_display = ["kind", "community", "due_at", "state", "done_by"]
    list_filter = ["kind", "state"]
    list_select_related = ["community", "done_by"]
    raw_id_fields = ["arrival", "resident"]  # a drop-down of a million residents would not load
    autocomplete_fields = ["community"]

    def personal_data_of(self, obj):
        return {"task": obj, "arrival": obj.arrival, "resident": obj.resident}


@admin.register(PersonalDataView)
class PersonalDataViewAdmin(ReadOnlyAdmin):
    """Who saw whose full personal data, and when: an audit trail, read-only."""

    list_display = ["viewed_at", "user", "resident", "arrival", "task"]
    search_fields = ["user__username", "resident__name", "arrival__name"]
    list_select_related = ["user", "resident", "arrival", "task"]
    date_hierarchy = "viewed_at"

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AnnouncedCaseCounty)
class AnnouncedCaseCountyAdmin(admin.ModelAdmin):
    list_display = ["__str__", "announcement"]
    list_filter = ["province"]
    search_fields = ["province", "city", "county", "street"]
    list_select_related = ["announcement"]


@admin.register(AnnouncedEpidemicCity)
class AnnouncedEpidemicCityAdmin(admin.ModelAdmin):
    list_display = ["__str__", "since", "announcement"]
    list_filter = ["province"]
    search_fields = ["province", "city"]
    list_select_related = ["announcement"]


@admin.register(Stay)
class StayAdmin(admin.ModelAdmin):
    list_display = ["__str__", "start", "end", "arrival"]
    list_filter = ["province"]
    search_fields = ["province", "city", "county", "street", "area", "arrival__name"]
    list_select_related = ["arrival"]
    raw_id_fields = ["arrival"]


@admin.register(FollowUp)
class FollowUpAdmin(admin.ModelAdmin):
    list_display = ["resident", "day", "temperature", "symptoms", "recorded_by"]
    list_filter = ["day"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident", "recorded_by"]
    raw_id_fields = ["resident", "measure"]


@admin.register(Anomaly)
class AnomalyAdmin(ReadOnlyAdmin):
    """Raised by follow-ups and tests (the code turns red), resolved with an outcome on the
    resident's page (the code comes back, the decision is recorded); read-only here, so
    that none is closed without a word."""

    list_display = ["resident", "kind", "detail", "created_at", "resolved_at", "outcome"]
    list_filter = ["kind", "outcome", "resolved_at"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident"]
    raw_id_fields = ["resident", "followup", "test"]


@admin.register(CodeChangeProposal)
class CodeChangeProposalAdmin(ReadOnlyAdmin):
    """Decided on the review pages (two people); read-only here."""

    list_display = ["resident", "from_code", "to_code", "proposed_by", "state", "decided_by"]
    list_filter = ["state", "to_code"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident", "proposed_by", "decided_by"]


@admin.register(Appeal)
class AppealAdmin(admin.ModelAdmin):
    list_display = ["reference", "resident", "source", "state", "outcome", "created_at", "due_at"]
    list_filter = ["state", "outcome", "source"]
    search_fields = ["=reference", "resident__name", "=resident__id_number"]
    list_select_related = ["resident"]
    raw_id_fields = ["resident"]
    readonly_fields = ["reference", "created_at"]


@admin.register(VenueReport)
class VenueReportAdmin(admin.ModelAdmin):
    list_display = ["venue_name", "venue_kind", "resident", "seen_code", "seen_at"]
    list_filter = ["venue_kind", "seen_code"]
    search_fields = ["venue_name", "resident__name"]
    list_select_related = ["resident"]
    raw_id_fields = ["resident"]


class RecomputeChunkInline(admin.TabularInline):
    model = RecomputeChunk
    extra = 0
    can_delete = False
    readonly_fields = ["lo", "hi", "state", "changed", "finished_at"]


@admin.register(RecomputeRun)
class RecomputeRunAdmin(admin.ModelAdmin):
    """Runs are started by announcements and beat; the admin shows their progress."""

    list_display = [
        "started_at",
        "kind",
        "state",
        "chunks_done",
        "chunks_total",
        "to_red",
        "to_yellow",
        "to_green",
        "kept_decided",
        "kept_covered",
        "to_review",
        "finished_at",
    ]
    list_filter = ["kind", "state"]
    readonly_fields = [f.name for f in RecomputeRun._meta.fields]
    inlines = [RecomputeChunkInline]

    def has_add_permission(self, request):
        return False


@admin.register(ImpactPreview)
class ImpactPreviewAdmin(ReadOnlyAdmin):
    """An announcement's dry runs before publishing (issue 14), written by their job."""

    list_display = ["requested_at", "state", "today", "to_red", "to_yellow", "to_review"]
    list_filter = ["state"]
    readonly_fields = [f.name for f in ImpactPreview._meta.fields]


@admin.register(RecomputeChunk)
class RecomputeChunkAdmin(admin.ModelAdmin):
    list_display = ["run", "lo", "hi", "state", "changed", "finished_at"]
    list_filter = ["state"]
    list_select_related = ["run"]


@admin.register(PersonDecision)
class PersonDecisionAdmin(ReadOnlyAdmin):
    list_display = ["at", "resident", "kind", "code", "by"]
    list_filter = ["kind", "code"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident", "by"]
    date_hierarchy = "at"


@admin.register(DecisionReview)
class DecisionReviewAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "resident", "code", "rule", "state", "handled_by"]
    list_filter = ["state", "code", "rule"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident", "handled_by"]
    date_hierarchy = "created_at"


@admin.register(IdentityChange)
class IdentityChangeAdmin(IdentityChangeShown, ReadOnlyAdmin):
    list_display = ["at", "resident", "changes_shown", "arrival", "by"]
    search_fields = ["resident__name", "=resident__id_number"]
    list_select_related = ["resident", "arrival", "by"]
    date_hierarchy = "at"
