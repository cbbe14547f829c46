from django.db.models import QuerySet

from .models import Export


def export_list(*, user) -> QuerySet[Export]:
    """The user's own exports, newest first (nobody else's: 我的导出)."""
    return Export.objects.filter(by=user).order_by("-created_at", "-pk")
