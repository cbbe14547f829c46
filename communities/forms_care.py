"""Forms of the daily care pages: one-tap test results, a results file, a follow-up, an
anomaly's resolution."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import RESOLUTION_CHOICES, Anomaly, NucleicAcidTest, Symptom
from .widgets import DateInput

Result = NucleicAcidTest.Result


class ResultForm(forms.Form):
    """The one-tap result of a test: negative or positive, never back to pending; and when
    its sample was taken (empty: now). The service checks the time against the test."""

    result = forms.ChoiceField(
        choices=[(Result.NEGATIVE, Result.NEGATIVE.label), (Result.POSITIVE, Result.POSITIVE.label)]
    )
    sampled_at = forms.DateTimeField(label=_("Sampled at"), required=False)


# --- Daily follow-up -------------------------------------------------------------------------


class FollowUpForm(forms.Form):
    """One day's temperature and symptoms; the service checks the day against the measure."""

    day = forms.DateField(label=_("Date"), widget=DateInput())
    temperature = forms.DecimalField(
        label=_("Temperature (°C)"),
        min_value=Decimal("34.0"),
        max_value=Decimal("43.0"),
        max_digits=3,
        decimal_places=1,
        widget=forms.NumberInput(attrs={"step": "0.1", "inputmode": "decimal"}),
    )
    symptoms = forms.MultipleChoiceField(
        label=_("Symptoms"),
        choices=Symptom.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


# --- Anomalies -------------------------------------------------------------------------------


class AnomalyResolveForm(forms.Form):
    """An anomaly's outcome (nothing chosen until someone chooses) and what was found.
    Each open anomaly on a page has its own, prefixed with its id."""

    outcome = forms.ChoiceField(
        label=_("Outcome of the anomaly"),
        choices=[("", _("Choose…")), *RESOLUTION_CHOICES],
        error_messages={"required": _("Choose the outcome of the anomaly.")},
    )
    note = forms.CharField(
        label=_("What was found, by whom"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Write what was found and who found it.")},
    )

    def __init__(self, *args, anomaly: Anomaly, **kwargs):
        super().__init__(*args, prefix=f"anomaly-{anomaly.pk}", **kwargs)
