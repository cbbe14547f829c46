from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from . import selectors
from .models import Jurisdiction, User

Role = User.Role

# What each role does next; the pages behind these arrive with the issues that build them.
NEXT_STEPS = {
    Role.GRID_WORKER: [
        _("Register arrivals in your grids and check their health codes."),
        _("Record today's follow-ups and nucleic-acid tests."),
        _("Verify big-data pushes and venue reports within 24 hours."),
    ],
    Role.COMMUNITY_STAFF: [
        _("Watch the community's residents under control measures."),
        _("Help grid workers with overdue follow-ups and tests."),
    ],
    Role.STREET_SUPERVISOR: [
        _("Follow the street's dashboards and overdue items."),
        _("Run the street sweep campaign and decide red placards."),
    ],
    Role.DISTRICT_OFFICE: [
        _("Propose manual code changes and review appeals within 24 hours."),
        _("Review the district's anomalies and escalations."),
    ],
    Role.CITY_OFFICE: [
        _("Publish risk-area announcements and the day's policy."),
        _("Approve manual code changes proposed by the districts."),
    ],
    Role.INSPECTOR: [
        _("Inspect your joint group's shops with the three-element checklist."),
        _("Re-inspect red-placard shops when their three days are over."),
    ],
    Role.ADMIN: [
        _("Manage jurisdictions, staff and their roles in the admin site."),
    ],
}


@login_required
def home(request):
    user = request.user
    root = selectors.home_root(user=user)
    role = Role(user.role) if user.role else (Role.ADMIN if user.is_superuser else None)
    context = {
        "root": root,
        "role_label": role.label if role else "",
        "next_steps": NEXT_STEPS.get(role, []),
        "counts": selectors.home_counts(user=user),
        "breakdown": selectors.node_breakdown(user=user, node=root) if root else [],
    }
    return render(request, "communities/home.html", context)


@login_required
def jurisdiction_list(request):
    nodes = selectors.jurisdiction_list(user=request.user)
    level = request.GET.get("level", "")
    if level in Jurisdiction.Level.values:
        nodes = nodes.filter(level=level)
    page = Paginator(nodes, 50).get_page(request.GET.get("page"))
    template = "communities/jurisdiction_list.html"
    if request.htmx:
        template += "#rows"
    context = {"page": page, "level": level, "levels": Jurisdiction.Level.choices}
    return render(request, template, context)


@login_required
def jurisdiction_detail(request, pk):
    node = selectors.jurisdiction_get(user=request.user, pk=pk)
    context = {
        "node": node,
        "ancestors": selectors.jurisdiction_list(user=request.user).filter(
            pk__in=node.ancestor_ids
        ),
        "breakdown": selectors.node_breakdown(user=request.user, node=node),
    }
    return render(request, "communities/jurisdiction_detail.html", context)
