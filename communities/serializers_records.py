"""The API's serializers of the records that follow a person (issue 15): measures, tests,
follow-ups, anomalies, code events, proposals, appeals, tasks, recompute runs, staff.
Output serializers name a person by resident id and name only (no ID number, no phone: the
resident's own endpoint masks those); input serializers validate shape only."""

from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from . import rules
from .models import (
    RESOLUTION_CHOICES,
    Anomaly,
    Appeal,
    CodeChangeProposal,
    ControlMeasure,
    FollowUp,
    GridTask,
    HealthCode,
    HealthCodeEvent,
    NucleicAcidTest,
    RecomputeRun,
    Symptom,
    User,
)
from .serializers import DateTimeInRangeField, PlainTextField, StrictSerializer

TEXT = 1000


class _OfResident(serializers.ModelSerializer):
    resident_name = serializers.CharField(source="resident.name", read_only=True)


class MeasureOut(_OfResident):
    class Meta:
        model = ControlMeasure
        fields = [
            "id",
            "resident",
            "resident_name",
            "rule",
            "phases",
            "start",
            "end",
            "release_due",
            "state",
        ]


class NucleicAcidTestOut(_OfResident):
    class Meta:
        model = NucleicAcidTest
        fields = [
            "id",
            "resident",
            "resident_name",
            "kind",
            "due",
            "sampled_at",
            "result",
            "recorded_at",
        ]


class TestResultIn(StrictSerializer):
    result = serializers.ChoiceField(
        choices=[NucleicAcidTest.Result.NEGATIVE, NucleicAcidTest.Result.POSITIVE]
    )
    sampled_at = DateTimeInRangeField(required=False, allow_null=True, default=None)


class FollowUpOut(_OfResident):
    class Meta:
        model = FollowUp
        fields = ["id", "resident", "resident_name", "measure", "day", "temperature", "symptoms"]


class FollowUpIn(StrictSerializer):
    resident = serializers.IntegerField(min_value=1)
    day = serializers.DateField(required=False, default=None, allow_null=True)
    temperature = serializers.DecimalField(
        max_digits=3, decimal_places=1, min_value=34, max_value=43
    )
    symptoms = serializers.ListField(
        child=serializers.ChoiceField(choices=Symptom.choices), required=False, default=list
    )
    note = PlainTextField(max_length=200, required=False, allow_blank=True, default="")


class AnomalyOut(_OfResident):
    class Meta:
        model = Anomaly
        fields = [
            "id",
            "resident",
            "resident_name",
            "kind",
            "detail",
            "created_at",
            "resolved_at",
            "outcome",
        ]


class AnomalyResolveIn(StrictSerializer):
    outcome = serializers.ChoiceField(choices=RESOLUTION_CHOICES)
    note = serializers.CharField(max_length=TEXT)


class CodeEventOut(_OfResident):
    class Meta:
        model = HealthCodeEvent
        fields = ["id", "resident", "resident_name", "kind", "from_code", "to_code", "rule"]
        fields += ["reason", "created_at"]


class ProposalOut(_OfResident):
    class Meta:
        model = CodeChangeProposal
        fields = [
            "id",
            "resident",
            "resident_name",
            "from_code",
            "to_code",
            "reason",
            "proposed_at",
            "state",
            "decided_at",
            "decision_note",
        ]


class ProposalIn(StrictSerializer):
    resident = serializers.IntegerField(min_value=1)
    to_code = serializers.ChoiceField(choices=HealthCode.choices)
    reason = serializers.CharField(max_length=TEXT)


class ProposalDecideIn(StrictSerializer):
    approve = serializers.BooleanField()
    note = serializers.CharField(max_length=TEXT, required=False, allow_blank=True, default="")


class AppealOut(_OfResident):
    due_in_minutes = serializers.SerializerMethodField()

    class Meta:
        model = Appeal
        fields = [
            "id",
            "resident",
            "resident_name",
            "source",
            "reason",
            "quarantine_status",
            "code_at_filing",
            "state",
            "outcome",
            "created_at",
            "due_at",
            "due_in_minutes",
            "resolved_at",
            "resolution_note",
        ]

    def get_due_in_minutes(self, obj) -> int | None:
        """Minutes left until it is due (negative once overdue); none once resolved."""
        if obj.state == Appeal.State.RESOLVED:
            return None
        return int((obj.due_at - timezone.now()).total_seconds() // 60)


class AppealFileIn(serializers.Serializer):
    """(The shape of the multipart body, for the documentation: the page's form checks it.)"""

    resident = serializers.IntegerField(min_value=1)
    reason = serializers.CharField(max_length=TEXT)
    quarantine_status = serializers.CharField(max_length=200)
    evidence = serializers.FileField(help_text=_("The negative test report: JPEG, PNG or PDF."))


class AppealStepIn(StrictSerializer):
    note = serializers.CharField(max_length=TEXT)


class AppealResolveIn(AppealStepIn):
    release = serializers.BooleanField(
        help_text=_("true: the code turns green; false: the code stays.")
    )


class TaskOut(serializers.ModelSerializer):
    subject_id_number = serializers.SerializerMethodField()
    subject_phone = serializers.SerializerMethodField()

    class Meta:
        model = GridTask
        fields = [
            "id",
            "kind",
            "community",
            "resident",
            "arrival",
            "subject_name",
            "subject_id_number",
            "subject_phone",
            "reason",
            "due_at",
            "state",
            "note",
            "done_at",
        ]

    def get_subject_id_number(self, obj) -> str:
        return rules.mask_id_number(obj.subject_id_number or "")

    def get_subject_phone(self, obj) -> str:
        return rules.mask_phone(obj.subject_phone or "")


class TaskCloseIn(StrictSerializer):
    note = serializers.CharField(max_length=TEXT)


class RunOut(serializers.ModelSerializer):
    class Meta:
        model = RecomputeRun
        fields = [
            "id",
            "kind",
            "announcement",
            "today",
            "state",
            "chunks_total",
            "chunks_done",
            "to_red",
            "to_yellow",
            "to_green",
            "started_at",
            "finished_at",
        ]


class UserOut(serializers.ModelSerializer):
    name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "name", "role", "jurisdiction", "is_active"]

    def get_name(self, obj) -> str:
        return obj.get_full_name()
