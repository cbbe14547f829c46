"""/api/v1/ for the records that follow a person (issue 15): measures, tests (and recording
a result), follow-ups, anomalies (and resolving one), code events, proposals (propose,
decide), appeals (file, verify, review, resolve, evidence), tasks (close, verify), recompute
runs and staff. Each starts from access.py exactly as its page, and calls the page's
service: a refusal of the service is a 400 (its rules) or a 403 (the role's step)."""

from datetime import UTC

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django_filters import rest_framework as filters
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.parsers import JSONParser

from . import access, selectors_appeals, services
from .forms_appeals import AppealFileForm
from .models import (
    Anomaly,
    Appeal,
    CodeChangeProposal,
    ControlMeasure,
    FollowUp,
    GridTask,
    HealthCodeEvent,
    NucleicAcidTest,
    RecomputeRun,
    User,
)
from .serializers import MAX_STAYS, StayIn, StrictSerializer
from .serializers_records import (
    AnomalyOut,
    AnomalyResolveIn,
    AppealFileIn,
    AppealOut,
    AppealResolveIn,
    AppealStepIn,
    CodeEventOut,
    FollowUpIn,
    FollowUpOut,
    MeasureOut,
    NucleicAcidTestOut,
    ProposalDecideIn,
    ProposalIn,
    ProposalOut,
    RunOut,
    TaskCloseIn,
    TaskOut,
    TestResultIn,
    UserOut,
)


def call_service(call, *args, **kwargs):
    """A service's refusal as the API says it: its rules a 400 with the messages, by field
    or (a rule about the input as a whole) under non_field_errors."""
    try:
        return call(*args, **kwargs)
    except DjangoValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(error.message_dict) from None
        raise ValidationError({"non_field_errors": error.messages}) from None


def resident_named(user, pk: int):
    """One of the user's residents, named in a body: not theirs is a field error."""
    resident = access.residents_for(user).filter(pk=pk).first()
    if resident is None:
        raise ValidationError({"resident": [_("No resident of yours has this id.")]})
    return resident


class PersonFilter(filters.FilterSet):
    """A person's records: ?resident=, and ?node= (a place, by its id) for the lists."""

    node = filters.NumberFilter(method="filter_node", label="node")

    def filter_node(self, queryset, name, value):
        node = access.jurisdictions_for(self.request.user).filter(pk=value).first()
        if node is None:
            return queryset.none()
        return queryset.filter(resident__grid__path__startswith=node.path)


# --- Measures, tests, follow-ups, anomalies, code events ----------------------------------


class MeasureFilter(PersonFilter):
    class Meta:
        model = ControlMeasure
        fields = ["resident", "state", "rule"]


class MeasureViewSet(viewsets.ReadOnlyModelViewSet):
    """Control measures of the caller's residents, the soonest released first."""

    serializer_class = MeasureOut
    filterset_class = MeasureFilter

    def get_queryset(self):
        return (
            access.measures_for(self.request.user)
            .select_related("resident")
            .order_by("release_due", "pk")
        )


class TestFilter(PersonFilter):
    due_before = filters.DateFilter(field_name="due", lookup_expr="lte")

    class Meta:
        model = NucleicAcidTest
        fields = ["resident", "result", "kind", "due"]


class TestViewSet(viewsets.ReadOnlyModelViewSet):
    """Nucleic-acid tests of the caller's residents, the soonest due first. POST
    /tests/{id}/result/ records a pending test's result (a positive raises an anomaly)."""

    serializer_class = NucleicAcidTestOut
    filterset_class = TestFilter

    def get_queryset(self):
        return access.tests_for(self.request.user).select_related("resident").order_by("due", "pk")

    @extend_schema(request=TestResultIn, responses={200: NucleicAcidTestOut})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def result(self, request, pk=None, **kwargs):
        test = self.get_object()
        if not access.can_file_arrivals(request.user):
            raise PermissionDenied(_("Your role does not record test results."))
        data = TestResultIn(data=request.data)
        data.is_valid(raise_exception=True)
        if test.result != NucleicAcidTest.Result.PENDING:
            raise ValidationError({"result": [_("This test is already recorded.")]})
        test = call_service(
            services.test_result_record, test=test, by=request.user, **data.validated_data
        )
        return Response(NucleicAcidTestOut(test).data)


class FollowUpFilter(PersonFilter):
    class Meta:
        model = FollowUp
        fields = ["resident", "day"]


class FollowUpViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Daily follow-ups (temperature, symptoms) of the caller's residents under a measure,
    the latest first; POST records one (37.3 °C or more, or a symptom, is an anomaly)."""

    serializer_class = FollowUpOut
    filterset_class = FollowUpFilter
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (
            access.followups_for(self.request.user)
            .select_related("resident")
            .order_by("-day", "-pk")
        )

    @extend_schema(request=FollowUpIn, responses={201: FollowUpOut})
    def create(self, request, *args, **kwargs):
        if not access.can_file_arrivals(request.user):
            raise PermissionDenied(_("Your role does not record follow-ups."))
        data = FollowUpIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        resident = resident_named(request.user, values.pop("resident"))
        values["day"] = values["day"] or timezone.localdate()
        followup = call_service(
            services.followup_record, resident=resident, by=request.user, **values
        )
        return Response(FollowUpOut(followup).data, status=status.HTTP_201_CREATED)


class AnomalyFilter(PersonFilter):
    open = filters.BooleanFilter(field_name="resolved_at", lookup_expr="isnull", label="open")

    class Meta:
        model = Anomaly
        fields = ["resident", "kind", "outcome"]


class AnomalyViewSet(viewsets.ReadOnlyModelViewSet):
    """Anomalies of the caller's residents, the latest first (?open=true: not resolved).
    POST /anomalies/{id}/resolve/ closes one with its outcome and what was found."""

    serializer_class = AnomalyOut
    filterset_class = AnomalyFilter

    def get_queryset(self):
        return (
            access.anomalies_for(self.request.user)
            .select_related("resident")
            .order_by("-created_at", "-pk")
        )

    @extend_schema(request=AnomalyResolveIn, responses={200: AnomalyOut})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def resolve(self, request, pk=None, **kwargs):
        anomaly = self.get_object()
        if not access.can_resolve_anomalies(request.user):
            raise PermissionDenied(_("Anomalies are resolved by community staff or above."))
        data = AnomalyResolveIn(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(
            services.anomaly_resolve, anomaly=anomaly, by=request.user, **data.validated_data
        )
        return Response(AnomalyOut(self.get_queryset().get(pk=anomaly.pk)).data)


class CodeEventFilter(PersonFilter):
    since = filters.IsoDateTimeFilter(method="filter_since", label="since")

    class Meta:
        model = HealthCodeEvent
        fields = ["resident", "kind", "to_code", "rule"]

    def filter_since(self, queryset, name, value):
        """From a moment on, taken in UTC: PostgreSQL refuses an offset beyond ±15:59
        that ISO 8601 allows (schemathesis sent +22:57); before the year 1 in UTC is
        since always."""
        try:
            value = value.astimezone(UTC)
        except OverflowError:
            return queryset
        return queryset.filter(created_at__gte=value)


class CodeEventViewSet(viewsets.ReadOnlyModelViewSet):
    """Every change of the caller's residents' codes, the latest first (read only: a code
    changes through the rules, an appeal or a proposal, never here). ?since= and ?node=
    give the day's codes of a place."""

    serializer_class = CodeEventOut
    filterset_class = CodeEventFilter

    def get_queryset(self):
        return (
            access.code_events_for(self.request.user)
            .select_related("resident")
            .order_by("-created_at", "-pk")
        )


# --- Proposals and appeals ---------------------------------------------------------------


class ProposalFilter(PersonFilter):
    class Meta:
        model = CodeChangeProposal
        fields = ["resident", "state", "to_code"]


class ProposalViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Manual code changes: the district office proposes (POST), the city office decides
    (POST /proposals/{id}/decide/), never its own proposal."""

    serializer_class = ProposalOut
    filterset_class = ProposalFilter
    parser_classes = [JSONParser]

    def get_queryset(self):
        return (
            access.proposals_for(self.request.user)
            .select_related("resident")
            .order_by("-proposed_at", "-pk")
        )

    @extend_schema(request=ProposalIn, responses={201: ProposalOut})
    def create(self, request, *args, **kwargs):
        if not access.can_propose(request.user):
            raise PermissionDenied(_("Only a district prevention office proposes a manual change."))
        data = ProposalIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        resident = resident_named(request.user, values.pop("resident"))
        proposal = call_service(
            services.proposal_create, resident=resident, by=request.user, **values
        )
        return Response(ProposalOut(proposal).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=ProposalDecideIn, responses={200: ProposalOut})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None, **kwargs):
        proposal = self.get_object()
        if not access.can_decide_proposals(request.user):
            raise PermissionDenied(_("Only the city prevention office decides manual changes."))
        data = ProposalDecideIn(data=request.data)
        data.is_valid(raise_exception=True)
        proposal = call_service(
            services.proposal_decide, proposal=proposal, by=request.user, **data.validated_data
        )
        return Response(ProposalOut(proposal).data)


class AppealFilter(PersonFilter):
    class Meta:
        model = Appeal
        fields = ["resident", "state", "outcome", "source"]


EVIDENCE = "The evidence as it was stored (a picture re-encoded, or the PDF)."


class AppealViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Appeals against a wrong code, open ones first, soonest due first; each is resolved
    within 24 hours: filed (POST, with the evidence), verified by the grid
    (POST …/verify/), reviewed by the district (…/review/), resolved by the city
    (…/resolve/); GET …/evidence/ downloads the report."""

    serializer_class = AppealOut
    filterset_class = AppealFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return selectors_appeals.appeal_list(user=self.request.user)

    @extend_schema(request={"multipart/form-data": AppealFileIn}, responses={201: AppealOut})
    def create(self, request, *args, **kwargs):
        user = request.user
        if not access.can_file_appeals(user):
            raise PermissionDenied(_("Your role does not file appeals."))
        value = str(request.data.get("resident", ""))
        if not value.isdigit():
            raise ValidationError({"resident": [_("A resident's id is required.")]})
        resident = resident_named(user, int(value))
        form = AppealFileForm(request.data, request.FILES)
        if not form.is_valid():
            raise ValidationError({key: list(errors) for key, errors in form.errors.items()})
        values = form.cleaned_data
        appeal = call_service(
            services.appeal_file,
            resident=resident,
            reason=values["reason"],
            evidence=values["evidence"],
            source=Appeal.Source.GRID_WORKER,
            quarantine_status=values["quarantine_status"],
            by=user,
        )
        return Response(AppealOut(appeal).data, status=status.HTTP_201_CREATED)

    def _step(self, request, service, serializer=AppealStepIn):
        appeal = self.get_object()
        data = serializer(data=request.data)
        data.is_valid(raise_exception=True)
        appeal = call_service(service, appeal=appeal, by=request.user, **data.validated_data)
        return Response(AppealOut(appeal).data)

    @extend_schema(request=AppealStepIn, responses={200: AppealOut})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def verify(self, request, pk=None, **kwargs):
        return self._step(request, services.appeal_verify)

    @extend_schema(request=AppealStepIn, responses={200: AppealOut})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def review(self, request, pk=None, **kwargs):
        return self._step(request, services.appeal_review)

    @extend_schema(request=AppealResolveIn, responses={200: AppealOut})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def resolve(self, request, pk=None, **kwargs):
        return self._step(request, services.appeal_resolve, AppealResolveIn)

    @extend_schema(
        responses={
            (200, kind): OpenApiResponse(OpenApiTypes.BINARY, description=EVIDENCE)
            for kind in ("image/jpeg", "image/png", "application/pdf")
        }
    )
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None, **kwargs):
        return selectors_appeals.evidence_file(self.get_object())


# --- Tasks, runs, staff ----------------------------------------------------------------------


class TaskFilter(filters.FilterSet):
    class Meta:
        model = GridTask
        fields = ["state", "kind", "community", "resident"]


class TaskVerifyIn(StrictSerializer):
    """A push verified: the stays found (none: nothing found, the code turns green) and
    the day of arrival, with what was done."""

    stays = StayIn(many=True, required=False, default=list, max_length=MAX_STAYS)
    arrival_date = serializers.DateField(required=False, default=None, allow_null=True)
    note = serializers.CharField(max_length=1000)


class TaskViewSet(viewsets.ReadOnlyModelViewSet):
    """The tasks the caller's grids owe (self-reports, pushes, people to find, venue
    reports), the soonest due first. POST …/close/ closes a person to find or a venue
    report with what was done; POST …/verify/ verifies a push with the stays found."""

    serializer_class = TaskOut
    filterset_class = TaskFilter

    def get_queryset(self):
        return access.tasks_for(self.request.user).order_by("state", "due_at", "pk")

    @extend_schema(request=TaskCloseIn, responses={200: TaskOut})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def close(self, request, pk=None, **kwargs):
        task = self.get_object()
        if task.kind not in (GridTask.Kind.FIND_PERSON, GridTask.Kind.VENUE_REPORT):
            raise ValidationError(
                {"kind": [_("A self-report or a push is verified on its page, with the stays.")]}
            )
        if task.state != GridTask.State.OPEN:
            raise ValidationError({"state": [_("This task is already done.")]})
        data = TaskCloseIn(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.task_close, task=task, by=request.user, **data.validated_data)
        return Response(TaskOut(self.get_queryset().get(pk=task.pk)).data)

    @extend_schema(request=TaskVerifyIn, responses={200: TaskOut})
    @action(detail=True, methods=["post"], parser_classes=[JSONParser])
    def verify(self, request, pk=None, **kwargs):
        """A big-data push verified with the stays found: the rules run again on them."""
        task = self.get_object()
        if task.kind != GridTask.Kind.VERIFY_PUSH or task.resident_id is None:
            raise ValidationError(
                {"kind": [_("Only a push about a registered resident is verified here.")]}
            )
        data = TaskVerifyIn(data=request.data)
        data.is_valid(raise_exception=True)
        call_service(services.push_verify, task=task, by=request.user, **data.validated_data)
        return Response(TaskOut(self.get_queryset().get(pk=task.pk)).data)


class RunViewSet(viewsets.ReadOnlyModelViewSet):
    """The recompute runs (read only), the latest first: the city office's."""

    serializer_class = RunOut

    def get_queryset(self):
        if not access.is_citywide(self.request.user):
            return RecomputeRun.objects.none()
        return RecomputeRun.objects.order_by("-started_at", "-pk")


class UserFilter(filters.FilterSet):
    class Meta:
        model = User
        fields = ["role", "jurisdiction", "is_active"]


class UserViewSet(viewsets.ReadOnlyModelViewSet):
    """Staff placed inside the caller's jurisdiction (a grid worker sees themself)."""

    serializer_class = UserOut
    filterset_class = UserFilter

    def get_queryset(self):
        return access.users_for(self.request.user).order_by("username")
