"""API shapes of the street sweep. Input serializers check shape only; the views call the
services. Contact phones are masked."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from communities import rules as identity

from . import rules
from .models import Campaign, Inspection, JointGroup, Shop
from .validators import photo_cleaned


class ShopOut(serializers.ModelSerializer):
    street = serializers.CharField(source="grid.parent.parent.name", read_only=True)
    community = serializers.CharField(source="grid.parent.name", read_only=True)
    grid_name = serializers.CharField(source="grid.name", read_only=True)
    contact_phone = serializers.SerializerMethodField()

    class Meta:
        model = Shop
        fields = [
            "id",
            "name",
            "address",
            "road",
            "street",
            "community",
            "grid",
            "grid_name",
            "kind",
            "licence_number",
            "contact_phone",
            "venue_code_posted",
            "state",
            "placard",
            "reminders",
            "rectify_by",
            "reinspection_due",
            "public_id",
        ]

    def get_contact_phone(self, shop) -> str:
        return identity.mask_phone(shop.contact_phone) if shop.contact_phone else ""


class InspectionOut(serializers.ModelSerializer):
    group = serializers.IntegerField(source="group.number", read_only=True)
    failed = serializers.ListField(child=serializers.CharField(), read_only=True)
    photo = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id",
            "shop",
            "campaign",
            "group",
            "inspector",
            "inspected_at",
            *rules.CHECKS,
            "failed",
            "outcome",
            "is_reinspection",
            "rectify_by",
            "note",
            "photo",
        ]

    def get_photo(self, inspection) -> bool:
        return bool(inspection.photo)


class InspectionIn(serializers.Serializer):
    """A checklist from the phone app: every item yes or no, the shop, an optional photo
    (multipart) and note, and an optional one-time token (a retry with it records once)."""

    shop = serializers.IntegerField()
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")
    photo = serializers.FileField(required=False, allow_null=True)
    token = serializers.UUIDField(
        required=False,
        allow_null=True,
        default=None,
        error_messages={"invalid": _("The token must be a UUID.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for item in rules.CHECKS:
            self.fields[item] = serializers.BooleanField(
                required=True,
                allow_null=False,
                error_messages={"required": _("Answer yes or no."), "null": _("Answer yes or no.")},
            )

    def validate_photo(self, photo):
        return photo_cleaned(photo) if photo else None


class GroupOut(serializers.ModelSerializer):
    shops = serializers.IntegerField(source="share_size", read_only=True)

    class Meta:
        model = JointGroup
        fields = ["id", "number", "grid_worker", "market_officer", "enforcement_officer", "shops"]


class CampaignOut(serializers.ModelSerializer):
    street = serializers.CharField(source="street.name", read_only=True)
    groups = GroupOut(many=True, read_only=True)

    class Meta:
        model = Campaign
        fields = ["id", "street", "title", "starts_on", "ends_on", "roads", "groups"]


class PlacardOut(serializers.ModelSerializer):
    """A shop's placard as the door shows it, with the address of its public status page
    (the QR code's)."""

    community = serializers.CharField(source="grid.parent.name", read_only=True)
    status_url = serializers.SerializerMethodField()

    class Meta:
        model = Shop
        fields = [
            "id",
            "name",
            "address",
            "community",
            "placard",
            "state",
            "rectify_by",
            "reinspection_due",
            "status_url",
        ]

    def get_status_url(self, obj) -> str:
        return reverse("shop-status:status", args=[obj.public_id])
