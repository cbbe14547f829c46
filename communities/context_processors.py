"""What the navigation bar offers the signed-in user (the template only displays it)."""

from . import access


def menu(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "menu": {
            "residents": access.works_with_residents(user),
            "anomalies": access.can_resolve_anomalies(user),
            "reviews": access.can_see_reviews(user),
            "staff_passwords": access.can_reset_passwords(user),
            "inbox": access.has_inbox(user),
            "runs": access.is_citywide(user),
            # the street sweep's pages, whose lists a placed-only role would find empty
            "shops": not access.is_placed_only(user),
            # a temporary password is changed first: no menu until then
            "password_first": user.must_change_password,
        }
    }
