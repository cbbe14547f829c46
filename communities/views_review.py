"""Manual code changes under review (the district proposes, the city decides), the
district's review tasks (a stricter re-assessment that a person's decision stands
against) and the recompute runs. The staff's in-app inbox is in notices.views."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from . import access, impact, listings, selectors, selectors_review, services
from .forms_review import DecisionForm, ProposalForm, ReviewKeepForm, ReviewProposeForm
from .models import CodeChangeProposal, DecisionReview, RecomputeRun
from .paging import CappedPaginator
from .views import error_text

PER_PAGE = 50


def _say(request, error) -> None:
    messages.error(request, error_text(error))


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


def _decidable(proposal: CodeChangeProposal, user) -> bool:
    return (
        access.can_decide_proposals(user)
        and proposal.state == CodeChangeProposal.State.PENDING
        and proposal.proposed_by_id != user.pk
    )


@login_required
def proposal_list(request):
    """Pending first; the city office decides here, the district follows its proposals."""
    state = request.GET.get("state", CodeChangeProposal.State.PENDING)
    proposals = listings.proposals(request.user, request.GET)
    page = CappedPaginator(proposals, PER_PAGE).get_page(request.GET.get("page"))
    for proposal in page:
        proposal.decidable = _decidable(proposal, request.user)
    context = {"page": page, "state": state, "states": CodeChangeProposal.State.choices}
    return render(request, "communities/review/proposal_list.html", context)


@login_required
def proposal_decide(request, pk):
    """One proposal's card, where the city decides it (the list's cards post here; htmx
    gets the card back). A refusal (a release while anomalies are open, say) is shown on
    the card's form and nothing is stored."""
    user = request.user
    proposal = get_object_or_404(listings.proposal_cards(user), pk=pk)
    if request.method == "POST":
        form = DecisionForm(request.POST)
        if not form.is_valid():
            proposal.error = _("Choose approve or reject.")
        else:
            try:
                services.proposal_decide(proposal=proposal, by=user, **form.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                proposal.error = error_text(error)
            else:
                if not request.htmx:
                    messages.success(request, _("Decided."))
                    return redirect("review:proposal-list")
                proposal = listings.proposal_cards(user).get(pk=pk)
                proposal.done = _("Decided.")
    proposal.decidable = _decidable(proposal, user)
    if request.htmx:
        return render(request, "communities/review/proposal_list.html#card", {"p": proposal})
    return render(request, "communities/review/proposal_decide.html", {"p": proposal})


# --- Review tasks: a stricter re-assessment meets a person's decision ------------------------


def _with_forms(review: DecisionReview, user, *, bound=None) -> DecisionReview:
    """Give an open review the district's two forms (`bound`: the one just posted)."""
    if access.can_handle_reviews(user) and review.state == DecisionReview.State.OPEN:
        review.propose_form = ReviewProposeForm(
            review=review, initial={"reason": selectors_review.review_citation(review)}
        )
        review.keep_form = ReviewKeepForm(review=review)
        if isinstance(bound, ReviewProposeForm):
            review.propose_form = bound
        elif isinstance(bound, ReviewKeepForm):
            review.keep_form = bound
    return review


@login_required
def decision_review_list(request):
    """待复核: the review tasks of the district (the city reads them), the longest waiting
    first."""
    user = request.user
    state = request.GET.get("state", DecisionReview.State.OPEN)
    reviews = listings.reviews(user, request.GET)
    page = CappedPaginator(reviews, PER_PAGE).get_page(request.GET.get("page"))
    for review in page:
        _with_forms(review, user)
    context = {"page": page, "state": state, "states": DecisionReview.State.choices}
    return render(request, "communities/review/decision_review_list.html", context)


# What each action posts and calls, and what it says when done.
REVIEW_ACTIONS = {
    "propose": (
        ReviewProposeForm,
        services.review_propose,
        _("Proposed; the city prevention office decides."),
    ),
    "keep": (ReviewKeepForm, services.review_keep, _("The person's decision is kept.")),
}


@login_required
def decision_review_detail(request, pk, action=""):
    """One review task's card; the district office proposes a change from it or keeps the
    decision (the list's cards post here; htmx gets the card back). A refusal is shown
    on the form that was sent and nothing is stored."""
    user = request.user
    review = get_object_or_404(selectors_review.decision_review_list(user=user), pk=pk)
    bound = None
    if request.method == "POST":
        if not access.can_handle_reviews(user) or action not in REVIEW_ACTIONS:
            raise PermissionDenied
        form_class, service, done = REVIEW_ACTIONS[action]
        bound = form_class(request.POST, review=review)
        if bound.is_valid():
            try:
                service(review=review, by=user, **bound.cleaned_data)
            except (ValidationError, PermissionDenied) as error:
                bound.add_error(None, error_text(error))
            else:
                if not request.htmx:
                    messages.success(request, done)
                    return redirect("review:decision-review-list")
                review = selectors_review.decision_review_list(user=user).get(pk=pk)
                review.done, bound = done, None
    _with_forms(review, user, bound=bound)
    if request.htmx:
        return render(request, "communities/review/decision_review_list.html#card", {"r": review})
    return render(request, "communities/review/decision_review_detail.html", {"r": review})


@login_required
def run_list(request):
    """Recompute runs for the city office; the rows refresh themselves while one runs."""
    runs = list(listings.runs(request.user, request.GET)[:30])
    impact.previews_attach(runs)  # the figures of each announcement's dry run beside
    running = any(run.state == RecomputeRun.State.RUNNING for run in runs)
    template = "communities/review/run_list.html"
    if request.htmx:
        template += "#rows"
    return render(request, template, {"runs": runs, "running": running})
