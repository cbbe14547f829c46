"""The printable placard (红绿牌) of a shop, as an A4 page and as a PDF, for the staff who
post it; and the public status page that its QR code opens (no sign-in)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_safe

from . import access, placards, selectors
from .models import Placard


def _placard_context(request, pk):
    """The placard of a shop in the user's area that has one; any other is a 404."""
    shops = access.shops_for(request.user).exclude(placard=Placard.NONE)
    shop = get_object_or_404(shops.select_related("grid__parent__parent"), pk=pk)
    inspection = selectors.shop_last_inspection(shop)
    return placards.placard_context(shop, inspection, request=request)


@login_required
@require_safe
def placard(request, pk):
    context = _placard_context(request, pk)
    context["qr_svg"] = placards.qr_svg(context["url"])
    return render(request, "shops/placard.html", context)


@login_required
@require_safe
def placard_pdf(request, pk):
    context = _placard_context(request, pk)
    day = context["inspected_on"] or timezone.localdate()
    response = HttpResponse(placards.placard_pdf(context), content_type="application/pdf")
    filename = f"placard-{context['shop'].pk}-{day:%Y%m%d}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_safe
def status(request, public_id):
    """What the public may know of a shop: where it is, its placard and whether it is open.
    No phone, licence number or names of staff."""
    shop = get_object_or_404(selectors.shop_public(), public_id=public_id)
    inspection = selectors.shop_last_inspection(shop)
    return render(
        request,
        "shops/public_status.html",
        {
            "shop": shop,
            "inspected_on": timezone.localdate(inspection.inspected_at) if inspection else None,
        },
    )
