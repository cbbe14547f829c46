"""The navigation bar's hotels menu (communities' menu knows nothing of this app)."""

from . import access


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "menu_hotels": {
            "manage": access.can_manage_hotels(user),
            "targets": access.can_set_targets(user),
            "checklist": access.is_hotel_staff(user),
        }
    }
