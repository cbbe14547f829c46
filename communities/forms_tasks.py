from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Jurisdiction


class TaskVerifyForm(forms.Form):
    """The grid worker's confirmation of a self-report: the grid the person lives in."""

    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Jurisdiction.objects.none())

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["grid"].label_from_instance = lambda g: f"{g.parent.name} {g.name}"
