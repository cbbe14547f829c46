"""/api/v1/hotels/ (the hotels the caller runs or works in, with their rooms by state) and
/api/v1/placements/ (who is placed, by the day due out): read-only, scoped by access.py
as the pages are."""

from rest_framework import serializers, viewsets

from . import access, selectors
from .models import Hotel, Placement


class HotelOut(serializers.ModelSerializer):
    rooms = serializers.SerializerMethodField()

    class Meta:
        model = Hotel
        fields = ["id", "district", "name", "address", "state", "accepted_on", "rooms"]

    def get_rooms(self, hotel) -> dict[str, int]:
        return self.context["counts"].get(hotel.pk, {})


class PlacementOut(serializers.ModelSerializer):
    hotel = serializers.CharField(source="hotel.name")
    room = serializers.CharField(source="room.number")

    class Meta:
        model = Placement
        fields = [
            "id",
            "resident",
            "hotel",
            "room",
            "due_out",
            "transfer_from",
            "transfer_at",
            "transfer_by",
            "left_on",
        ]


class HotelViewSet(viewsets.ReadOnlyModelViewSet):
    """The quarantine hotels the caller runs (their district's) or works in (their
    roster's), each with its rooms by state."""

    serializer_class = HotelOut

    def get_queryset(self):
        return access.hotels_for(self.request.user).order_by("pk")

    def get_serializer_context(self):
        context = super().get_serializer_context()
        page = getattr(self, "_counted", None)
        context["counts"] = page if page is not None else {}
        return context

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        self._counted = selectors.room_counts(page if page is not None else queryset)
        return page

    def get_object(self):
        hotel = super().get_object()
        self._counted = selectors.room_counts([hotel])
        return hotel


class PlacementViewSet(viewsets.ReadOnlyModelViewSet):
    """The people placed in the caller's hotels, the earliest due out first (?current=true:
    those still in)."""

    serializer_class = PlacementOut

    def get_queryset(self):
        placements = access.placements_for(self.request.user).select_related("hotel", "room")
        if self.request.query_params.get("current") == "true":
            placements = placements.filter(left_on__isnull=True)
        return placements.order_by("due_out", "pk")
