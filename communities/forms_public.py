"""Forms of the public pages (no sign-in): the arrival self-report and its place lists.

The place lists only offer nodes of the city's own tree, one level at a time; a bound
form narrows each list to the children of the node chosen above it, so a community that
is not under the chosen street and district is refused even when JavaScript is off.
"""

import unicodedata

from django import forms
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .forms import JourneyForm
from .models import Jurisdiction

Level = Jurisdiction.Level


def _pk(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def city_districts() -> QuerySet[Jurisdiction]:
    """The districts of the city the portal serves (the first city node created)."""
    city = Jurisdiction.objects.filter(level=Level.CITY).order_by("pk").values("pk")[:1]
    return Jurisdiction.objects.filter(level=Level.DISTRICT, parent__in=city).order_by("name")


def district_streets(district) -> QuerySet[Jurisdiction]:
    """The streets of one district of the city; none for any other id."""
    pk = _pk(district)
    if pk is None:
        return Jurisdiction.objects.none()
    return Jurisdiction.objects.filter(
        level=Level.STREET, parent__in=city_districts().filter(pk=pk)
    ).order_by("name")


def street_communities(street, district=None) -> QuerySet[Jurisdiction]:
    """The communities of one street of the city (of `district`, when given)."""
    pk = _pk(street)
    if pk is None:
        return Jurisdiction.objects.none()
    streets = Jurisdiction.objects.filter(level=Level.STREET, parent__in=city_districts())
    if district is not None:
        streets = streets.filter(parent_id=_pk(district))
    return Jurisdiction.objects.filter(
        level=Level.COMMUNITY, parent__in=streets.filter(pk=pk)
    ).order_by("name")


class SelfReportForm(JourneyForm):
    """返（抵）并人员主动报备: the person, where they stay in the city, and the journey."""

    field_order = ["name", "id_number", "phone", "district", "street", "community", "address"]

    name = forms.CharField(label=pgettext_lazy("person", "Name"), max_length=50)
    district = forms.ModelChoiceField(
        label=_("District/County"), queryset=Jurisdiction.objects.none()
    )
    street = forms.ModelChoiceField(label=_("Street/Town"), queryset=Jurisdiction.objects.none())
    community = forms.ModelChoiceField(
        label=_("Community/Village"), queryset=Jurisdiction.objects.none()
    )
    address = forms.CharField(label=_("Address"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        district, street = self._chosen("district"), self._chosen("street")
        self.fields["district"].queryset = city_districts()
        self.fields["street"].queryset = district_streets(district)
        self.fields["community"].queryset = street_communities(street, district)
        # Each select refreshes its own options when the one above it changes (htmx);
        # the values of both are sent so the server can check that they belong together.
        self.fields["street"].widget.attrs.update(
            {
                "hx-get": reverse("public:street-options"),
                "hx-trigger": "change from:#id_district",
                "hx-include": "#id_district",
                "hx-target": "this",
            }
        )
        self.fields["community"].widget.attrs.update(
            {
                "hx-get": reverse("public:community-options"),
                "hx-trigger": "change from:#id_district, change from:#id_street",
                "hx-include": "#id_district, #id_street",
                "hx-target": "this",
            }
        )
        self.fields["phone"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "tel"})
        self.fields["name"].widget.attrs.update({"autocomplete": "name"})

    def _chosen(self, name):
        """The id chosen above a dependent select, from the data or the initial values."""
        value = self.data.get(self.add_prefix(name)) if self.is_bound else self.initial.get(name)
        return value.pk if isinstance(value, Jurisdiction) else value


class StatusForm(forms.Form):
    """The public status page: a reference and the last four digits of the phone. The
    reference is only tidied here; whether it is one at all is answered as for an unknown
    one (selectors_public)."""

    reference = forms.CharField(
        label=_("Reference"),
        max_length=40,
        help_text=_("As on the page shown after sending, e.g. BB-7KQ4M-9XPTW."),
    )
    phone_last4 = forms.RegexField(
        label=_("Last four digits of the mobile phone"),
        regex=r"^\d{4}$",
        error_messages={"invalid": _("Enter the last four digits of the mobile phone.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reference"].widget.attrs.update(
            {"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        )
        self.fields["phone_last4"].widget.attrs.update(
            {"inputmode": "numeric", "maxlength": "4", "autocomplete": "off"}
        )

    def clean_phone_last4(self):
        # \d also takes the full-width digits of a Chinese keyboard: stored phones are ASCII.
        return unicodedata.normalize("NFKC", self.cleaned_data["phone_last4"])
