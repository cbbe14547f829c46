"""The navigation bar's import links: the kinds of file the user may import (communities'
menu knows nothing of this app)."""

from . import access


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"menu_imports": {kind.name for kind in access.import_kinds_for(user)}}
