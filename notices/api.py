"""/api/v1/notices/: the caller's in-app inbox; POST …/{id}/read/ or …/read-all/."""

from django_filters import rest_framework as filters
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from . import selectors, services
from .models import Notice


class NoticeOut(serializers.ModelSerializer):
    class Meta:
        model = Notice
        fields = ["id", "kind", "text", "created_at", "read_at"]


class NoticeFilter(filters.FilterSet):
    unread = filters.BooleanFilter(field_name="read_at", lookup_expr="isnull", label="unread")

    class Meta:
        model = Notice
        fields = ["kind"]


MARKED = inline_serializer("MarkedRead", {"marked": serializers.IntegerField()})


class NoticeViewSet(viewsets.ReadOnlyModelViewSet):
    """The caller's notices, newest first (?unread=true: not read yet)."""

    serializer_class = NoticeOut
    filterset_class = NoticeFilter

    def get_queryset(self):
        return selectors.notice_list(user=self.request.user)

    @extend_schema(request=None, responses={200: MARKED})
    @action(detail=True, methods=["post"])
    def read(self, request, pk=None, **kwargs):
        notice = self.get_object()
        return Response({"marked": services.notices_mark_read(user=request.user, pk=notice.pk)})

    @extend_schema(request=None, responses={200: MARKED})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request, **kwargs):
        return Response({"marked": services.notices_mark_read(user=request.user)})
