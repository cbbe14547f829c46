"""Input serializers validate shape only; output serializers are separate."""

import unicodedata
from datetime import timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import rules
from .models import (
    ArrivalReport,
    HealthCode,
    Jurisdiction,
    Resident,
    RiskLevel,
    User,
    VenueReport,
)
from .rules.policy import RULES_WITH_MEASURES, MeasureKind
from .validators import (
    journey_message,
    validate_arrival_date,
    validate_id_number,
    validate_mobile,
)

NAME = {"max_length": 50}
MAX_STAYS = 30
MAX_PHASE_DAYS = 60


class StrictSerializer(serializers.Serializer):
    """Refuses fields it does not know, so that a misspelt key is an error, not a silently
    empty list."""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({key: [_("Unknown field.")] for key in unknown})
        return super().to_internal_value(data)


class PlainTextField(serializers.CharField):
    """Text without control characters (Unicode category Cc: tabs and newlines too),
    checked before the surrounding white space is trimmed."""

    default_error_messages = {"control": _("Control characters (tabs, newlines…) are not allowed.")}

    def to_internal_value(self, data):
        if isinstance(data, str) and any(unicodedata.category(c) == "Cc" for c in data):
            self.fail("control")
        return super().to_internal_value(data)


class DateTimeInRangeField(serializers.DateTimeField):
    """DRF's, but a time without an offset that the time zone moves out of Python's range
    (0001-01-01T00:00 in Asia/Shanghai is in year 0 in UTC) is the field's "overflow" error;
    DRF catches the overflow for a time with an offset only, and the rest was a 500."""

    def enforce_timezone(self, value):
        try:
            return super().enforce_timezone(value)
        except OverflowError:
            self.fail("overflow")


# --- Announcements (DOMAIN.md section 8) ----------------------------------------------------

# The window of effective dates that people may publish (issue 11): a year back covers a
# late correction; a date more than 30 days ahead is most likely a typo (the upload page
# publishes one after an explicit confirmation).
EFFECTIVE_DAYS_BACK = 365
EFFECTIVE_DAYS_AHEAD = 30


def effective_is_later(effective) -> bool:
    """Whether `effective` lies more than EFFECTIVE_DAYS_AHEAD days after today."""
    return effective > timezone.localdate() + timedelta(days=EFFECTIVE_DAYS_AHEAD)


class RiskAreaIn(StrictSerializer):
    level = serializers.ChoiceField(choices=RiskLevel.choices)
    province = PlainTextField(**NAME)
    city = PlainTextField(**NAME)
    county = PlainTextField(**NAME)
    street = PlainTextField(max_length=50, required=False, allow_blank=True, default="")
    area = PlainTextField(max_length=100, required=False, allow_blank=True, default="")


class CaseCountyIn(StrictSerializer):
    province = PlainTextField(**NAME)
    city = PlainTextField(**NAME)
    county = PlainTextField(**NAME)
    street = PlainTextField(max_length=50, required=False, allow_blank=True, default="")


class EpidemicCityIn(StrictSerializer):
    province = PlainTextField(**NAME)
    city = PlainTextField(**NAME)
    since = serializers.DateField()


class PhaseIn(StrictSerializer):
    kind = serializers.ChoiceField(choices=[k.value for k in MeasureKind])
    days = serializers.IntegerField(min_value=1, max_value=MAX_PHASE_DAYS)


class AnnouncementIn(StrictSerializer):
    """The announcement of DOMAIN.md section 8.

    Context: "check_window" (default True) refuses an effective date more than a year back
    or, unless "later_confirmed", more than 30 days ahead. Every boundary where people send
    an announcement (the API, the upload page, load_announcement) keeps the check; only
    code that publishes fixed files of its own turns it off (seed_demo's demo loader and
    the test factories, whose announcement of DOMAIN.md is effective 2022-03-28)."""

    title = PlainTextField(max_length=200)
    effective = serializers.DateField()
    risk_areas = RiskAreaIn(many=True, required=False, default=list)
    case_counties = CaseCountyIn(many=True, required=False, default=list)
    epidemic_cities = EpidemicCityIn(many=True, required=False, default=list)
    measures = serializers.DictField(
        child=PhaseIn(many=True, allow_empty=False), required=False, default=dict
    )

    def validate_effective(self, value):
        if not self.context.get("check_window", True):
            return value
        if value < timezone.localdate() - timedelta(days=EFFECTIVE_DAYS_BACK):
            raise serializers.ValidationError(_("The effective date is more than a year ago."))
        if effective_is_later(value) and not self.context.get("later_confirmed"):
            raise serializers.ValidationError(
                _("The effective date is more than %(days)s days ahead.")
                % {"days": EFFECTIVE_DAYS_AHEAD}
            )
        return value

    def validate_measures(self, value):
        unknown = sorted(set(value) - RULES_WITH_MEASURES)
        if unknown:
            raise serializers.ValidationError(
                _("Only these rules have a measure: %(rules)s; not %(unknown)s.")
                % {"rules": ", ".join(sorted(RULES_WITH_MEASURES)), "unknown": ", ".join(unknown)}
            )
        return value


class AnnouncementOut(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    effective = serializers.DateField()
    published_at = serializers.DateTimeField()
    risk_areas = serializers.IntegerField(source="n_risk_areas")
    case_counties = serializers.IntegerField(source="n_case_counties")
    epidemic_cities = serializers.IntegerField(source="n_epidemic_cities")
    measures = serializers.JSONField()


# --- Stays and assessments -------------------------------------------------------------------


class StayIn(StrictSerializer):
    OUTER_NAMES = {"start": "from", "end": "to"}  # the names of the fixed interface

    province = serializers.CharField(**NAME)
    city = serializers.CharField(**NAME)
    county = serializers.CharField(**NAME)
    street = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    area = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    start = serializers.DateField()
    end = serializers.DateField()

    def to_internal_value(self, data):
        # The fixed interface names the dates "from" and "to" (Python keywords).
        if isinstance(data, dict):
            data = dict(data)
            for inner, outer in self.OUTER_NAMES.items():
                if outer in data:
                    data[inner] = data.pop(outer)
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            detail = error.detail
            if isinstance(detail, dict):
                detail = {self.OUTER_NAMES.get(k, k): v for k, v in detail.items()}
            raise serializers.ValidationError(detail) from error

    def validate(self, attrs):
        if attrs["end"] < attrs["start"]:
            raise serializers.ValidationError({"to": [_("A stay cannot end before it starts.")]})
        return attrs


class AssessmentIn(StrictSerializer):
    as_of = serializers.DateField(required=False, allow_null=True, default=None)
    arrival_date = serializers.DateField(required=False, allow_null=True, default=None)
    stays = StayIn(many=True, required=False, default=list, max_length=MAX_STAYS)
    abroad_quarantine_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=365
    )
    spatiotemporal_companion = serializers.BooleanField(required=False, default=False)
    big_data_push = serializers.BooleanField(required=False, default=False)

    def validate(self, attrs):
        attrs["as_of"] = attrs.get("as_of") or timezone.localdate()
        arrival = attrs.get("arrival_date")
        if arrival and arrival > attrs["as_of"]:
            raise serializers.ValidationError(
                {"arrival_date": [_("The arrival date cannot be after as_of.")]}
            )
        return attrs


class PhaseOut(serializers.Serializer):
    kind = serializers.CharField()
    days = serializers.IntegerField()
    start = serializers.DateField()
    end = serializers.DateField()


class TestOut(serializers.Serializer):
    kind = serializers.CharField()
    due = serializers.DateField()


class DecisionOut(serializers.Serializer):
    """The answer of the dry-run assessment (documentation of Decision.as_dict)."""

    code = serializers.ChoiceField(choices=HealthCode.choices)
    rule = serializers.CharField()
    matched_rules = serializers.ListField(child=serializers.CharField())
    measure = PhaseOut(many=True)
    release_due = serializers.DateField(allow_null=True)
    tests = TestOut(many=True)
    announcement = serializers.CharField()
    explanation = serializers.CharField()
    manual_review = serializers.BooleanField()


# --- Residents and arrivals ------------------------------------------------------------------


class IdNumberField(serializers.CharField):
    """An ID number, normalized (upper-case X) and checked by validators.validate_id_number."""

    def __init__(self, **kwargs):
        # the validator's one message covers the length too
        super().__init__(validators=[validate_id_number], **kwargs)

    def to_internal_value(self, data):
        return rules.normalize_id_number(super().to_internal_value(data))


class MobileField(serializers.CharField):
    def __init__(self, **kwargs):
        super().__init__(validators=[validate_mobile], **kwargs)


class ArrivalIn(StrictSerializer):
    name = serializers.CharField(max_length=50)
    id_number = IdNumberField()
    phone = MobileField()
    address = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    grid = serializers.PrimaryKeyRelatedField(
        queryset=Jurisdiction.objects.filter(level=Jurisdiction.Level.GRID)
    )
    arrival_date = serializers.DateField(validators=[validate_arrival_date])
    landing_point_kind = serializers.ChoiceField(choices=ArrivalReport.LandingPoint.choices)
    landing_point = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    transport = serializers.ChoiceField(choices=ArrivalReport.Transport.choices)
    source = serializers.ChoiceField(
        choices=[c for c in ArrivalReport.Source.choices if c[0] != ArrivalReport.Source.SELF],
        required=False,
        default=ArrivalReport.Source.GRID_WORKER,
    )
    abroad_quarantine_days = serializers.IntegerField(
        required=False, allow_null=True, default=None, min_value=0, max_value=365
    )
    stays = StayIn(many=True, max_length=MAX_STAYS)
    # The filer confirms that a registered ID number with another name or phone is the
    # same person (without it the answer is 409 with the fields that differ).
    confirm_identity = serializers.BooleanField(required=False, default=False)

    def __init__(self, *args, grids=None, **kwargs):
        super().__init__(*args, **kwargs)
        if grids is not None:
            self.fields["grid"].queryset = grids

    def validate(self, attrs):
        problems = rules.journey_problems(
            arrival_date=attrs["arrival_date"],
            stays=attrs["stays"],
            abroad_quarantine_days=attrs["abroad_quarantine_days"],
        )
        if problems:
            raise serializers.ValidationError({"stays": _stay_errors(problems, attrs["stays"])})
        return attrs


def _stay_errors(problems: list, stays: list) -> list:
    """rules.journey_problems as the errors of a list of stays: a message for the list as
    a whole, or one error a stay (empty for a good one) under its own field names."""
    whole = [journey_message(p) for p in problems if p.stay is None]
    if whole:
        return whole
    errors = [{} for _stay in stays]
    for problem in problems:
        field = StayIn.OUTER_NAMES[problem.field]
        errors[problem.stay].setdefault(field, []).append(journey_message(problem))
    return errors


class IdentityShownOut(serializers.Serializer):
    registered = serializers.CharField(help_text=_("masked as lists mask it"))
    typed = serializers.CharField()


class HandedOverOut(serializers.Serializer):
    """202: the person is registered outside the caller's grids; the report went to their
    own grid to verify (nothing more is said about them)."""

    detail = serializers.CharField()


class IdentityDiffersOut(serializers.Serializer):
    """409: the ID number is registered to a person with another name or phone."""

    detail = serializers.CharField()
    differs = serializers.DictField(child=IdentityShownOut())


class ResidentOut(serializers.ModelSerializer):
    """Residents as a list shows them: ID number and phone masked."""

    id_number = serializers.SerializerMethodField()
    phone = serializers.SerializerMethodField()
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    community = serializers.CharField(source="grid.parent.name", read_only=True)

    class Meta:
        model = Resident
        fields = [
            "id",
            "name",
            "id_number",
            "phone",
            "grid",
            "grid_name",
            "community",
            "code",
            "code_rule",
            "code_changed_at",
        ]

    def get_id_number(self, obj) -> str:
        return rules.mask_id_number(obj.id_number)

    def get_phone(self, obj) -> str:
        return rules.mask_phone(obj.phone)


class ArrivalOut(serializers.ModelSerializer):
    stays = serializers.SerializerMethodField()

    class Meta:
        model = ArrivalReport
        fields = [
            "id",
            "resident",
            "arrival_date",
            "landing_point_kind",
            "landing_point",
            "transport",
            "source",
            "state",
            "decision",
            "stays",
            "created_at",
        ]

    def get_stays(self, obj) -> list[dict]:
        return [
            {
                "province": s.province,
                "city": s.city,
                "county": s.county,
                "street": s.street,
                "area": s.area,
                "from": s.start,
                "to": s.end,
            }
            for s in obj.stays.all()
        ]


# --- Jurisdictions and users -------------------------------------------------------------------


class JurisdictionOutSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "level", "level_display", "parent", "code", "path"]


class MeOutSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    jurisdiction = JurisdictionOutSerializer(read_only=True)
    grids = JurisdictionOutSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "role",
            "role_display",
            "jurisdiction",
            "grids",
            "is_superuser",
        ]


# --- Big-data pushes and venue reports -------------------------------------------------------


class PersonRefIn(StrictSerializer):
    """Someone named by ID number or by phone."""

    id_number = IdNumberField(required=False, allow_blank=True, default="")
    phone = MobileField(required=False, allow_blank=True, default="")

    def validate(self, attrs):
        if not attrs.get("id_number") and not attrs.get("phone"):
            raise serializers.ValidationError(
                {"id_number": [_("Give an ID number or a phone number.")]}
            )
        return attrs


class CommunityRefField(serializers.PrimaryKeyRelatedField):
    """A community of the caller's area by its number; a name that was not found (the push
    file's 街道/社区) or a number outside the area is told as such, naming it."""

    def to_internal_value(self, data):
        if isinstance(data, bool) or not isinstance(data, (int, str)):
            self.fail("incorrect_type", data_type=type(data).__name__)
        if isinstance(data, str) and not data.isdigit():
            raise serializers.ValidationError(
                _("“%(community)s” is not a community of your area.") % {"community": data},
                code="not_in_area",
            )
        try:
            return self.get_queryset().get(pk=int(data))
        except (Jurisdiction.DoesNotExist, ValueError, OverflowError):
            raise serializers.ValidationError(
                _("Community number %(community)s is not a community of your area.")
                % {"community": data},
                code="not_in_area",
            ) from None


class PushPersonIn(PersonRefIn):
    name = serializers.CharField(max_length=50, required=False, allow_blank=True, default="")
    reason = serializers.CharField(max_length=500)
    community = CommunityRefField(
        queryset=Jurisdiction.objects.filter(level=Jurisdiction.Level.COMMUNITY),
        required=False,
        allow_null=True,
        default=None,
    )


class PushIn(StrictSerializer):
    persons = PushPersonIn(many=True, allow_empty=False, max_length=5000)

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if communities is not None:
            self.fields["persons"].child.fields["community"].queryset = communities


class VenueReportIn(PersonRefIn):
    """`community`: where the venue is, one of the filer's communities (may be left out by
    a filer who works in one community only)."""

    community = CommunityRefField(
        queryset=Jurisdiction.objects.none(), required=False, allow_null=True, default=None
    )
    venue_kind = serializers.ChoiceField(choices=VenueReport.VenueKind.choices)
    venue_name = serializers.CharField(max_length=100)
    seen_code = serializers.ChoiceField(choices=[HealthCode.RED, HealthCode.YELLOW])
    seen_at = DateTimeInRangeField(required=False, default=None, allow_null=True)
    note = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")

    def __init__(self, *args, communities=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.communities = communities if communities is not None else Jurisdiction.objects.none()
        self.fields["community"].queryset = self.communities

    def validate_seen_at(self, value):
        if value and value > timezone.now():
            raise serializers.ValidationError(_("This time is in the future."))
        return value

    def validate_community(self, value):
        if value is None:
            only = list(self.communities[:2])
            if len(only) != 1:
                raise serializers.ValidationError(_("Name the venue's community."))
            value = only[0]
        return value


class PushOut(serializers.Serializer):
    task = serializers.IntegerField(source="pk")
    kind = serializers.CharField()
    resident = serializers.IntegerField(source="resident_id", allow_null=True)
    community = serializers.IntegerField(source="community_id")
    due_at = serializers.DateTimeField()


class VenueReportOut(serializers.Serializer):
    id = serializers.IntegerField()
    venue_name = serializers.CharField()
    seen_code = serializers.CharField()
    seen_at = serializers.DateTimeField()
