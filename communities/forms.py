from django import forms
from django.contrib.auth.forms import UserChangeForm
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import places, rules
from .models import ArrivalReport, Jurisdiction, User
from .validators import (
    journey_message,
    validate_arrival_date,
    validate_id_number,
    validate_mobile,
)
from .widgets import DateInput


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


# --- Arrivals, stays and the dry run -------------------------------------------------------


class PlacePickers:
    """Cascading pickers over the official division list for a form's province, city and
    (where it has one) county fields, so that a name cannot be misspelt: a misspelt name
    would never match. A value not on the list (filed elsewhere, or read from a file)
    stays visible as an option, marked by `off_list` where the form sets it. Call
    set_up_pickers() at the end of the form's __init__."""

    off_list = ""

    def set_up_pickers(self) -> None:
        has_county = "county" in self.fields
        province, city = self._current("province"), self._current("city")
        choose = [("", _("Choose…"))]
        self._set_choices("province", choose + _pairs(places.province_names()), province)
        self._set_choices("city", choose + _pairs(places.city_names(province)), city)
        province_attrs = {
            "hx-get": reverse("place-cities"),
            "hx-trigger": "change",
            "hx-target": f"#{self['city'].auto_id}",
            # explicit: a form around it may set another swap (the dry run's outerHTML)
            "hx-swap": "innerHTML",
        }
        if has_county:
            county = self._current("county")
            self._set_choices(
                "county", choose + _pairs(places.county_names(province, city)), county
            )
            county_id = self["county"].auto_id
            # a new province empties the county picker until a city is chosen
            province_attrs["hx-on::after-request"] = (
                f"document.getElementById('{county_id}').innerHTML=''"
            )
            self.fields["city"].widget.attrs.update(
                {
                    "hx-get": reverse("place-counties"),
                    "hx-trigger": "change",
                    "hx-target": f"#{county_id}",
                    "hx-swap": "innerHTML",
                    "hx-include": f"#{self['province'].auto_id}",
                }
            )
        self.fields["province"].widget.attrs.update(province_attrs)

    def _current(self, name: str) -> str:
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        return (value or "").strip()

    def _set_choices(self, name: str, choices: list, current: str) -> None:
        if current and current not in {value for value, _label in choices}:
            # keep a value filed elsewhere visible
            choices.append((current, f"{current}{self.off_list}"))
        self.fields[name].widget.choices = choices


class StayForm(PlacePickers, forms.Form):
    """One stay of the 14 days before arrival; rows are added with htmx. Province, city and
    county are cascading pickers over the official division list (PlacePickers); street
    and area are free text."""

    province = forms.CharField(label=_("Province"), max_length=50, widget=forms.Select)
    city = forms.CharField(label=_("City"), max_length=50, widget=forms.Select)
    county = forms.CharField(label=_("County/district"), max_length=50, widget=forms.Select)
    street = forms.CharField(label=_("Street/town"), max_length=50, required=False)
    area = forms.CharField(label=_("Area"), max_length=100, required=False)
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.set_up_pickers()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("A stay cannot end before it starts."))
        return cleaned


def _pairs(names: list[str]) -> list[tuple[str, str]]:
    return [(name, name) for name in names]


class BaseStayFormSet(forms.BaseFormSet):
    def kept(self) -> list[forms.Form]:
        """The rows filled in and not marked for deletion."""
        return [f for f in self.forms if f.cleaned_data and not self._should_delete_form(f)]

    def stays(self) -> list[dict]:
        return [f.cleaned_data for f in self.kept()]


StayFormSet = forms.formset_factory(
    StayForm,
    formset=BaseStayFormSet,
    extra=1,
    max_num=30,
    validate_max=True,
    min_num=0,
    can_delete=True,
)


def journey_valid(form: forms.Form, stays: BaseStayFormSet, *, needs_travel: bool = True) -> bool:
    """Whether `form` and its stays are valid and the journey plausible. The refusals of
    rules.journey_problems go on their fields: a stay's own date on its row, "no stay"
    above the rows. The arrival date is the form's (today when it has none).
    `needs_travel` False: no stays means "did not travel" and files no arrival."""
    if not (form.is_valid() and stays.is_valid()):
        return False
    kept = stays.kept()
    problems = rules.journey_problems(
        arrival_date=form.cleaned_data.get("arrival_date") or timezone.localdate(),
        stays=[row.cleaned_data for row in kept],
        abroad_quarantine_days=form.cleaned_data.get("abroad_quarantine_days"),
        needs_travel=needs_travel,
    )
    for problem in problems:
        message = journey_message(problem)
        if problem.stay is None:
            stays.non_form_errors().append(message)
        else:
            kept[problem.stay].add_error(problem.field, message)
    return not problems


class JourneyForm(forms.Form):
    """What the grid worker's arrival form and the public self-report share: the person's
    ID number and phone, and the journey (its stays come in a StayFormSet)."""

    id_number = forms.CharField(
        label=_("ID number"), max_length=18, validators=[validate_id_number]
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, validators=[validate_mobile])
    arrival_date = forms.DateField(
        label=_("Arrival date"), widget=DateInput(), validators=[validate_arrival_date]
    )
    landing_point_kind = forms.ChoiceField(
        label=_("First landing point"), choices=ArrivalReport.LandingPoint.choices
    )
    landing_point = forms.CharField(label=_("Landing point name"), max_length=100, required=False)
    transport = forms.ChoiceField(label=_("Transport"), choices=ArrivalReport.Transport.choices)
    abroad_quarantine_days = forms.IntegerField(
        label=_("Days quarantined at the first entry point (from abroad only)"),
        min_value=0,
        max_value=365,
        required=False,
    )

    def clean_id_number(self):
        return rules.normalize_id_number(self.cleaned_data["id_number"])


class ArrivalForm(JourneyForm):
    """The grid worker's arrival report (the person and the journey)."""

    field_order = ["name", "id_number", "phone", "address", "grid"]

    name = forms.CharField(label=_("Full name"), max_length=50)
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Jurisdiction.objects.none())

    def __init__(self, *args, grids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid"].queryset = grids
        self.fields["grid"].label_from_instance = lambda g: f"{g.parent.name} {g.name}"


class AssessmentForm(forms.Form):
    """The dry run: a traveller's journey without filing anything."""

    as_of = forms.DateField(label=_("Assess as of"), widget=DateInput(), required=False)
    arrival_date = forms.DateField(label=_("Arrival date"), widget=DateInput(), required=False)
    abroad_quarantine_days = forms.IntegerField(
        label=_("Days quarantined at the first entry point (from abroad only)"),
        min_value=0,
        max_value=365,
        required=False,
    )
    spatiotemporal_companion = forms.BooleanField(
        label=_("Spatiotemporal companion"), required=False
    )
    big_data_push = forms.BooleanField(label=_("Pushed by the big-data platform"), required=False)

    def clean(self):
        cleaned = super().clean()
        cleaned["as_of"] = cleaned.get("as_of") or timezone.localdate()
        arrival = cleaned.get("arrival_date")
        if arrival and arrival > cleaned["as_of"]:
            self.add_error("arrival_date", _("The arrival date cannot be after as_of."))
        return cleaned


class AnnouncementUploadForm(forms.Form):
    MAX_BYTES = 2 * 1024 * 1024

    file = forms.FileField(label=_("Announcement file (JSON)"), required=False)
    text = forms.CharField(
        label=_("or paste the JSON"), widget=forms.Textarea(attrs={"rows": 8}), required=False
    )

    def clean(self):
        cleaned = super().clean()
        upload = cleaned.get("file")
        if upload:
            if upload.size > self.MAX_BYTES:
                raise forms.ValidationError(_("The file is larger than 2 MB."))
            cleaned["content"] = upload.read()
        elif cleaned.get("text"):
            cleaned["content"] = cleaned["text"]
        else:
            raise forms.ValidationError(_("Choose a file or paste the JSON."))
        return cleaned
