"""The navigation bar's dashboard link (communities' menu knows nothing of this app)."""

from . import access


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu_dashboard": access.can_see_dashboards(user)}
