"""An announcement entered on a page (DOMAIN.md section 8, issue 13): a title and date,
then rows of risk areas, case counties, epidemic cities and measure overrides. Province,
city and county come from the official division list (PlacePickers); a name that is not
on it (read from a workbook or a copied announcement) is an error on its row until it is
corrected or confirmed on that row. The rows become the announcement's JSON and pass the
same checks as a file (AnnouncementIn), whose refusals land on the rows at fault."""

from datetime import date

from django import forms
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from . import places
from .announcements import flatten_errors
from .forms import PlacePickers
from .models import RiskLevel
from .rules.policy import DEFAULT_MEASURES, MEASURE_LABELS, RULES_WITH_MEASURES
from .serializers import (
    EFFECTIVE_DAYS_AHEAD,
    MAX_PHASE_DAYS,
    AnnouncementIn,
    effective_is_later,
)
from .widgets import DateInput

# The most rows a list takes on the page; a longer announcement is a JSON file.
MAX_ROWS = 500


def rule_order(rule: str) -> tuple[int, str]:
    """R1, R2, R3, R5a, R5b, R6: by number, then letter."""
    return int("".join(c for c in rule if c.isdigit())), rule


def _rule_choices() -> list[tuple[str, str]]:
    def label(rule):
        phases = " + ".join(
            _("%(measure)s %(days)s days") % {"measure": MEASURE_LABELS[p.kind], "days": p.days}
            for p in DEFAULT_MEASURES[rule]
        )
        return _("%(rule)s (by default: %(phases)s)") % {"rule": rule, "phases": phases}

    return [(rule, label(rule)) for rule in sorted(RULES_WITH_MEASURES, key=rule_order)]


class HeaderForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    effective = forms.DateField(label=_("Effective from"), widget=DateInput())
    confirm_later = forms.BooleanField(
        label=_("The effective date is more than %(days)s days ahead; it is correct.")
        % {"days": EFFECTIVE_DAYS_AHEAD},
        required=False,
    )


class RowSelect(forms.Select):
    """A picker rendered in one pass: a page of 300 rows holds some 20,000 options, and
    Django's template per option made it take seconds."""

    def render(self, name, value, attrs=None, renderer=None):
        attrs = self.build_attrs(self.attrs, attrs)
        current = "" if value is None else str(value)
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (choice, " selected" if str(choice) == current else "", label)
                for choice, label in self.choices
            ),
        )
        attributes = format_html_join("", ' {}="{}"', attrs.items())
        return format_html('<select name="{}"{}>{}</select>', name, attributes, options)


class RowForm(forms.Form):
    """A row of one of the lists, rendered compactly (Bootstrap's small controls, without
    crispy's templates: a list may have hundreds of rows). `source` says where a row read
    from a workbook stood there (sheet and row), so that its errors can be found in the
    file as well."""

    source = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select) and not isinstance(field.widget, RowSelect):
                field.widget = RowSelect(attrs=field.widget.attrs, choices=field.widget.choices)
            if isinstance(field.widget, forms.CheckboxInput):
                css = "form-check-input"
            else:
                css = (
                    "form-select form-select-sm"
                    if isinstance(field.widget, RowSelect)
                    else ("form-control form-control-sm")
                )
            field.widget.attrs["class"] = css

    def full_clean(self):
        super().full_clean()
        self.mark_invalid()

    def mark_invalid(self) -> None:
        """Bootstrap's red border on the fields with an error."""
        for name in self.errors:
            css = self.fields[name].widget.attrs if name in self.fields else {}
            if "class" in css and "is-invalid" not in css["class"]:
                css["class"] += " is-invalid"

    def row(self) -> dict:
        """The row as the announcement's JSON has it."""
        skip = {"source", "confirm_place", "DELETE"}
        return {
            name: value.isoformat() if isinstance(value, date) else value
            for name, value in self.cleaned_data.items()
            if name not in skip and value not in ("", None)
        }


class PlaceRowForm(PlacePickers, RowForm):
    confirm_place = forms.BooleanField(
        label=_("These names are right although they are not on the official division list"),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.off_list = str(_(" (not on the official list)"))
        self.set_up_pickers()
        self.off_list_names = False  # set by clean(): the template shows the box then

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("province") and cleaned.get("city")):
            return cleaned
        county = cleaned.get("county") if "county" in self.fields else None
        if "county" in self.fields and not county:
            return cleaned
        problem = places.place_problem(cleaned["province"], cleaned["city"], county)
        if problem:
            self.off_list_names = True
            if not cleaned.get("confirm_place"):
                field, text = problem
                self.add_error(
                    field,
                    _(
                        "%(problem)s: choose the name from the list, or tick the box "
                        "below if it is right as it stands."
                    )
                    % {"problem": text},
                )
        return cleaned


def _place_fields(county: bool = True) -> tuple[forms.CharField, ...]:
    """Province, city (and county) pickers, as the rows' first fields."""
    fields = (
        forms.CharField(label=_("Province"), max_length=50, widget=RowSelect),
        forms.CharField(label=_("City"), max_length=50, widget=RowSelect),
    )
    if county:
        fields += (forms.CharField(label=_("County/district"), max_length=50, widget=RowSelect),)
    return fields


class RiskAreaForm(PlaceRowForm):
    level = forms.ChoiceField(label=_("Level"), choices=RiskLevel.choices, initial="high")
    province, city, county = _place_fields()
    street = forms.CharField(label=_("Street/town"), max_length=50, required=False)
    area = forms.CharField(label=_("Area"), max_length=100, required=False)


class CaseCountyForm(PlaceRowForm):
    province, city, county = _place_fields()
    street = forms.CharField(label=_("Street/town"), max_length=50, required=False)


class EpidemicCityForm(PlaceRowForm):
    province, city = _place_fields(county=False)
    since = forms.DateField(label=_("Since"), widget=DateInput())


class MeasureRowForm(RowForm):
    """One phase of a rule's measure; a rule's phases are its rows in their order."""

    rule = forms.ChoiceField(label=_("Rule"), choices=_rule_choices)
    kind = forms.ChoiceField(
        label=_("Measure"), choices=[("", "—"), *((k.value, v) for k, v in MEASURE_LABELS.items())]
    )
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=MAX_PHASE_DAYS)

    def has_changed(self):
        # the rule picker always sends a value: a row is filled when it names a measure
        return any(self.data.get(self.add_prefix(name)) for name in ("kind", "days"))


class RowFormSet(forms.BaseFormSet):
    def kept(self) -> list[forms.Form]:
        """The rows filled in and not marked for deletion, in their order."""
        return [f for f in self.forms if f.has_changed() and not self._should_delete_form(f)]


def _formset(form):
    return forms.formset_factory(
        form,
        formset=RowFormSet,
        extra=0,
        max_num=MAX_ROWS,
        validate_max=True,
        can_delete=True,
    )


# key in the announcement's JSON → (prefix on the page, formset, heading)
LISTS = {
    "risk_areas": ("risk", _formset(RiskAreaForm), _("Risk areas")),
    "case_counties": ("case", _formset(CaseCountyForm), _("Case counties")),
    "epidemic_cities": ("city", _formset(EpidemicCityForm), _("Epidemic cities")),
    "measures": ("measure", _formset(MeasureRowForm), _("Measure overrides")),
}
PREFIXES = {prefix: key for key, (prefix, _formset, _heading) in LISTS.items()}


def empty_row(prefix: str, index: int) -> forms.Form:
    """An empty row of the list with `prefix`, numbered `index`, for "add a row"."""
    formset = LISTS[PREFIXES[prefix]][1](prefix=prefix)
    form = formset.form(
        prefix=formset.add_prefix(index), empty_permitted=True, use_required_attribute=False
    )
    formset.add_fields(form, None)
    return form


def initial_of(payload: dict) -> dict:
    """An announcement's JSON as the editor's initial values (copying one to change it)."""
    initial = {
        "title": payload.get("title", ""),
        "risk_areas": payload.get("risk_areas", []),
        "case_counties": payload.get("case_counties", []),
        "epidemic_cities": payload.get("epidemic_cities", []),
        "measures": [
            {"rule": rule, **phase}
            for rule, phases in (payload.get("measures") or {}).items()
            for phase in phases
        ],
    }
    return initial


class AnnouncementEditor:
    """The header form and the four lists of rows, validated together."""

    def __init__(self, data=None, *, initial: dict | None = None):
        initial = initial or {}
        self.header = HeaderForm(data, initial={"title": initial.get("title", "")})
        self.lists = {
            key: (heading, formset(data, prefix=prefix, initial=initial.get(key) or None))
            for key, (prefix, formset, heading) in LISTS.items()
        }
        self.errors: list[str] = []  # what belongs to no row
        self.validated: dict | None = None
        self.later = False  # the effective date lies beyond the window: needs confirming

    @property
    def sections(self) -> list[tuple[str, RowFormSet]]:
        """(heading, rows) of each list, in the page's order."""
        return list(self.lists.values())

    @property
    def rows_with_errors(self) -> int:
        return sum(1 for formset in self.formsets if formset.is_bound for f in formset if f.errors)

    @property
    def formsets(self):
        return [formset for _heading, formset in self.lists.values()]

    def is_valid(self, *, publishing: bool = False) -> bool:
        """Whether every row is valid and the whole passes AnnouncementIn; a date more
        than EFFECTIVE_DAYS_AHEAD ahead passes a preview and is refused when publishing
        unless confirmed."""
        valid = self.header.is_valid()
        if valid:
            self.later = effective_is_later(self.header.cleaned_data["effective"])
        valid = all([formset.is_valid() for formset in self.formsets]) and valid
        if not valid:
            return False
        confirmed = self.header.cleaned_data["confirm_later"]
        serializer = AnnouncementIn(
            data=self.payload(), context={"later_confirmed": confirmed or not publishing}
        )
        if not serializer.is_valid():
            self._place_errors(serializer.errors)
            return False
        self.validated = serializer.validated_data
        return True

    def payload(self) -> dict:
        header = self.header.cleaned_data
        payload = {"title": header["title"], "effective": header["effective"].isoformat()}
        for key, (_heading, formset) in self.lists.items():
            rows = [form.row() for form in formset.kept()]
            if key == "measures":
                measures: dict[str, list] = {}
                for row in rows:
                    measures.setdefault(row.pop("rule"), []).append(row)
                payload[key] = measures
            else:
                payload[key] = rows
        return payload

    def _place_errors(self, errors: dict) -> None:
        """AnnouncementIn's refusals on the fields and rows at fault."""
        for name, detail in errors.items():
            if name in self.header.fields:
                self.header.add_error(name, detail)
                continue
            formset = self.lists[name][1] if name in self.lists else None
            # a list's refusals by row: a list, or a dict by index (DRF's many=True)
            if isinstance(detail, list) and all(isinstance(d, dict) for d in detail):
                detail = dict(enumerate(detail))
            by_row = isinstance(detail, dict) and all(isinstance(k, int) for k in detail)
            if formset is None or name == "measures" or not by_row:
                self.errors += flatten_errors({name: detail})
                continue
            kept = formset.kept()
            for index, row_errors in detail.items():
                for field, messages in (row_errors or {}).items():
                    form = kept[index]
                    form.add_error(field if field in form.fields else None, messages)
                    form.mark_invalid()
