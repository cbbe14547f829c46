from django import forms
from django.utils.translation import gettext_lazy as _

from .models import HealthCode


class ProposalForm(forms.Form):
    to_code = forms.ChoiceField(label=_("Change the code to"), choices=HealthCode.choices)
    reason = forms.CharField(
        label=_("Reason"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class DecisionForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Approve")), ("0", _("Reject"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# --- Review tasks: a stricter re-assessment meets a person's decision ------------------------


def _text(label, message, rows):
    return forms.CharField(
        label=label,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": rows}),
        error_messages={"required": message},
    )


class ReviewActionForm(forms.Form):
    """A form of one review task on a list of them: prefixed with its id and action."""

    action = ""

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, prefix=f"review-{review.pk}-{self.action}", **kwargs)


class ReviewProposeForm(ReviewActionForm):
    """Propose the re-assessment's code to the city; the reason comes prefilled with the
    announcement and the review task."""

    action = "propose"
    reason = _text(_("Reason for the proposal"), _("Give the reason for the proposal."), 3)


class ReviewKeepForm(ReviewActionForm):
    action = "keep"
    note = _text(_("Why the decision is kept"), _("Say why the decision is kept."), 2)
