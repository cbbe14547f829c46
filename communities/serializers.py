from rest_framework import serializers

from .models import Jurisdiction, User


class JurisdictionOutSerializer(serializers.ModelSerializer):
    level_display = serializers.CharField(source="get_level_display", read_only=True)

    class Meta:
        model = Jurisdiction
        fields = ["id", "name", "level", "level_display", "parent", "code", "path"]


class MeOutSerializer(serializers.ModelSerializer):
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    jurisdiction = JurisdictionOutSerializer(read_only=True)
    grids = JurisdictionOutSerializer(many=True, read_only=True)

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "role",
            "role_display",
            "jurisdiction",
            "grids",
            "is_superuser",
        ]
