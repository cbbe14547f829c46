"""What of notices a user may see: their own inbox."""

from django.db.models import QuerySet

from .models import Notice


def notices_for(user) -> QuerySet[Notice]:
    """The user's in-app inbox: notices to them that the send task has delivered."""
    if not user.is_authenticated:
        return Notice.objects.none()
    return Notice.objects.filter(
        recipient=user, channel=Notice.Channel.INAPP, state=Notice.State.SENT
    )
