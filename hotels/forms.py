"""Forms of the quarantine hotels: shape only; the services check the rest."""

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from communities.widgets import DateInput

from .models import Hotel, StaffMember

ROOM_RANGE = re.compile(r"^\s*(\d{1,6})\s*[-–~至]\s*(\d{1,6})\s*$")
MAX_ROOMS_AT_ONCE = 500


class HotelForm(forms.ModelForm):
    class Meta:
        model = Hotel
        fields = ["district", "name", "address", "contact_name", "contact_phone"]

    def __init__(self, *args, districts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["district"].empty_label = _("Choose…")


class AcceptForm(forms.Form):
    on = forms.DateField(label=_("Checked and accepted on"), widget=DateInput())
    inspector = forms.CharField(label=_("Inspector"), max_length=100)


class StateForm(forms.Form):
    state = forms.ChoiceField(choices=Hotel.State.choices)


class RoomsForm(forms.Form):
    floor = forms.IntegerField(label=_("Floor"), min_value=-5, max_value=200)
    numbers = forms.CharField(
        label=_("Room numbers"),
        max_length=2000,
        help_text=_("Numbers separated by commas, or a range such as 301-320."),
    )

    def clean_numbers(self):
        text = self.cleaned_data["numbers"]
        numbers = []
        for part in re.split(r"[,，、\s]+", text.strip()):
            if not part:
                continue
            found = ROOM_RANGE.match(part)
            if found:
                first, last = int(found[1]), int(found[2])
                if last < first or last - first >= MAX_ROOMS_AT_ONCE:
                    raise forms.ValidationError(_("A range runs from a smaller number."))
                numbers += [str(n) for n in range(first, last + 1)]
            elif len(part) <= 10:
                numbers.append(part)
            else:
                raise forms.ValidationError(_("A room number has at most 10 characters."))
        if not numbers or len(numbers) > MAX_ROOMS_AT_ONCE:
            raise forms.ValidationError(
                _("Give from 1 to %(n)s rooms at once.") % {"n": MAX_ROOMS_AT_ONCE}
            )
        return numbers


class PlaceForm(forms.Form):
    hotel = forms.ModelChoiceField(label=_("Quarantine hotel"), queryset=Hotel.objects.none())
    with_family = forms.ModelChoiceField(
        label=_("With a family member (the same room)"),
        queryset=None,
        required=False,
        empty_label=_("No: a room of their own"),
    )
    transfer_from = forms.CharField(
        label=_("Transferred from"),
        max_length=200,
        help_text=_("Where the person was picked up: a station, an airport, their home."),
    )
    transfer_at = forms.DateTimeField(
        label=_("Transferred at"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    transfer_by = forms.CharField(
        label=_("Transferred by"),
        max_length=100,
        help_text=_("The vehicle and the staff who escorted the person."),
    )

    def __init__(self, *args, hotels, family, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["hotel"].queryset = hotels
        self.fields["hotel"].empty_label = _("Choose…")
        self.fields["with_family"].queryset = family
        self.fields["with_family"].label_from_instance = lambda p: (
            f"{p.resident.name} · {p.hotel.name} {p.room.number}"
        )


class StaffForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["district", "name", "phone", "post", "user"]

    def __init__(self, *args, districts, accounts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["district"].queryset = districts
        self.fields["user"].queryset = accounts
        self.fields["user"].required = False

    def clean(self):
        data = super().clean()
        account, district = data.get("user"), data.get("district")
        elsewhere = (
            account is not None
            and district is not None
            and (not account.is_active or account.jurisdiction_id != district.pk)
        )
        if elsewhere:
            self.add_error("user", _("The sign-in is not an active one of this district."))
        return data


class TrainingForm(forms.Form):
    course = forms.CharField(label=_("Course"), max_length=100)
    day = forms.DateField(label=_("Date"), widget=DateInput())
    trainer = forms.CharField(label=_("Trainer"), max_length=100)
    passed = forms.BooleanField(label=_("Assessment passed"), required=False)


class CertificateForm(forms.Form):
    number = forms.CharField(label=_("Certificate number"), max_length=40)
    issued = forms.DateField(label=_("Issued on"), widget=DateInput())
    valid_until = forms.DateField(label=_("Valid until"), widget=DateInput())


class RosterForm(forms.Form):
    staff = forms.ModelChoiceField(label=_("Staff member"), queryset=StaffMember.objects.none())

    def __init__(self, *args, staff, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["staff"].queryset = staff
        self.fields["staff"].empty_label = _("Choose…")


class TargetForm(forms.Form):
    rooms = forms.IntegerField(label=_("Rooms to keep ready"), min_value=0, max_value=100_000)
