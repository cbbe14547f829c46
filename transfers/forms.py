from django import forms
from django.utils.translation import gettext_lazy as _


class ImportUploadForm(forms.Form):
    """The file of one kind; it is checked (a dry run) before anything is stored."""

    file = forms.FileField(
        label=_("File (CSV in UTF-8 or GBK, Excel .xlsx or .xls)"),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx,.xls"}),
    )
