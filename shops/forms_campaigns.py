"""Forms of the street supervisor's pages: the register's filters and file, campaigns,
joint groups and shares. They check shape only; the views call the services."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.widgets import DateInput

from .models import Placard, Shop

# The register's file: what the import reads, in the order the export writes it.
COLUMNS = ("name", "address", "community", "grid")
OPTIONAL_COLUMNS = ("road", "kind", "licence_number", "contact_phone", "venue_code_posted")
# Written by the export for reading; the import ignores them.
READ_ONLY_COLUMNS = ("placard", "state", "reminders", "last_inspected")
# The columns' Chinese headings, the first the one the export writes and the page shows;
# the keys are still read (files written before the headings).
HEADINGS = {
    "name": ("名称", "店名", "商铺名称"),
    "address": ("地址", "详细地址"),
    "community": ("社区",),
    "grid": ("网格",),
    "road": ("道路", "所在道路"),
    "kind": ("类型", "业态"),
    "licence_number": ("营业执照号", "营业执照", "统一社会信用代码"),
    "contact_phone": ("联系电话", "电话", "手机号"),
    "venue_code_posted": ("场所码已张贴", "场所码"),
    "placard": ("牌子",),
    "state": ("状态",),
    "reminders": ("提醒次数",),
    "last_inspected": ("最近检查",),
}


def _choices(pairs, everything):
    return [("", everything), *pairs]


class ShopFilterForm(forms.Form):
    """The register's filters (GET); choices come from what the user sees."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    road = forms.ChoiceField(label=_("Road"), required=False)
    community = forms.TypedChoiceField(label=_("Community"), required=False, coerce=int)
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    placard = forms.ChoiceField(label=_("Placard"), required=False)
    state = forms.ChoiceField(label=_("State"), required=False)
    reinspection = forms.ChoiceField(
        label=_("Re-inspection"),
        required=False,
        choices=[("", _("Any re-inspection day")), ("due", _("Re-inspection due"))],
    )
    reminded = forms.ChoiceField(
        label=_("Rectification reminder"),
        required=False,
        choices=[("", _("With or without a reminder")), ("1", _("Under a rectification reminder"))],
    )

    def __init__(self, *args, roads=(), communities=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["road"].choices = _choices([(r, r) for r in roads], _("All roads"))
        self.fields["community"].choices = _choices(communities, _("All communities"))
        self.fields["kind"].choices = _choices(Shop.Kind.choices, _("All kinds"))
        self.fields["placard"].choices = _choices(Placard.choices, _("All placards"))
        self.fields["state"].choices = _choices(Shop.State.choices, _("All states"))
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name or address"), "type": "search"}
        )
        for name, field in self.fields.items():
            css = "form-control form-control-sm" if name == "q" else "form-select form-select-sm"
            field.widget.attrs.update({"class": css, "aria-label": field.label})

    def filters(self) -> dict:
        """The valid filters that were given (an unknown value is ignored)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: value for name, value in data.items() if value not in ("", None)}


# A start further from today is a typo (9999-12-31 overflowed the date arithmetic).
CAMPAIGN_START_WITHIN_DAYS = 365
CAMPAIGN_MAX_DAYS = 366


class CampaignForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    starts_on = forms.DateField(label=_("Starts on"), widget=DateInput())
    ends_on = forms.DateField(
        label=_("Ends on"),
        required=False,
        widget=DateInput(),
        help_text=_("Empty: one month after the start."),
    )
    roads = forms.MultipleChoiceField(
        label=_("Main roads"),
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
        help_text=_(
            "The shops of these roads are inspected; none ticked: every shop of the street."
        ),
    )

    def __init__(self, *args, roads=(), **kwargs):
        """`roads`: (road, number of shops) of the street's register. A new campaign starts
        from an empty form (one tap must not create one)."""
        super().__init__(*args, **kwargs)
        self.fields["roads"].choices = [
            (road, _("%(road)s (%(n)s shops)") % {"road": road, "n": n}) for road, n in roads
        ]

    def clean_starts_on(self):
        starts_on = self.cleaned_data["starts_on"]
        if starts_on == self.initial.get("starts_on"):
            return starts_on  # a campaign's own start, kept while it is changed
        today = timezone.localdate()
        if abs((starts_on - today).days) > CAMPAIGN_START_WITHIN_DAYS:
            raise forms.ValidationError(
                _("A campaign starts within a year of today; check the year."),
                code="start_out_of_range",
            )
        return starts_on

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and (ends_on - starts_on).days > CAMPAIGN_MAX_DAYS:
            self.add_error(
                "ends_on",
                forms.ValidationError(
                    _("A campaign lasts at most %(days)s days."),
                    params={"days": CAMPAIGN_MAX_DAYS},
                    code="too_long",
                ),
            )
        return cleaned


class MemberChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        place = user.jurisdiction.name if user.jurisdiction_id else ""
        return f"{user.get_full_name() or user.username} · {place}"


class GroupForm(forms.Form):
    """Three members; the querysets are the eligible users, the service checks again."""

    grid_worker = MemberChoiceField(label=_("Grid worker"), queryset=None)
    market_officer = MemberChoiceField(label=_("Market supervision"), queryset=None)
    enforcement_officer = MemberChoiceField(label=_("Law enforcement"), queryset=None)

    def __init__(self, *args, grid_workers, inspectors, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["grid_worker"].queryset = grid_workers
        self.fields["market_officer"].queryset = inspectors
        self.fields["enforcement_officer"].queryset = inspectors


class AssignForm(forms.Form):
    """Move a road's shops, or the ticked shops, into a group's share."""

    group = forms.ModelChoiceField(label=_("Group"), queryset=None)
    road = forms.ChoiceField(label=_("Road"), required=False)
    shops = forms.ModelMultipleChoiceField(
        label=_("Unassigned shops"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, groups, roads, target, **kwargs):
        """`target`: the campaign's shops (the page lists only some unassigned ones)."""
        super().__init__(*args, **kwargs)
        self.fields["group"].queryset = groups
        self.fields["road"].choices = _choices([(r, r) for r in roads], _("Choose…"))
        self.fields["shops"].queryset = target

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("road") and not cleaned.get("shops"):
            raise forms.ValidationError(_("Choose a road or tick some shops."))
        return cleaned
