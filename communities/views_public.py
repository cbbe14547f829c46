"""Public pages, no sign-in: the arrival self-report (返（抵）并人员主动报备) and the status
page of a self-report or an appeal.

Nothing here shows stored personal data or a decision: the public only ever sees the
form, its own input back with errors, a thank-you page with the reference, and on the
status page where a report or appeal stands, under a masked name.
"""

from datetime import timedelta
from urllib.parse import urlencode

from django.core import signing
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import ratelimit, selectors_public, services
from .forms import StayFormSet, journey_valid
from .forms_public import SelfReportForm, StatusForm, district_streets, street_communities

# Abuse limits of the public form, counted over the shared cache so that they hold across
# web workers; only submissions that are stored count.
FORM = "self-report"  # the prefix of its rate-limit keys
IP_LIMIT, IP_WINDOW = 5, timedelta(hours=1)
ID_LIMIT, ID_WINDOW = 3, timedelta(days=1)
IP_LIMIT_MESSAGE = _(
    "At most %(n)s reports can be sent from one network in an hour. Please try again later."
)
ID_LIMIT_MESSAGE = _(
    "This ID number was already reported %(n)s times within 24 hours. Your community has "
    "the report and will contact you; there is no need to send it again."
)
STAYS_PREFIX = "stays"
# The thank-you page shows the reference, signed into its URL: no session, and nothing
# else of the report.
THANKS_SALT = "public.report-thanks"
THANKS_MAX_AGE = timedelta(days=2)

# The status page: every look-up counts, found or not, so that references and digits
# cannot be tried at length from one address.
STATUS = "status"  # the prefix of its rate-limit keys
STATUS_LIMIT, STATUS_WINDOW = 20, timedelta(hours=1)
STATUS_LIMIT_MESSAGE = _(
    "At most %(n)s look-ups can be made from one network in an hour. Please try again later."
)
# One answer whether the reference is unknown or the digits do not match it.
NOT_FOUND_MESSAGE = _(
    "No such reference, or the digits do not match. Check the reference and the last four "
    "digits of the mobile phone given in the report or appeal."
)


def _limited(request, message):
    return render(
        request, "communities/public/report_limited.html", {"message": message}, status=429
    )


@require_GET
def stay_row(request):
    """An empty stay row for the public form's "add a stay" button."""
    index = request.GET.get("index", "")
    index = min(int(index), StayFormSet.max_num - 1) if index.isdigit() else 0
    # Built as the formset builds its rows (with its DELETE box), under the row's prefix
    # from the start: a form's fields may read their names while it is constructed.
    stays = StayFormSet(prefix=STAYS_PREFIX)
    form = stays.form(
        prefix=stays.add_prefix(index),
        auto_id=stays.auto_id,
        empty_permitted=True,
        use_required_attribute=False,
    )
    stays.add_fields(form, None)
    return render(request, "communities/partials/stay_row.html", {"form": form})


@require_GET
def street_options(request):
    nodes = district_streets(request.GET.get("district"))
    return render(request, "communities/public/partials/options.html", {"nodes": nodes})


@require_GET
def community_options(request):
    nodes = street_communities(request.GET.get("street"), request.GET.get("district"))
    return render(request, "communities/public/partials/options.html", {"nodes": nodes})


def report_create(request):
    form = SelfReportForm(request.POST or None)
    stays = StayFormSet(request.POST or None, prefix=STAYS_PREFIX)
    if request.method == "POST" and journey_valid(form, stays):
        values = form.cleaned_data
        ip_slot = ratelimit.slot_claim(ratelimit.ip_key(FORM, request), IP_LIMIT, IP_WINDOW)
        if ip_slot is None:
            return _limited(request, IP_LIMIT_MESSAGE % {"n": IP_LIMIT})
        id_slot = ratelimit.slot_claim(
            ratelimit.id_key(FORM, values["id_number"]), ID_LIMIT, ID_WINDOW
        )
        if id_slot is None:
            ratelimit.slots_release(ip_slot)
            return _limited(request, ID_LIMIT_MESSAGE % {"n": ID_LIMIT})
        try:
            arrival = services.self_report_submit(
                community=values["community"],
                name=values["name"],
                id_number=values["id_number"],
                phone=values["phone"],
                address=values["address"],
                stays=stays.stays(),
                arrival_date=values["arrival_date"],
                landing_point_kind=values["landing_point_kind"],
                landing_point=values["landing_point"],
                transport=values["transport"],
                abroad_quarantine_days=values["abroad_quarantine_days"],
            )
        except Exception:
            # Nothing was stored, so nothing is counted.
            ratelimit.slots_release(ip_slot, id_slot)
            raise
        token = signing.dumps(arrival.reference, salt=THANKS_SALT)
        return redirect(reverse("public:report-thanks") + "?" + urlencode({"t": token}))
    return render(request, "communities/public/report_form.html", {"form": form, "stays": stays})


@require_GET
def report_thanks(request):
    try:
        reference = signing.loads(
            request.GET.get("t", ""), salt=THANKS_SALT, max_age=THANKS_MAX_AGE
        )
    except signing.BadSignature:
        return redirect("public:report-create")
    return render(request, "communities/public/report_thanks.html", {"reference": reference})


@never_cache
def status(request):
    """Where a self-report or an appeal stands, by its reference and the last four digits
    of its phone (sent by POST: no digits in addresses or logs). ?reference= fills in the
    reference, as the thank-you pages link here."""
    form = StatusForm(request.POST or None, initial={"reference": request.GET.get("reference")})
    context = {"form": form}
    if request.method == "POST" and form.is_valid():
        slot = ratelimit.slot_claim(ratelimit.ip_key(STATUS, request), STATUS_LIMIT, STATUS_WINDOW)
        if slot is None:
            context["limited"] = STATUS_LIMIT_MESSAGE % {"n": STATUS_LIMIT}
            return render(request, "communities/public/status_lookup.html", context, status=429)
        context["status"] = selectors_public.public_status_get(
            reference=form.cleaned_data["reference"],
            phone_last4=form.cleaned_data["phone_last4"],
            now=timezone.now(),
        )
        if context["status"] is None:
            form.add_error(None, NOT_FOUND_MESSAGE)
    return render(request, "communities/public/status_lookup.html", context)
