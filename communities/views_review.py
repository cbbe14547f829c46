"""Manual code changes under review (the district proposes, the city decides) and the
recompute runs. The staff's in-app inbox is in notices.views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import access, selectors, services
from .forms_review import DecisionForm, ProposalForm
from .models import CodeChangeProposal, RecomputeRun


def _say(request, error) -> None:
    messages.error(request, " ".join(getattr(error, "messages", [str(error)])))


@login_required
@require_POST
def proposal_create(request, resident_pk):
    user = request.user
    resident = selectors.resident_get(user=user, pk=resident_pk)
    if not access.can_propose(user):
        raise PermissionDenied
    form = ProposalForm(request.POST)
    if form.is_valid():
        try:
            services.proposal_create(resident=resident, by=user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _say(request, error)
        else:
            messages.success(request, _("Proposed; the city prevention office decides."))
    else:
        messages.error(request, _("Choose a code and give a reason."))
    return redirect("communities:resident-detail", pk=resident.pk)


@login_required
def proposal_list(request):
    """Pending first; the city office decides here, the district follows its proposals."""
    proposals = (
        access.proposals_for(request.user)
        .select_related("resident__grid__parent", "proposed_by", "decided_by")
        .order_by("-state", "-proposed_at")
    )
    state = request.GET.get("state", CodeChangeProposal.State.PENDING)
    if state in CodeChangeProposal.State.values:
        proposals = proposals.filter(state=state)
    page = Paginator(proposals, 50).get_page(request.GET.get("page"))
    can_decide = access.can_decide_proposals(request.user)
    for proposal in page:
        proposal.decidable = (
            can_decide
            and proposal.state == CodeChangeProposal.State.PENDING
            and proposal.proposed_by_id != request.user.pk
        )
    context = {"page": page, "state": state, "states": CodeChangeProposal.State.choices}
    return render(request, "communities/review/proposal_list.html", context)


@login_required
@require_POST
def proposal_decide(request, pk):
    proposal = get_object_or_404(access.proposals_for(request.user), pk=pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject."))
    else:
        try:
            services.proposal_decide(proposal=proposal, by=request.user, **form.cleaned_data)
        except (ValidationError, PermissionDenied) as error:
            _say(request, error)
        else:
            messages.success(request, _("Decided."))
    return redirect("review:proposal-list")


@login_required
def run_list(request):
    """Recompute runs for the city office; the rows refresh themselves while one runs."""
    if not access.is_citywide(request.user):
        raise PermissionDenied
    runs = RecomputeRun.objects.select_related("announcement")[:30]
    running = any(run.state == RecomputeRun.State.RUNNING for run in runs)
    template = "communities/review/run_list.html"
    if request.htmx:
        template += "#rows"
    return render(request, template, {"runs": runs, "running": running})
