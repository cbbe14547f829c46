from django.db.models import QuerySet

from . import access
from .models import Notice


def notice_list(*, user) -> QuerySet[Notice]:
    """The user's in-app inbox, newest first, with each notice's resident."""
    return access.notices_for(user).select_related("resident").order_by("-created_at", "-pk")


def notice_unread_count(*, user) -> int:
    return access.notices_for(user).filter(read_at__isnull=True).count()
