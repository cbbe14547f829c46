from django import forms
from django.contrib.auth.forms import UserChangeForm
from django.utils.translation import gettext_lazy as _

from .models import User


class StaffUserChangeForm(UserChangeForm):
    """The admin's user form: a grid worker's grids must lie inside their jurisdiction,
    and only grid workers serve grids."""

    class Meta(UserChangeForm.Meta):
        model = User

    def clean(self):
        cleaned = super().clean()
        grids = cleaned.get("grids")
        node = cleaned.get("jurisdiction")
        if not grids:
            return cleaned
        if cleaned.get("role") != User.Role.GRID_WORKER:
            self.add_error("grids", _("Only grid workers serve grids."))
        elif node is not None:
            outside = [grid.name for grid in grids if not node.contains(grid)]
            if outside:
                self.add_error(
                    "grids",
                    forms.ValidationError(
                        _("These grids are outside %(node)s: %(grids)s."),
                        params={"node": node.name, "grids": "、".join(outside)},
                    ),
                )
        return cleaned
