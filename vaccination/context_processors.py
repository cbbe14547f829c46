"""The navigation bar's vaccination menu (communities' menu knows nothing of this app)."""

from . import access


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "menu_vaccination": {
            "see": access.can_see_vaccination(user),
            "policy": access.can_set_policy(user),
        }
    }
