"""The city office's risk-area announcements (DOMAIN.md section 8): the list, one
announcement, what changed between two, and the three ways to publish one: entered on a
page (rows with pickers over the official division list), as the Excel template, or as
the JSON file. Names not on the division list are errors to correct or confirm one by
one; nothing is published without a preview."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from transfers.access import imports_for
from transfers.models import Import

from . import access, announcement_sheets, policies, selectors, services
from .announcement_sheets import template_workbook
from .announcements import parse_announcement
from .forms import AnnouncementUploadForm
from .forms_announcements import MAX_ROWS, PREFIXES, AnnouncementEditor, empty_row, initial_of
from .models import Announcement, RiskLevel
from .serializers import EFFECTIVE_DAYS_AHEAD, effective_is_later
from .uploads import xlsx_sheets
from .views import id_param, row_index

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@login_required
def announcement_list(request):
    announcements = selectors.announcement_list()
    context = {
        "announcements": announcements,
        "in_force": policies.announcement_in_force(timezone.localdate()),
        "can_publish": access.can_publish_announcements(request.user),
    }
    return render(request, "communities/announcement_list.html", context)


@login_required
def announcement_detail(request, pk):
    announcement = get_object_or_404(selectors.announcement_list(), pk=pk)
    context = {"a": announcement, "can_publish": access.can_publish_announcements(request.user)}
    return render(request, "communities/announcement_detail.html", context)


@login_required
def announcement_compare(request):
    """What changed between two announcements: places added and removed per list."""
    base = get_object_or_404(Announcement, pk=id_param(request, "a"))
    other = get_object_or_404(Announcement, pk=id_param(request, "b"))
    changes = selectors.announcement_changes(base=base, other=other)
    for side in ("added", "removed"):  # a risk area's level in words (高风险), not "high"
        changes["risk_areas"][side] = [
            (RiskLevel(level).label, *rest) for level, *rest in changes["risk_areas"][side]
        ]
    context = {"base": base, "other": other, "changes": changes}
    return render(request, "communities/announcement_compare.html", context)


def _publish(request, data: dict):
    announcement, created = services.announcement_load(data=data, by=request.user)
    if created:
        messages.success(
            request, _("Published; the residents it may affect are being re-assessed.")
        )
    else:
        messages.info(request, _("This announcement was already published; nothing changed."))
    return redirect("communities:announcement-detail", pk=announcement.pk)


def _imported(request) -> dict[str, list[list[str]]]:
    """The sheets of the user's own announcement template that the import path checked
    (?import=<id>): another's, or one not checked, is a 404."""
    record = get_object_or_404(
        imports_for(request.user).filter(
            by=request.user, kind="announcement", state=Import.State.READY
        ),
        pk=id_param(request, "import"),
    )
    try:
        data = record.path.read_bytes()
    except FileNotFoundError as gone:
        raise Http404 from gone
    return xlsx_sheets(data, MAX_ROWS)


def _copied(request) -> dict:
    """The editor's initial values from the announcement in ?from= (none without it)."""
    if "from" not in request.GET:
        return {}
    announcement = get_object_or_404(selectors.announcement_list(), pk=id_param(request, "from"))
    return initial_of(announcement.payload)


@login_required
def announcement_create(request):
    """Enter an announcement on the page, or fill it from the Excel template: check and
    preview, then publish. A copy of an earlier one (?from=) is the usual start."""
    if not access.can_publish_announcements(request.user):
        raise PermissionDenied
    action = request.POST.get("action", "")
    if request.method == "GET" and "import" in request.GET:
        # the template checked on the import path: its rows, checked as if typed here
        editor = AnnouncementEditor(announcement_sheets.editor_data(_imported(request)))
        editor.is_valid()
    elif request.method == "POST":
        editor = AnnouncementEditor(request.POST)
        publishing = action == "publish"
        if editor.is_valid(publishing=publishing) and publishing:
            # what is published is what the preview showed: a change since is previewed
            if request.POST.get("previewed") == policies.canonical_digest(editor.payload()):
                return _publish(request, editor.validated)
            messages.warning(request, _("The rows changed after the preview: check them again."))
    else:
        editor = AnnouncementEditor(initial=_copied(request))
    context = {
        "editor": editor,
        "preview": editor.validated,
        "impact": _impact(request, editor.validated),
        "previewed": policies.canonical_digest(editor.payload()) if editor.validated else "",
        "in_force": policies.announcement_in_force(timezone.localdate()),
        "days_ahead": EFFECTIVE_DAYS_AHEAD,
    }
    return render(request, "communities/announcement_form.html", context)


@login_required
def announcement_row(request):
    """An empty row of one list (?list=risk|case|city|measure) for "add a row"."""
    if not access.can_publish_announcements(request.user):
        raise PermissionDenied
    prefix = request.GET.get("list", "")
    if prefix not in PREFIXES:
        prefix = "risk"
    form = empty_row(prefix, row_index(request, MAX_ROWS))
    return render(request, "communities/partials/announcement_row.html", {"form": form})


@login_required
def announcement_template(request):
    """The Excel template: empty, or filled with the announcement in ?from= to change."""
    if not access.can_publish_announcements(request.user):
        raise PermissionDenied
    response = HttpResponse(template_workbook(_copied(request)), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="announcement-template.xlsx"'
    return response


@login_required
def announcement_upload(request):
    """Upload the JSON file, preview the parsed lists, then publish (the file travels in
    the form). Each name not on the official division list needs its own confirmation."""
    if not access.can_publish_announcements(request.user):
        raise PermissionDenied
    preview = errors = None
    unknown: list[tuple[str, str]] = []
    later = False
    form = AnnouncementUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        content = form.cleaned_data["content"]
        publish = bool(request.POST.get("publish"))
        # The preview shows a date more than 30 days ahead with a box to confirm it;
        # publishing such a date needs the box ticked.
        parsed = parse_announcement(
            content, later_confirmed=not publish or bool(request.POST.get("confirm_later"))
        )
        confirmed = set(request.POST.getlist("confirm_place"))
        unknown = [(w.split(":", 1)[0], w) for w in parsed.warnings]
        if parsed.errors:
            errors = parsed.errors
        elif publish and all(key in confirmed for key, _w in unknown):
            return _publish(request, parsed.data)
        else:
            if publish:
                errors = [_("Correct or confirm each name that is not on the official list.")]
            preview = parsed.data
            later = effective_is_later(preview["effective"])
            text = content.decode("utf-8-sig") if isinstance(content, bytes) else content
            form = AnnouncementUploadForm(initial={"text": text})
    return render(
        request,
        "communities/announcement_upload.html",
        {
            "form": form,
            "preview": preview,
            "errors": errors,
            "unknown": unknown,
            "later": later,
            "days_ahead": EFFECTIVE_DAYS_AHEAD,
            "impact": _impact(request, preview),
        },
    )


def _impact(request, data: dict | None):
    """The previewed announcement's impact: its dry run, started unless under way or
    fresh (the page polls announcement_impact until it is done)."""
    return services.impact_preview_request(data=data, by=request.user) if data else None


@require_GET
@login_required
def announcement_impact(request, pk):
    """A dry run's progress and, once done, its figures (the page's htmx polls this)."""
    preview = get_object_or_404(access.impact_previews_for(request.user), pk=pk)
    return render(request, "communities/partials/impact_preview.html", {"impact": preview})
