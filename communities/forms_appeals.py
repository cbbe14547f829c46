"""Forms of appeals (误赋码申诉): the public form, the grid worker's, and one per step.

The negative test report is checked by its content, not its name: only a real JPEG, PNG
or PDF of at most 5 MB is accepted (an image is decoded and stored re-encoded, a PDF must
read as one), and it is stored under a random name with the extension of what it really
is (a person's name in a file name would leak into paths).
"""

from django import forms
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from . import rules
from .models import Appeal
from .uploads import PDF_MAGIC, image_reencoded, pdf_checked
from .validators import validate_id_number, validate_mobile

EVIDENCE_MAX_BYTES = 5 * 1024 * 1024
EVIDENCE_ACCEPT = ".jpg,.jpeg,.png,.pdf,image/jpeg,image/png,application/pdf"
REASON_MAX = 1000
NOT_EVIDENCE = _(
    "This file is not a JPEG or PNG image or a PDF. Send a photo or a PDF of the report."
)


class EvidenceField(forms.FileField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Negative test report"))
        kwargs.setdefault(
            "help_text", _("A photo (JPEG or PNG) or a PDF of the report, at most 5 MB.")
        )
        kwargs.setdefault("widget", forms.FileInput(attrs={"accept": EVIDENCE_ACCEPT}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        file = super().clean(data, initial)
        if file is None:
            return file
        if file.size > EVIDENCE_MAX_BYTES:
            raise forms.ValidationError(
                _("The file is %(size)s; at most 5 MB is accepted."),
                code="too_big",
                params={"size": filesizeformat(file.size)},
            )
        file.seek(0)
        is_pdf = file.read(len(PDF_MAGIC)) == PDF_MAGIC
        file.seek(0)
        if is_pdf:
            return pdf_checked(file, not_pdf=NOT_EVIDENCE)
        return image_reencoded(file, not_image=NOT_EVIDENCE)


def _reason_field():
    return forms.CharField(
        label=_("Why the code is wrong"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class PublicAppealForm(forms.Form):
    """误赋码申诉 by the person: who they are (ID number and phone together), why, and the
    negative test report."""

    id_number = forms.CharField(
        label=_("ID number"), max_length=18, validators=[validate_id_number]
    )
    phone = forms.CharField(label=_("Mobile phone"), max_length=11, validators=[validate_mobile])
    reason = _reason_field()
    evidence = EvidenceField()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "tel"})
        self.fields["phone"].help_text = _("The mobile number registered with your community.")

    def clean_id_number(self):
        return rules.normalize_id_number(self.cleaned_data["id_number"])

    def clean_phone(self):
        return self.cleaned_data["phone"].strip()


class AppealFileForm(forms.Form):
    """The grid worker's appeal for one of their residents."""

    quarantine_status = forms.CharField(
        label=_("Quarantine status"),
        max_length=Appeal._meta.get_field("quarantine_status").max_length,
        help_text=_("Where and since when the person is quarantined or monitored, if at all."),
    )
    reason = _reason_field()
    evidence = EvidenceField()


# --- The steps: verify (grid worker), review (district), resolve (city) --------------------


class AppealVerifyForm(forms.Form):
    note = forms.CharField(
        label=_("What you verified"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class AppealReviewForm(forms.Form):
    note = forms.CharField(
        label=_("Review note"), max_length=REASON_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )


class AppealResolveForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Outcome of the appeal"),
        choices=[
            (Appeal.Outcome.RELEASED, _("Release: the code turns green")),
            (Appeal.Outcome.UPHELD, _("Uphold: the code stays")),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Reason for the decision"),
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    @property
    def release(self) -> bool:
        return self.cleaned_data["outcome"] == Appeal.Outcome.RELEASED
