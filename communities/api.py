from django.core.exceptions import ValidationError as DjangoValidationError
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import api_view
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.parsers import JSONParser

from . import access, selectors, services
from .models import HealthCode, Jurisdiction, Resident
from .serializers import (
    AnnouncementIn,
    AnnouncementOut,
    ArrivalIn,
    ArrivalOut,
    AssessmentIn,
    DecisionOut,
    IdentityDiffersOut,
    JurisdictionOutSerializer,
    MeOutSerializer,
    PushIn,
    PushOut,
    ResidentOut,
    VenueReportIn,
    VenueReportOut,
)

IDENTITY_DIFFERS = gettext_lazy(
    "This ID number is registered to a person with another name or phone. If it is the "
    'same person, send the report again with "confirm_identity": true (the resident then '
    "takes the values sent, and the change is recorded); if not, correct the ID number."
)


class JurisdictionFilter(filters.FilterSet):
    class Meta:
        model = Jurisdiction
        fields = ["level", "parent"]


class JurisdictionViewSet(viewsets.ReadOnlyModelViewSet):
    """The jurisdiction tree, limited to the caller's subtree."""

    serializer_class = JurisdictionOutSerializer
    filterset_class = JurisdictionFilter

    def get_queryset(self):
        return selectors.jurisdiction_list(user=self.request.user)


@extend_schema(responses=MeOutSerializer)
@api_view(["GET"])
def me(request):
    """The signed-in user, their role and jurisdiction."""
    user = (
        type(request.user)
        .objects.prefetch_related("grids")
        .select_related("jurisdiction")
        .get(pk=request.user.pk)
    )
    return Response(MeOutSerializer(user).data)


class AssessmentView(APIView):
    """Dry-run assessment (DOMAIN.md section 8): the code, rule and measure that the rules
    in force on `as_of` give this traveller. Nothing is stored."""

    @extend_schema(request=AssessmentIn, responses=DecisionOut)
    def post(self, request):
        data = AssessmentIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        traveller = services.traveller_from(
            stays=values["stays"],
            arrival_date=values["arrival_date"],
            abroad_quarantine_days=values["abroad_quarantine_days"],
            spatiotemporal_companion=values["spatiotemporal_companion"],
            big_data_push=values["big_data_push"],
        )
        decision = services.assessment_run(traveller=traveller, as_of=values["as_of"])
        return Response(decision.as_dict())


class AnnouncementViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet
):
    """Risk-area announcements; the city office publishes with POST (the JSON of
    DOMAIN.md section 8). Publishing the same file twice changes nothing."""

    serializer_class = AnnouncementOut
    # JSON only (issue 11): a form body turned "risk_areas=not a list" into no areas at all.
    parser_classes = [JSONParser]

    def get_queryset(self):
        return selectors.announcement_list()

    @extend_schema(request=AnnouncementIn, responses={201: AnnouncementOut, 200: AnnouncementOut})
    def create(self, request):
        if not access.can_publish_announcements(request.user):
            raise PermissionDenied(_("Only the city prevention office publishes announcements."))
        data = AnnouncementIn(data=request.data)
        data.is_valid(raise_exception=True)
        announcement, created = services.announcement_load(
            data=data.validated_data, by=request.user
        )
        announcement = self.get_queryset().get(pk=announcement.pk)
        return Response(
            AnnouncementOut(announcement).data,
            status=status.HTTP_201_CREATED if created else status.HTTP_200_OK,
        )


class ResidentFilter(filters.FilterSet):
    id_number = filters.CharFilter(field_name="id_number", method="filter_id_number")
    code = filters.ChoiceFilter(choices=HealthCode.choices)

    class Meta:
        model = Resident
        fields = ["id_number", "grid", "code"]

    def filter_id_number(self, queryset, name, value):
        return queryset.filter(id_number=value.strip().upper())


class ResidentViewSet(viewsets.ReadOnlyModelViewSet):
    """Residents of the caller's jurisdiction; ID numbers and phones masked."""

    serializer_class = ResidentOut
    filterset_class = ResidentFilter

    def get_queryset(self):
        return access.residents_for(self.request.user).select_related("grid__parent")


class ArrivalViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Arrival reports; POST files one for a person in one of the caller's grids and
    assesses it at once (the answer carries the decision)."""

    serializer_class = ArrivalOut

    def get_queryset(self):
        return access.arrivals_for(self.request.user).prefetch_related("stays")

    @extend_schema(request=ArrivalIn, responses={201: ArrivalOut, 409: IdentityDiffersOut})
    def create(self, request):
        user = request.user
        if not access.can_file_arrivals(user):
            raise PermissionDenied(_("Your role does not file arrivals."))
        data = ArrivalIn(data=request.data, grids=access.grids_for(user))
        data.is_valid(raise_exception=True)
        try:
            arrival, _created = services.arrival_file(
                visible=access.residents_for(user), by=user, **data.validated_data
            )
        except services.OutsideJurisdiction:
            raise ValidationError(
                {"id_number": [_("This person is registered outside your jurisdiction.")]}
            ) from None
        except services.IdentityDiffers as differs:
            body = {"detail": IDENTITY_DIFFERS, "differs": differs.masked}
            return Response(body, status=status.HTTP_409_CONFLICT)
        arrival = get_object_or_404(self.get_queryset(), pk=arrival.pk)
        return Response(ArrivalOut(arrival).data, status=status.HTTP_201_CREATED)


class PushView(APIView):
    """Big-data push (大数据推送): each known resident gets a temporary yellow (R7) and a
    verification task due in 24 hours; an unknown person becomes a task to find them in the
    given community. All rows or none."""

    @extend_schema(request=PushIn, responses={201: PushOut(many=True)})
    def post(self, request):
        user = request.user
        if not access.can_push(user):
            raise PermissionDenied(_("Pushes come from the city or a district office."))
        data = PushIn(
            data=request.data, communities=access.jurisdictions_for(user).filter(level="community")
        )
        data.is_valid(raise_exception=True)
        try:
            tasks = services.pushes_receive(
                persons=data.validated_data["persons"], by=user, visible=access.residents_for(user)
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        return Response(PushOut(tasks, many=True).data, status=status.HTTP_201_CREATED)


class VenueReportView(APIView):
    """A venue reports a person whose code is red or yellow; it becomes a task for that
    person's grid. The answer carries no personal data."""

    @extend_schema(request=VenueReportIn, responses={201: VenueReportOut})
    def post(self, request):
        data = VenueReportIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        resident = selectors.resident_by_id_or_phone(
            among=access.residents_to_match(),
            id_number=values.pop("id_number"),
            phone=values.pop("phone"),
        )
        if resident is None:
            raise ValidationError({"id_number": [_("No resident of the city matches.")]})
        report = services.venue_report_file(
            resident=resident,
            by=request.user,
            **{**values, "seen_at": values["seen_at"] or timezone.now()},
        )
        return Response(VenueReportOut(report).data, status=status.HTTP_201_CREATED)


class TokenObtainView(ObtainAuthToken):
    """Sign in for the API: the user's token while it lasts, a new one once it expired.
    DRF's view names its own parsers; this one takes the project's (JSON nested too deep
    is a 400). It reads no credentials: a client that still sends its expired token (or a
    session cookie without the CSRF token) signs in all the same."""

    parser_classes = APIView.parser_classes
    authentication_classes = ()

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        token = services.token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})
