from django.conf import settings
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
from rest_framework.exceptions import PermissionDenied, Throttled, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from portal.parsers import JSONParser

from . import access, ratelimit, selectors, services
from .models import HealthCode, Jurisdiction, Resident
from .serializers import (
    AnnouncementIn,
    AnnouncementOut,
    ArrivalIn,
    ArrivalOut,
    AssessmentIn,
    DecisionOut,
    HandedOverOut,
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
LOCKED_OUT = gettext_lazy(
    "Too many failed sign-ins for this account from this address, or from this address "
    "altogether: signing in from here is locked for %(minutes)s minutes."
)
MUST_CHANGE_PASSWORD = gettext_lazy(
    "Your password was reset: set your own on the portal's password page first."
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
    def create(self, request, *args, **kwargs):
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

    @extend_schema(
        request=ArrivalIn,
        responses={201: ArrivalOut, 202: HandedOverOut, 409: IdentityDiffersOut},
    )
    def create(self, request, *args, **kwargs):
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
            values = data.validated_data
            values.pop("confirm_identity")
            services.arrival_hand_over(**values)
            return Response({"detail": services.HANDED_OVER}, status=status.HTTP_202_ACCEPTED)
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
    """A venue reports a person whose code is red or yellow. A resident of the city becomes
    a task for their grid, anyone else a task to find them in the venue's community; the
    answer is the same either way and carries no personal data. Filed by those who take
    venues' reports (grid workers, community staff, the offices), VENUE_REPORTS_PER_HOUR
    per user."""

    rate_limited = True  # VENUE_REPORTS_PER_HOUR: 429

    @extend_schema(request=VenueReportIn, responses={201: VenueReportOut})
    def post(self, request):
        if not access.can_file_venue_reports(request.user):
            raise PermissionDenied
        data = VenueReportIn(data=request.data, communities=access.communities_for(request.user))
        data.is_valid(raise_exception=True)
        if ratelimit.venue_report_slot(request.user) is None:
            raise Throttled(detail=_("Too many venue reports in an hour; try again later."))
        values = data.validated_data
        report = services.venue_report_file(
            by=request.user, **{**values, "seen_at": values["seen_at"] or timezone.now()}
        )
        return Response(VenueReportOut(report).data, status=status.HTTP_201_CREATED)


class TokenObtainView(ObtainAuthToken):
    """Sign in for the API: the user's token while it lasts, a new one once it expired.
    DRF's view names its own parsers; this one takes the project's (JSON nested too deep
    is a 400). It reads no credentials: a client that still sends its expired token (or a
    session cookie without the CSRF token) signs in all the same."""

    parser_classes = APIView.parser_classes
    authentication_classes = ()
    throttle_classes = APIView.throttle_classes  # DRF's view names none: the project's
    rate_limited = True  # the lock-out (portal/lockout.py): 429

    def post(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        if not serializer.is_valid():
            # Axes flags the request it refused (portal/lockout.py); its middleware turns
            # the flag into the 429 page only on Django's request, not on DRF's.
            if getattr(request, "axes_locked_out", False):
                wait = int(settings.AXES_COOLOFF_TIME.total_seconds())
                raise Throttled(wait=wait, detail=LOCKED_OUT % {"minutes": wait // 60})
            raise ValidationError(serializer.errors)
        if serializer.validated_data["user"].must_change_password:
            raise PermissionDenied(MUST_CHANGE_PASSWORD)
        token = services.token_issue(user=serializer.validated_data["user"])
        return Response({"token": token.key})
