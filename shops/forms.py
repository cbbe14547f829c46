import uuid

from django import forms
from django.core.exceptions import ValidationError
from django.utils.text import capfirst
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Inspection
from .validators import photo_cleaned

YES, NO = "yes", "no"


def check_labels() -> dict[str, str]:
    """The checklist items' labels: the verbose names of the inspection's fields."""
    return {item: capfirst(Inspection._meta.get_field(item).verbose_name) for item in rules.CHECKS}


class InspectionForm(forms.Form):
    """The joint group's checklist: every item answered yes or no (nothing preselected),
    an optional photo and a note. Shape only; the view hands the answers to the service.

    Each checklist page carries a one-time token, so that the same page submitted twice
    (a double tap, a resubmitted POST, the back button) records once. It is optional: a
    checklist opened before the token existed still records."""

    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": "image/jpeg,image/png", "capture": "environment"}),
    )
    note = forms.CharField(
        label=_("Note"), max_length=1000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    token = forms.UUIDField(
        required=False,
        widget=forms.HiddenInput,
        error_messages={"invalid": _("This checklist's token is not valid: open it again.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("token", uuid.uuid4())
        checks = {
            item: forms.TypedChoiceField(
                label=label,
                choices=[(YES, _("Yes")), (NO, _("No"))],
                coerce=lambda value: value == YES,
                empty_value=None,
                widget=forms.RadioSelect(attrs={"class": "btn-check", "autocomplete": "off"}),
                error_messages={
                    "required": gettext("Answer “%(item)s”: yes or no.") % {"item": label}
                },
            )
            for item, label in check_labels().items()
        }
        self.fields = {**checks, **self.fields}

    @property
    def checklist(self) -> list[forms.BoundField]:
        return [self[item] for item in rules.CHECKS]

    def answers(self) -> dict[str, bool | None]:
        return {item: self.cleaned_data.get(item) for item in rules.CHECKS}

    def clean_photo(self):
        photo = self.cleaned_data.get("photo")
        return photo_cleaned(photo) if photo else None


def errors_onto(form, error: ValidationError) -> None:
    """A service's ValidationError on the form: each field's errors on that field when the
    form has it, the rest (e.g. the shop's share) above the form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for key, errors in error.error_dict.items():
        form.add_error(key if key in form.fields else None, errors)
