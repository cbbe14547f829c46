from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import HealthCode, Jurisdiction, VenueReport
from .validators import validate_arrival_date, validate_id_number, validate_mobile
from .widgets import DateInput


class TaskVerifyForm(forms.Form):
    """The grid worker's confirmation of a self-report: the grid the person lives in."""

    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Jurisdiction.objects.none())

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["grid"].label_from_instance = lambda g: f"{g.parent.name} {g.name}"


class TaskRejectForm(forms.Form):
    """Why a self-report is turned down; "other" needs the note."""

    class Reason(models.TextChoices):
        UNKNOWN = "unknown", _("Nobody knows this person at the address given")
        NOT_ARRIVED = "not_arrived", _("The person did not arrive")
        DUPLICATE = "duplicate", _("A duplicate of another report")
        OTHER = "other", _("Other (say what)")

    reason = forms.ChoiceField(label=_("Reason"), choices=Reason.choices, widget=forms.RadioSelect)
    note = forms.CharField(
        label=_("What you found and did"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == self.Reason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Say why the report is rejected."))
        return cleaned


class TaskWorkForm(forms.Form):
    """What the grid worker found; for a push, the person's arrival date if they travelled
    (their stays come in the formset)."""

    arrival_date = forms.DateField(
        label=_("Arrival date (if they travelled)"),
        required=False,
        widget=DateInput(),
        validators=[validate_arrival_date],
    )
    note = forms.CharField(
        label=_("What you found and did"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, with_arrival: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not with_arrival:
            del self.fields["arrival_date"]


class VenueReportForm(forms.Form):
    """A venue's report of a person showing a red or yellow code."""

    id_number = forms.CharField(
        label=_("ID number"), max_length=18, required=False, validators=[validate_id_number]
    )
    phone = forms.CharField(
        label=_("Mobile phone"), max_length=11, required=False, validators=[validate_mobile]
    )
    venue_kind = forms.ChoiceField(label=_("venue kind"), choices=VenueReport.VenueKind.choices)
    venue_name = forms.CharField(label=_("venue"), max_length=100)
    seen_code = forms.ChoiceField(
        label=_("code shown"),
        choices=[
            (HealthCode.RED, HealthCode.RED.label),
            (HealthCode.YELLOW, HealthCode.YELLOW.label),
        ],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)
    community = forms.ModelChoiceField(
        label=_("venue's community"), queryset=Jurisdiction.objects.none(), required=False
    )

    def __init__(self, *args, communities, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        field.queryset = communities
        self.only_community = communities.first() if communities.count() == 1 else None
        if self.only_community is not None:
            field.widget = forms.HiddenInput()
        else:
            field.required = True

    def clean_community(self):
        return self.cleaned_data.get("community") or self.only_community

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("id_number") and not cleaned.get("phone") and not self.errors:
            raise forms.ValidationError(_("Give an ID number or a phone number."))
        if cleaned.get("id_number"):
            cleaned["id_number"] = rules.normalize_id_number(cleaned["id_number"])
        return cleaned
