from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.decorators import api_view
from rest_framework.response import Response

from . import selectors
from .models import Jurisdiction
from .serializers import JurisdictionOutSerializer, MeOutSerializer


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
