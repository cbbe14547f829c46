"""Forms of vaccination: a dose, the booster policy, a product of the table. They check
shape; the services check the rest (a day in the future, a second dose on a day)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.widgets import DateInput

from .models import MAX_COURSE, Product


class DoseForm(forms.Form):
    day = forms.DateField(label=_("Vaccination date"), widget=DateInput())
    product = forms.ModelChoiceField(
        label=_("Product"),
        queryset=Product.objects.filter(active=True),
        empty_label=_("Choose…"),
        error_messages={"invalid_choice": _("Choose a product of the list.")},
    )
    manufacturer = forms.CharField(
        label=_("Manufacturer"),
        max_length=100,
        required=False,
        help_text=_("Empty: the product's manufacturer."),
    )
    lot = forms.CharField(label=_("Lot"), max_length=40)
    site = forms.CharField(label=_("Vaccination site"), max_length=100)
    number = forms.IntegerField(
        label=_("Dose number"),
        min_value=1,
        max_value=9,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    booster = forms.BooleanField(label=_("Given as a booster"), required=False)

    def clean_lot(self):
        return self.cleaned_data["lot"].strip()

    def clean_site(self):
        return self.cleaned_data["site"].strip()


class PolicyForm(forms.Form):
    effective = forms.DateField(label=_("Effective from"), widget=DateInput())
    booster_age = forms.IntegerField(label=_("Booster from age"), min_value=3, max_value=100)
    booster_after_days = forms.IntegerField(
        label=_("Booster after days of the full course"), min_value=1, max_value=3650
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ProductForm(forms.ModelForm):
    class Meta:
        model = Product
        fields = ["code", "name", "platform", "primary_doses", "manufacturer", "active"]
        widgets = {
            "primary_doses": forms.NumberInput(attrs={"min": 1, "max": MAX_COURSE}),
        }
