"""/api/v1/shops/, inspections/, campaigns/, groups/ and placards/, scoped like the pages."""

import django_filters
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Count, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from portal.parsers import JSONParser

from . import access, services
from .models import Inspection, JointGroup, Shop
from .serializers import (
    CampaignOut,
    GroupOut,
    InspectionIn,
    InspectionOut,
    PlacardOut,
    ShopOut,
)


class ShopFilter(django_filters.FilterSet):
    class Meta:
        model = Shop
        fields = ["road", "placard", "state", "kind", "grid"]


class ShopViewSet(viewsets.ReadOnlyModelViewSet):
    """Shops the caller sees (an inspector: their group's share); phones masked."""

    serializer_class = ShopOut
    filterset_class = ShopFilter

    def get_queryset(self):
        return access.shops_for(self.request.user).select_related("grid__parent__parent")


class InspectionFilter(django_filters.FilterSet):
    class Meta:
        model = Inspection
        fields = ["shop", "campaign", "outcome"]


class InspectionViewSet(
    mixins.CreateModelMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    """Inspections of the shops the caller sees. POST records one for a shop of the caller's
    joint group, by the same rules as the checklist page (JSON, or multipart with a photo):
    201 with the new inspection, or 200 with the one recorded before under the same
    `token`."""

    serializer_class = InspectionOut
    filterset_class = InspectionFilter
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        return access.inspections_for(self.request.user).select_related("group")

    @extend_schema(request=InspectionIn, responses={201: InspectionOut, 200: InspectionOut})
    def create(self, request, *args, **kwargs):
        data = InspectionIn(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        shop = access.shops_for(request.user).filter(pk=values["shop"]).first()
        if shop is None:
            raise ValidationError({"shop": [services.NOT_IN_SHARE]})
        try:
            inspection, created = services.inspection_record(
                shop=shop,
                by=request.user,
                answers={item: values[item] for item in services.rules.CHECKS},
                photo=values.get("photo"),
                note=values.get("note", ""),
                token=values["token"],
            )
        except DjangoValidationError as error:
            raise ValidationError(error.message_dict) from None
        answer = status.HTTP_201_CREATED if created else status.HTTP_200_OK
        return Response(InspectionOut(inspection).data, status=answer)


class CampaignViewSet(viewsets.ReadOnlyModelViewSet):
    """Campaigns the caller sees, with their joint groups and share sizes."""

    serializer_class = CampaignOut

    def get_queryset(self):
        groups = JointGroup.objects.annotate(share_size=Count("assignments")).order_by("number")
        return (
            access.campaigns_for(self.request.user)
            .select_related("street")
            .prefetch_related(Prefetch("groups", queryset=groups))
        )


class GroupViewSet(viewsets.ReadOnlyModelViewSet):
    """The joint groups of the campaigns the caller sees, with the size of each share."""

    serializer_class = GroupOut
    filterset_fields = ["campaign"]  # the members by id, as a campaign's groups

    def get_queryset(self):
        return (
            access.groups_for(self.request.user)
            .select_related("grid_worker", "market_officer", "enforcement_officer")
            .annotate(share_size=Count("assignments"))
            .order_by("campaign", "number")
        )


class PlacardFilter(django_filters.FilterSet):
    class Meta:
        model = Shop
        fields = ["placard", "state", "grid"]


class PlacardViewSet(viewsets.ReadOnlyModelViewSet):
    """The placards on the doors of the shops the caller sees (green: passed the three
    checks; red: closed for rectification), with each shop's public status page."""

    serializer_class = PlacardOut
    filterset_class = PlacardFilter

    def get_queryset(self):
        return (
            access.shops_for(self.request.user)
            .exclude(placard=Shop.Placard.NONE)
            .select_related("grid__parent")
            .order_by("name", "pk")
        )
