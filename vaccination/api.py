"""/api/v1/doses/ (the doses of the caller's residents; POST records one, as the form
does), /api/v1/vaccination-products/ (the table), /api/v1/boosters-due/ (the booster
list): scoped by access.py as the pages are, the services behind them."""

from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from communities.api_records import PersonFilter, call_service, resident_named
from communities.serializers import PlainTextField, StrictSerializer
from portal.parsers import JSONParser

from . import access, selectors, services
from .models import Dose, Product, VaccinationState


class ProductOut(serializers.ModelSerializer):
    class Meta:
        model = Product
        fields = ["id", "code", "name", "platform", "primary_doses", "manufacturer", "active"]


class DoseOut(serializers.ModelSerializer):
    product = serializers.SlugRelatedField(slug_field="code", read_only=True)

    class Meta:
        model = Dose
        fields = [
            "id",
            "resident",
            "day",
            "product",
            "manufacturer",
            "lot",
            "site",
            "number",
            "booster",
            "recorded_at",
        ]


class DoseIn(StrictSerializer):
    resident = serializers.IntegerField(min_value=1)
    day = serializers.DateField()
    product = serializers.SlugRelatedField(
        slug_field="code", queryset=Product.objects.filter(active=True)
    )
    manufacturer = PlainTextField(max_length=100, required=False, allow_blank=True)
    lot = PlainTextField(max_length=40)
    site = PlainTextField(max_length=100)
    number = serializers.IntegerField(min_value=1, max_value=9)
    booster = serializers.BooleanField(default=False)


class BoosterDueOut(serializers.ModelSerializer):
    name = serializers.CharField(source="resident.name")
    grid = serializers.IntegerField(source="resident.grid_id")

    class Meta:
        model = VaccinationState
        fields = ["resident", "name", "grid", "full_course_on", "reminded_at"]


class DoseFilter(PersonFilter):
    class Meta:
        model = Dose
        fields = ["resident", "day", "booster"]


class DoseViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Vaccination doses of the caller's residents, the latest recorded first; POST
    records one (the status follows from the doses)."""

    serializer_class = DoseOut
    filterset_class = DoseFilter
    parser_classes = [JSONParser]

    def get_queryset(self):
        return access.doses_for(self.request.user).select_related("product").order_by("-day", "-pk")

    @extend_schema(request=DoseIn, responses={201: DoseOut})
    def create(self, request, *args, **kwargs):
        if not access.can_record_doses(request.user):
            raise PermissionDenied(_("Your role does not record doses."))
        data = DoseIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        resident = resident_named(request.user, values.pop("resident"))
        dose = call_service(services.dose_record, resident=resident, by=request.user, **values)
        return Response(DoseOut(dose).data, status=status.HTTP_201_CREATED)


class ProductViewSet(viewsets.ReadOnlyModelViewSet):
    """The vaccine products and their primary courses (the city office's table)."""

    serializer_class = ProductOut

    def get_queryset(self):
        if not access.can_see_vaccination(self.request.user):
            return Product.objects.none()
        return Product.objects.order_by("pk")


class BoosterDueFilter(PersonFilter):
    class Meta:
        model = VaccinationState
        fields = ["resident"]


class BoosterDueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """The caller's residents due a booster today, the longest due first."""

    serializer_class = BoosterDueOut
    filterset_class = BoosterDueFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema: no database
            return VaccinationState.objects.none()
        today = timezone.localdate()
        return selectors.due_states(
            access.states_for(self.request.user).select_related("resident"),
            policy=selectors.policy_on(today),
            day=today,
        )
